# @TEST-DOC: A 60-character label raises Tunnel_Long_Label; 10 and 51 characters (below the default 52) do not.
#
# @TEST-EXEC: $PYTHON $PCAPGEN spec.json trace.pcap
# @TEST-EXEC: zeek -b -C -r trace.pcap $PACKAGE %INPUT >output 2>&1
# @TEST-EXEC: zeek-cut note src < notice.log | sort >notices
# @TEST-EXEC: btest-diff notices
# @TEST-EXEC: zeek-cut note msg sub < notice.log | grep Tunnel_Long_Label | grep -q 'label of 60 characters below tunnel-demo.example'
# @TEST-EXEC: zeek-cut detection host threat < dnsguard.log >dnsguard
# @TEST-EXEC: btest-diff dnsguard

@TEST-START-FILE spec.json
[
  {"ts": 1700000000.0, "client": "10.0.0.30", "qname": "mzxw6ytboi4dsnzrgq2tmnzyhe4dcmrtgq2tkojwg44dqojrgizdgnbvgy3t.t.tunnel-demo.example", "qtype": "TXT", "rcode": "NOERROR", "answers": [{"rtype": "TXT", "value": "ok", "ttl": 0}]},
  {"ts": 1700000001.0, "client": "10.0.0.31", "qname": "shortlabel.tunnel-demo.example", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "192.0.2.20", "ttl": 300}]},
  {"ts": 1700000002.0, "client": "10.0.0.31", "qname": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.tunnel-demo.example", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "192.0.2.21", "ttl": 300}]}
]
@TEST-END-FILE

redef DNSGuard::scorer_link = F;
