# @TEST-DOC: 25 distinct subdomains of one registered domain from one host cross a threshold of 20 (RITA's measure); 5 subdomains and an ignored block-list zone do not.
#
# @TEST-EXEC: $PYTHON $PCAPGEN spec.json trace.pcap
# @TEST-EXEC: zeek -b -C -r trace.pcap $PACKAGE %INPUT >output 2>&1
# @TEST-EXEC: zeek-cut note src < notice.log | sort >notices
# @TEST-EXEC: btest-diff notices
# @TEST-EXEC: zeek-cut detection host name threat < dnsguard.log >dnsguard
# @TEST-EXEC: btest-diff dnsguard
# @TEST-EXEC: zeek-cut note msg < notice.log | grep Tunnel_Subdomains | grep -q 'exfil-demo.example'

@TEST-START-FILE spec.json
[
  {"ts": 1700000000.0, "client": "10.0.0.31", "qname": "b6589fc6ab0dc82cf120.exfil-demo.example", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "192.0.2.30", "ttl": 300}]},
  {"ts": 1700000001.0, "client": "10.0.0.32", "qname": "host0.normal-demo.example", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "192.0.2.31", "ttl": 300}]},
  {"ts": 1700000002.0, "client": "10.0.0.31", "qname": "356a192b7913b04c5457.exfil-demo.example", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "192.0.2.30", "ttl": 300}]},
  {"ts": 1700000003.0, "client": "10.0.0.32", "qname": "host1.normal-demo.example", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "192.0.2.31", "ttl": 300}]},
  {"ts": 1700000004.0, "client": "10.0.0.31", "qname": "da4b9237bacccdf19c07.exfil-demo.example", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "192.0.2.30", "ttl": 300}]},
  {"ts": 1700000005.0, "client": "10.0.0.32", "qname": "host2.normal-demo.example", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "192.0.2.31", "ttl": 300}]},
  {"ts": 1700000006.0, "client": "10.0.0.31", "qname": "77de68daecd823babbb5.exfil-demo.example", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "192.0.2.30", "ttl": 300}]},
  {"ts": 1700000007.0, "client": "10.0.0.32", "qname": "host3.normal-demo.example", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "192.0.2.31", "ttl": 300}]},
  {"ts": 1700000008.0, "client": "10.0.0.31", "qname": "1b6453892473a467d073.exfil-demo.example", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "192.0.2.30", "ttl": 300}]},
  {"ts": 1700000009.0, "client": "10.0.0.32", "qname": "host4.normal-demo.example", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "192.0.2.31", "ttl": 300}]},
  {"ts": 1700000010.0, "client": "10.0.0.31", "qname": "ac3478d69a3c81fa62e6.exfil-demo.example", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "192.0.2.30", "ttl": 300}]},
  {"ts": 1700000012.0, "client": "10.0.0.31", "qname": "c1dfd96eea8cc2b62785.exfil-demo.example", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "192.0.2.30", "ttl": 300}]},
  {"ts": 1700000014.0, "client": "10.0.0.31", "qname": "902ba3cda1883801594b.exfil-demo.example", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "192.0.2.30", "ttl": 300}]},
  {"ts": 1700000016.0, "client": "10.0.0.31", "qname": "fe5dbbcea5ce7e2988b8.exfil-demo.example", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "192.0.2.30", "ttl": 300}]},
  {"ts": 1700000018.0, "client": "10.0.0.31", "qname": "0ade7c2cf97f75d00997.exfil-demo.example", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "192.0.2.30", "ttl": 300}]},
  {"ts": 1700000020.0, "client": "10.0.0.31", "qname": "b1d5781111d84f7b3fe4.exfil-demo.example", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "192.0.2.30", "ttl": 300}]},
  {"ts": 1700000022.0, "client": "10.0.0.31", "qname": "17ba0791499db908433b.exfil-demo.example", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "192.0.2.30", "ttl": 300}]},
  {"ts": 1700000024.0, "client": "10.0.0.31", "qname": "7b52009b64fd0a2a49e6.exfil-demo.example", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "192.0.2.30", "ttl": 300}]},
  {"ts": 1700000026.0, "client": "10.0.0.31", "qname": "bd307a3ec329e10a2cff.exfil-demo.example", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "192.0.2.30", "ttl": 300}]},
  {"ts": 1700000028.0, "client": "10.0.0.31", "qname": "fa35e192121eabf3dabf.exfil-demo.example", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "192.0.2.30", "ttl": 300}]},
  {"ts": 1700000030.0, "client": "10.0.0.31", "qname": "f1abd670358e036c3129.exfil-demo.example", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "192.0.2.30", "ttl": 300}]},
  {"ts": 1700000032.0, "client": "10.0.0.31", "qname": "1574bddb75c78a6fd225.exfil-demo.example", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "192.0.2.30", "ttl": 300}]},
  {"ts": 1700000034.0, "client": "10.0.0.31", "qname": "0716d9708d321ffb6a00.exfil-demo.example", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "192.0.2.30", "ttl": 300}]},
  {"ts": 1700000036.0, "client": "10.0.0.31", "qname": "9e6a55b6b4563e652a23.exfil-demo.example", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "192.0.2.30", "ttl": 300}]},
  {"ts": 1700000038.0, "client": "10.0.0.31", "qname": "b3f0c7f6bb763af1be91.exfil-demo.example", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "192.0.2.30", "ttl": 300}]},
  {"ts": 1700000040.0, "client": "10.0.0.31", "qname": "91032ad7bbcb6cf72875.exfil-demo.example", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "192.0.2.30", "ttl": 300}]},
  {"ts": 1700000042.0, "client": "10.0.0.31", "qname": "472b07b9fcf2c2451e87.exfil-demo.example", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "192.0.2.30", "ttl": 300}]},
  {"ts": 1700000044.0, "client": "10.0.0.31", "qname": "12c6fc06c99a462375ee.exfil-demo.example", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "192.0.2.30", "ttl": 300}]},
  {"ts": 1700000046.0, "client": "10.0.0.31", "qname": "d435a6cdd786300dff20.exfil-demo.example", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "192.0.2.30", "ttl": 300}]},
  {"ts": 1700000048.0, "client": "10.0.0.31", "qname": "4d134bc072212ace2df3.exfil-demo.example", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "192.0.2.30", "ttl": 300}]},
  {"ts": 1700000060.0, "client": "10.0.0.33", "qname": "b6589fc6ab0dc82cf120.spamhaus.org", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "127.0.0.2", "ttl": 300}]},
  {"ts": 1700000061.0, "client": "10.0.0.33", "qname": "356a192b7913b04c5457.spamhaus.org", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "127.0.0.2", "ttl": 300}]},
  {"ts": 1700000062.0, "client": "10.0.0.33", "qname": "da4b9237bacccdf19c07.spamhaus.org", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "127.0.0.2", "ttl": 300}]},
  {"ts": 1700000063.0, "client": "10.0.0.33", "qname": "77de68daecd823babbb5.spamhaus.org", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "127.0.0.2", "ttl": 300}]},
  {"ts": 1700000064.0, "client": "10.0.0.33", "qname": "1b6453892473a467d073.spamhaus.org", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "127.0.0.2", "ttl": 300}]},
  {"ts": 1700000065.0, "client": "10.0.0.33", "qname": "ac3478d69a3c81fa62e6.spamhaus.org", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "127.0.0.2", "ttl": 300}]},
  {"ts": 1700000066.0, "client": "10.0.0.33", "qname": "c1dfd96eea8cc2b62785.spamhaus.org", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "127.0.0.2", "ttl": 300}]},
  {"ts": 1700000067.0, "client": "10.0.0.33", "qname": "902ba3cda1883801594b.spamhaus.org", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "127.0.0.2", "ttl": 300}]},
  {"ts": 1700000068.0, "client": "10.0.0.33", "qname": "fe5dbbcea5ce7e2988b8.spamhaus.org", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "127.0.0.2", "ttl": 300}]},
  {"ts": 1700000069.0, "client": "10.0.0.33", "qname": "0ade7c2cf97f75d00997.spamhaus.org", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "127.0.0.2", "ttl": 300}]},
  {"ts": 1700000070.0, "client": "10.0.0.33", "qname": "b1d5781111d84f7b3fe4.spamhaus.org", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "127.0.0.2", "ttl": 300}]},
  {"ts": 1700000071.0, "client": "10.0.0.33", "qname": "17ba0791499db908433b.spamhaus.org", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "127.0.0.2", "ttl": 300}]},
  {"ts": 1700000072.0, "client": "10.0.0.33", "qname": "7b52009b64fd0a2a49e6.spamhaus.org", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "127.0.0.2", "ttl": 300}]},
  {"ts": 1700000073.0, "client": "10.0.0.33", "qname": "bd307a3ec329e10a2cff.spamhaus.org", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "127.0.0.2", "ttl": 300}]},
  {"ts": 1700000074.0, "client": "10.0.0.33", "qname": "fa35e192121eabf3dabf.spamhaus.org", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "127.0.0.2", "ttl": 300}]},
  {"ts": 1700000075.0, "client": "10.0.0.33", "qname": "f1abd670358e036c3129.spamhaus.org", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "127.0.0.2", "ttl": 300}]},
  {"ts": 1700000076.0, "client": "10.0.0.33", "qname": "1574bddb75c78a6fd225.spamhaus.org", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "127.0.0.2", "ttl": 300}]},
  {"ts": 1700000077.0, "client": "10.0.0.33", "qname": "0716d9708d321ffb6a00.spamhaus.org", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "127.0.0.2", "ttl": 300}]},
  {"ts": 1700000078.0, "client": "10.0.0.33", "qname": "9e6a55b6b4563e652a23.spamhaus.org", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "127.0.0.2", "ttl": 300}]},
  {"ts": 1700000079.0, "client": "10.0.0.33", "qname": "b3f0c7f6bb763af1be91.spamhaus.org", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "127.0.0.2", "ttl": 300}]},
  {"ts": 1700000080.0, "client": "10.0.0.33", "qname": "91032ad7bbcb6cf72875.spamhaus.org", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "127.0.0.2", "ttl": 300}]},
  {"ts": 1700000081.0, "client": "10.0.0.33", "qname": "472b07b9fcf2c2451e87.spamhaus.org", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "127.0.0.2", "ttl": 300}]},
  {"ts": 1700000082.0, "client": "10.0.0.33", "qname": "12c6fc06c99a462375ee.spamhaus.org", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "127.0.0.2", "ttl": 300}]},
  {"ts": 1700000083.0, "client": "10.0.0.33", "qname": "d435a6cdd786300dff20.spamhaus.org", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "127.0.0.2", "ttl": 300}]},
  {"ts": 1700000084.0, "client": "10.0.0.33", "qname": "4d134bc072212ace2df3.spamhaus.org", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "127.0.0.2", "ttl": 300}]}
]
@TEST-END-FILE

redef DNSGuard::scorer_link = F;
redef DNSGuard::tunnel_subdomain_threshold = 20;
