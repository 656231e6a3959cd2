# @TEST-DOC: 25 distinct subdomains of one registered domain from one host cross a threshold of 20 (RITA's measure); 5 subdomains and an ignored block-list zone do not.
#
# @TEST-EXEC: cp $FILES/tunnel-subdomains/spec.json .
# @TEST-EXEC: $PYTHON $PCAPGEN spec.json trace.pcap
# @TEST-EXEC: zeek -b -C -r trace.pcap $PACKAGE %INPUT >output 2>&1
# @TEST-EXEC: zeek-cut note src < notice.log | sort >notices
# @TEST-EXEC: btest-diff notices
# @TEST-EXEC: zeek-cut detection host name threat < dnsguard.log >dnsguard
# @TEST-EXEC: btest-diff dnsguard
# @TEST-EXEC: zeek-cut note msg < notice.log | grep Tunnel_Subdomains | grep -q 'exfil-demo.example'

redef DNSGuard::scorer_link = F;
redef DNSGuard::tunnel_subdomain_threshold = 20;
