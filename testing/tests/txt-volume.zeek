# @TEST-DOC: Twelve TXT and NULL queries for one domain cross a threshold of 10; eight TXT queries from another host do not.
#
# @TEST-EXEC: $PYTHON $PCAPGEN spec.json trace.pcap
# @TEST-EXEC: zeek -b -C -r trace.pcap $PACKAGE %INPUT >output 2>&1
# @TEST-EXEC: zeek-cut note src < notice.log | sort >notices
# @TEST-EXEC: btest-diff notices
# @TEST-EXEC: zeek-cut detection host name threat < dnsguard.log >dnsguard
# @TEST-EXEC: btest-diff dnsguard
# @TEST-EXEC: zeek-cut note sub < notice.log | grep TXT_Volume | grep -q '10 TXT/NULL queries for txt-demo.example'

@TEST-START-FILE spec.json
[
  {"ts": 1700000000.0, "client": "10.0.0.33", "qname": "s0.txt-demo.example", "qtype": "TXT", "rcode": "NOERROR", "answers": [{"rtype": "TXT", "value": "payload00", "ttl": 0}]},
  {"ts": 1700000001.0, "client": "10.0.0.34", "qname": "s0.spf-demo.example", "qtype": "TXT", "rcode": "NOERROR", "answers": [{"rtype": "TXT", "value": "v=spf1 -all", "ttl": 3600}]},
  {"ts": 1700000003.0, "client": "10.0.0.33", "qname": "s1.txt-demo.example", "qtype": "NULL", "rcode": "NOERROR", "answers": [{"rtype": "NULL", "value": "payload01", "ttl": 0}]},
  {"ts": 1700000004.0, "client": "10.0.0.34", "qname": "s1.spf-demo.example", "qtype": "TXT", "rcode": "NOERROR", "answers": [{"rtype": "TXT", "value": "v=spf1 -all", "ttl": 3600}]},
  {"ts": 1700000006.0, "client": "10.0.0.33", "qname": "s2.txt-demo.example", "qtype": "TXT", "rcode": "NOERROR", "answers": [{"rtype": "TXT", "value": "payload02", "ttl": 0}]},
  {"ts": 1700000007.0, "client": "10.0.0.34", "qname": "s2.spf-demo.example", "qtype": "TXT", "rcode": "NOERROR", "answers": [{"rtype": "TXT", "value": "v=spf1 -all", "ttl": 3600}]},
  {"ts": 1700000009.0, "client": "10.0.0.33", "qname": "s3.txt-demo.example", "qtype": "NULL", "rcode": "NOERROR", "answers": [{"rtype": "NULL", "value": "payload03", "ttl": 0}]},
  {"ts": 1700000010.0, "client": "10.0.0.34", "qname": "s3.spf-demo.example", "qtype": "TXT", "rcode": "NOERROR", "answers": [{"rtype": "TXT", "value": "v=spf1 -all", "ttl": 3600}]},
  {"ts": 1700000012.0, "client": "10.0.0.33", "qname": "s4.txt-demo.example", "qtype": "TXT", "rcode": "NOERROR", "answers": [{"rtype": "TXT", "value": "payload04", "ttl": 0}]},
  {"ts": 1700000013.0, "client": "10.0.0.34", "qname": "s4.spf-demo.example", "qtype": "TXT", "rcode": "NOERROR", "answers": [{"rtype": "TXT", "value": "v=spf1 -all", "ttl": 3600}]},
  {"ts": 1700000015.0, "client": "10.0.0.33", "qname": "s5.txt-demo.example", "qtype": "NULL", "rcode": "NOERROR", "answers": [{"rtype": "NULL", "value": "payload05", "ttl": 0}]},
  {"ts": 1700000016.0, "client": "10.0.0.34", "qname": "s5.spf-demo.example", "qtype": "TXT", "rcode": "NOERROR", "answers": [{"rtype": "TXT", "value": "v=spf1 -all", "ttl": 3600}]},
  {"ts": 1700000018.0, "client": "10.0.0.33", "qname": "s6.txt-demo.example", "qtype": "TXT", "rcode": "NOERROR", "answers": [{"rtype": "TXT", "value": "payload06", "ttl": 0}]},
  {"ts": 1700000019.0, "client": "10.0.0.34", "qname": "s6.spf-demo.example", "qtype": "TXT", "rcode": "NOERROR", "answers": [{"rtype": "TXT", "value": "v=spf1 -all", "ttl": 3600}]},
  {"ts": 1700000021.0, "client": "10.0.0.33", "qname": "s7.txt-demo.example", "qtype": "NULL", "rcode": "NOERROR", "answers": [{"rtype": "NULL", "value": "payload07", "ttl": 0}]},
  {"ts": 1700000022.0, "client": "10.0.0.34", "qname": "s7.spf-demo.example", "qtype": "TXT", "rcode": "NOERROR", "answers": [{"rtype": "TXT", "value": "v=spf1 -all", "ttl": 3600}]},
  {"ts": 1700000024.0, "client": "10.0.0.33", "qname": "s8.txt-demo.example", "qtype": "TXT", "rcode": "NOERROR", "answers": [{"rtype": "TXT", "value": "payload08", "ttl": 0}]},
  {"ts": 1700000027.0, "client": "10.0.0.33", "qname": "s9.txt-demo.example", "qtype": "NULL", "rcode": "NOERROR", "answers": [{"rtype": "NULL", "value": "payload09", "ttl": 0}]},
  {"ts": 1700000030.0, "client": "10.0.0.33", "qname": "s10.txt-demo.example", "qtype": "TXT", "rcode": "NOERROR", "answers": [{"rtype": "TXT", "value": "payload10", "ttl": 0}]},
  {"ts": 1700000033.0, "client": "10.0.0.33", "qname": "s11.txt-demo.example", "qtype": "NULL", "rcode": "NOERROR", "answers": [{"rtype": "NULL", "value": "payload11", "ttl": 0}]}
]
@TEST-END-FILE

redef DNSGuard::scorer_link = F;
redef DNSGuard::txt_volume_threshold = 10;
