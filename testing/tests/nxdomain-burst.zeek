# @TEST-DOC: Forty NXDOMAIN answers for QSnatch names (3-6 random letters on many TLDs) within a minute cross the default thresholds (30 answers, 20 distinct names); five typos and a reverse-lookup storm do not.
#
# @TEST-EXEC: cp $FILES/nxdomain-burst/spec.json .
# @TEST-EXEC: $PYTHON $PCAPGEN spec.json trace.pcap
# @TEST-EXEC: zeek -b -C -r trace.pcap $PACKAGE %INPUT >output 2>&1
# @TEST-EXEC: zeek-cut note src < notice.log | sort >notices
# @TEST-EXEC: btest-diff notices
# @TEST-EXEC: zeek-cut note msg < notice.log | grep NXDOMAIN_Burst | grep -q 'threat=dga'
# @TEST-EXEC: zeek-cut detection host threat device < dnsguard.log >dnsguard
# @TEST-EXEC: btest-diff dnsguard
# @TEST-EXEC: zeek-cut detection evidence < dnsguard.log | grep -q '30 NXDOMAIN answers for 30 distinct names, registered labels of 4.1 characters on average'

redef DNSGuard::scorer_link = F;
