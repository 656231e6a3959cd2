# @TEST-DOC: The lexical pre-filter selects machine-made registered labels (and every NXDOMAIN name), scores the label left of multi-label and dynamic-DNS suffixes, skips ignored domains and reverse look-ups, and sends each name once.
#
# @TEST-EXEC: cp $FILES/prefilter-candidate/spec.json .
# @TEST-EXEC: $PYTHON $PCAPGEN spec.json trace.pcap
# @TEST-EXEC: zeek -b -C -r trace.pcap $PACKAGE %INPUT >output 2>&1
# @TEST-EXEC: zeek-cut detection host name < dnsguard.log | sort >candidates
# @TEST-EXEC: btest-diff candidates
# @TEST-EXEC: zeek-cut name evidence < dnsguard.log | grep xkqzvbtrwplmnhg.com | grep -q 'label=xkqzvbtrwplmnhg signs=length,consonants,entropy rcode=0'
# @TEST-EXEC: zeek-cut name evidence < dnsguard.log | grep qwrtzpsdfghjkl.duckdns.org | grep -q 'label=qwrtzpsdfghjkl '
# @TEST-EXEC: zeek-cut name evidence < dnsguard.log | grep a1b2c3d4e5.co.uk | grep -q 'label=a1b2c3d4e5 signs=length,digits,entropy rcode=0'
# @TEST-EXEC: zeek-cut name evidence < dnsguard.log | grep abc.com.sv | grep -q 'label=abc signs=none rcode=3'
# @TEST-EXEC: test ! -e notice.log

redef DNSGuard::scorer_link = F;
redef DNSGuard::log_candidates = T;
