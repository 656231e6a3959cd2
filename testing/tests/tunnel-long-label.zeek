# @TEST-DOC: Twelve distinct names with 60-character labels below one domain raise Tunnel_Long_Label; a Teams client repeating one 56-character trouter name and three 63-character minerva hashes does not, nor do fifteen 51-character labels (below the default 52).
#
# @TEST-EXEC: cp $FILES/tunnel-long-label/spec.json .
# @TEST-EXEC: $PYTHON $PCAPGEN spec.json trace.pcap
# @TEST-EXEC: zeek -b -C -r trace.pcap $PACKAGE %INPUT >output 2>&1
# @TEST-EXEC: zeek-cut note src < notice.log | sort >notices
# @TEST-EXEC: btest-diff notices
# @TEST-EXEC: zeek-cut note msg sub < notice.log | grep Tunnel_Long_Label | grep -q '10 distinct names with labels of 52+ characters below tunnel-demo.example'
# @TEST-EXEC: zeek-cut detection host threat < dnsguard.log >dnsguard
# @TEST-EXEC: btest-diff dnsguard

redef DNSGuard::scorer_link = F;
