# @TEST-DOC: A name answered five times with six A records each (TTL 60, 30 addresses in 30 /16 networks) is fast flux; a CDN-like name rotating two addresses and a name with TTL 3600 are not.
#
# @TEST-EXEC: $PYTHON $PCAPGEN spec.json trace.pcap
# @TEST-EXEC: zeek -b -C -r trace.pcap $PACKAGE %INPUT >output 2>&1
# @TEST-EXEC: zeek-cut note < notice.log | sort >notices
# @TEST-EXEC: btest-diff notices
# @TEST-EXEC: zeek-cut detection name threat < dnsguard.log >dnsguard
# @TEST-EXEC: btest-diff dnsguard
# @TEST-EXEC: zeek-cut note msg < notice.log | grep Fast_Flux | grep -q 'flux-demo.example'

@TEST-START-FILE spec.json
[
  {"ts": 1700000000.0, "client": "10.0.1.1", "qname": "flux-demo.example", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "21.37.0.1", "ttl": 60}, {"rtype": "A", "value": "22.74.1.1", "ttl": 60}, {"rtype": "A", "value": "23.111.2.1", "ttl": 60}, {"rtype": "A", "value": "24.148.3.1", "ttl": 60}, {"rtype": "A", "value": "25.185.4.1", "ttl": 60}, {"rtype": "A", "value": "26.222.5.1", "ttl": 60}]},
  {"ts": 1700000010.0, "client": "10.0.2.1", "qname": "cdn-demo.example", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "198.51.100.1", "ttl": 20}, {"rtype": "A", "value": "198.51.100.2", "ttl": 20}]},
  {"ts": 1700000020.0, "client": "10.0.3.1", "qname": "slow-demo.example", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "100.1.1.1", "ttl": 3600}, {"rtype": "A", "value": "101.1.1.2", "ttl": 3600}, {"rtype": "A", "value": "102.1.1.3", "ttl": 3600}, {"rtype": "A", "value": "103.1.1.4", "ttl": 3600}, {"rtype": "A", "value": "104.1.1.5", "ttl": 3600}, {"rtype": "A", "value": "105.1.1.6", "ttl": 3600}]},
  {"ts": 1700000120.0, "client": "10.0.1.2", "qname": "flux-demo.example", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "27.9.0.2", "ttl": 60}, {"rtype": "A", "value": "28.46.1.2", "ttl": 60}, {"rtype": "A", "value": "29.83.2.2", "ttl": 60}, {"rtype": "A", "value": "30.120.3.2", "ttl": 60}, {"rtype": "A", "value": "31.157.4.2", "ttl": 60}, {"rtype": "A", "value": "32.194.5.2", "ttl": 60}]},
  {"ts": 1700000130.0, "client": "10.0.2.2", "qname": "cdn-demo.example", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "198.51.100.1", "ttl": 20}, {"rtype": "A", "value": "198.51.100.2", "ttl": 20}]},
  {"ts": 1700000140.0, "client": "10.0.3.2", "qname": "slow-demo.example", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "106.1.1.1", "ttl": 3600}, {"rtype": "A", "value": "107.1.1.2", "ttl": 3600}, {"rtype": "A", "value": "108.1.1.3", "ttl": 3600}, {"rtype": "A", "value": "109.1.1.4", "ttl": 3600}, {"rtype": "A", "value": "110.1.1.5", "ttl": 3600}, {"rtype": "A", "value": "111.1.1.6", "ttl": 3600}]},
  {"ts": 1700000240.0, "client": "10.0.1.3", "qname": "flux-demo.example", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "33.231.0.3", "ttl": 60}, {"rtype": "A", "value": "34.18.1.3", "ttl": 60}, {"rtype": "A", "value": "35.55.2.3", "ttl": 60}, {"rtype": "A", "value": "36.92.3.3", "ttl": 60}, {"rtype": "A", "value": "37.129.4.3", "ttl": 60}, {"rtype": "A", "value": "38.166.5.3", "ttl": 60}]},
  {"ts": 1700000250.0, "client": "10.0.2.3", "qname": "cdn-demo.example", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "198.51.100.1", "ttl": 20}, {"rtype": "A", "value": "198.51.100.2", "ttl": 20}]},
  {"ts": 1700000260.0, "client": "10.0.3.3", "qname": "slow-demo.example", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "112.1.1.1", "ttl": 3600}, {"rtype": "A", "value": "113.1.1.2", "ttl": 3600}, {"rtype": "A", "value": "114.1.1.3", "ttl": 3600}, {"rtype": "A", "value": "115.1.1.4", "ttl": 3600}, {"rtype": "A", "value": "116.1.1.5", "ttl": 3600}, {"rtype": "A", "value": "117.1.1.6", "ttl": 3600}]},
  {"ts": 1700000360.0, "client": "10.0.1.4", "qname": "flux-demo.example", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "39.203.0.4", "ttl": 60}, {"rtype": "A", "value": "40.240.1.4", "ttl": 60}, {"rtype": "A", "value": "41.27.2.4", "ttl": 60}, {"rtype": "A", "value": "42.64.3.4", "ttl": 60}, {"rtype": "A", "value": "43.101.4.4", "ttl": 60}, {"rtype": "A", "value": "44.138.5.4", "ttl": 60}]},
  {"ts": 1700000370.0, "client": "10.0.2.4", "qname": "cdn-demo.example", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "198.51.100.1", "ttl": 20}, {"rtype": "A", "value": "198.51.100.2", "ttl": 20}]},
  {"ts": 1700000380.0, "client": "10.0.3.4", "qname": "slow-demo.example", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "118.1.1.1", "ttl": 3600}, {"rtype": "A", "value": "119.1.1.2", "ttl": 3600}, {"rtype": "A", "value": "120.1.1.3", "ttl": 3600}, {"rtype": "A", "value": "121.1.1.4", "ttl": 3600}, {"rtype": "A", "value": "122.1.1.5", "ttl": 3600}, {"rtype": "A", "value": "123.1.1.6", "ttl": 3600}]},
  {"ts": 1700000480.0, "client": "10.0.1.5", "qname": "flux-demo.example", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "45.175.0.5", "ttl": 60}, {"rtype": "A", "value": "46.212.1.5", "ttl": 60}, {"rtype": "A", "value": "47.249.2.5", "ttl": 60}, {"rtype": "A", "value": "48.36.3.5", "ttl": 60}, {"rtype": "A", "value": "49.73.4.5", "ttl": 60}, {"rtype": "A", "value": "50.110.5.5", "ttl": 60}]},
  {"ts": 1700000490.0, "client": "10.0.2.5", "qname": "cdn-demo.example", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "198.51.100.1", "ttl": 20}, {"rtype": "A", "value": "198.51.100.2", "ttl": 20}]},
  {"ts": 1700000500.0, "client": "10.0.3.5", "qname": "slow-demo.example", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "124.1.1.1", "ttl": 3600}, {"rtype": "A", "value": "125.1.1.2", "ttl": 3600}, {"rtype": "A", "value": "126.1.1.3", "ttl": 3600}, {"rtype": "A", "value": "127.1.1.4", "ttl": 3600}, {"rtype": "A", "value": "128.1.1.5", "ttl": 3600}, {"rtype": "A", "value": "129.1.1.6", "ttl": 3600}]}
]
@TEST-END-FILE

redef DNSGuard::scorer_link = F;
