# @TEST-DOC: Hosts resolving NAS vendor service names are tagged (nas-qnap, nas-synology); www and bare vendor domains are not; a later notice about a tagged host names its device type.
#
# @TEST-EXEC: $PYTHON $PCAPGEN spec.json trace.pcap
# @TEST-EXEC: zeek -b -C -r trace.pcap $PACKAGE %INPUT >output 2>&1
# @TEST-EXEC: zeek-cut note src < notice.log | sort >notices
# @TEST-EXEC: btest-diff notices
# @TEST-EXEC: zeek-cut detection host device < dnsguard.log | sort >dnsguard
# @TEST-EXEC: btest-diff dnsguard
# @TEST-EXEC: zeek-cut note msg < notice.log | grep Tunnel_Long_Label | grep -q 'device=nas-qnap'
# @TEST-EXEC: zeek-cut src msg < notice.log | grep 10.0.0.43 | grep -q 'Host tagged as nas-synology: global.download.synology.com'

@TEST-START-FILE spec.json
[
  {"ts": 1700000000.0, "client": "10.0.0.40", "qname": "update.qnap.com", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "192.0.2.40", "ttl": 300}]},
  {"ts": 1700000001.0, "client": "10.0.0.41", "qname": "www.qnap.com", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "192.0.2.41", "ttl": 300}]},
  {"ts": 1700000002.0, "client": "10.0.0.42", "qname": "mynas.myqnapcloud.com", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "192.0.2.42", "ttl": 300}]},
  {"ts": 1700000003.0, "client": "10.0.0.43", "qname": "global.download.synology.com", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "192.0.2.43", "ttl": 300}]},
  {"ts": 1700000004.0, "client": "10.0.0.44", "qname": "qnap.com", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "192.0.2.44", "ttl": 300}]},
  {"ts": 1700000010.0, "client": "10.0.0.40", "qname": "mzxw6ytboi4dsnzrgq2tmnzyhe4dcmrtgq2tkojwg44dqojrgizdgnbvgy3t.t.tunnel-demo.example", "qtype": "TXT", "rcode": "NOERROR", "answers": [{"rtype": "TXT", "value": "x", "ttl": 0}]}
]
@TEST-END-FILE

redef DNSGuard::scorer_link = F;
