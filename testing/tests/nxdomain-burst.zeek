# @TEST-DOC: Forty NXDOMAIN answers for QSnatch names (3-6 random letters on many TLDs) within a minute cross the default threshold (12 distinct registered domains within 10 minutes) on the twelfth; five typos and a reverse-lookup storm do not.
#
# @TEST-EXEC: cp $FILES/nxdomain-burst/spec.json .
# @TEST-EXEC: $PYTHON $PCAPGEN spec.json trace.pcap
# @TEST-EXEC: zeek -b -C -r trace.pcap $PACKAGE %INPUT >output 2>&1
# @TEST-EXEC: zeek-cut note src < notice.log | sort >notices
# @TEST-EXEC: btest-diff notices
# @TEST-EXEC: zeek-cut note msg < notice.log | grep NXDOMAIN_Burst | grep -q 'threat=dga'
# @TEST-EXEC: zeek-cut note id.orig_h msg < notice.log | grep NXDOMAIN_Burst | grep -q '	-	10.0.0.23: NXDOMAIN burst: 12 domains \['
# @TEST-EXEC: zeek-cut detection host threat device < dnsguard.log >dnsguard
# @TEST-EXEC: btest-diff dnsguard
# @TEST-EXEC: zeek-cut detection evidence < dnsguard.log | grep -q '12 NXDOMAIN answers for 12 distinct registered domains, registered labels of 3.9 characters on average'

redef DNSGuard::scorer_link = F;
