# @TEST-DOC: A 60-character label raises Tunnel_Long_Label; 10 and 51 characters (below the default 52) do not.
#
# @TEST-EXEC: cp $FILES/tunnel-long-label/spec.json .
# @TEST-EXEC: $PYTHON $PCAPGEN spec.json trace.pcap
# @TEST-EXEC: zeek -b -C -r trace.pcap $PACKAGE %INPUT >output 2>&1
# @TEST-EXEC: zeek-cut note src < notice.log | sort >notices
# @TEST-EXEC: btest-diff notices
# @TEST-EXEC: zeek-cut note msg sub < notice.log | grep Tunnel_Long_Label | grep -q 'label of 60 characters below tunnel-demo.example'
# @TEST-EXEC: zeek-cut detection host threat < dnsguard.log >dnsguard
# @TEST-EXEC: btest-diff dnsguard

redef DNSGuard::scorer_link = F;
