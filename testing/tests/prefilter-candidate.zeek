# @TEST-DOC: The lexical pre-filter selects machine-made registered labels (and every NXDOMAIN name), scores the label left of multi-label and dynamic-DNS suffixes, skips ignored domains and reverse look-ups, and sends each name once.
#
# @TEST-EXEC: $PYTHON $PCAPGEN spec.json trace.pcap
# @TEST-EXEC: zeek -b -C -r trace.pcap $PACKAGE %INPUT >output 2>&1
# @TEST-EXEC: zeek-cut detection host name < dnsguard.log | sort >candidates
# @TEST-EXEC: btest-diff candidates
# @TEST-EXEC: zeek-cut name evidence < dnsguard.log | grep xkqzvbtrwplmnhg.com | grep -q 'label=xkqzvbtrwplmnhg signs=length,consonants,entropy rcode=0'
# @TEST-EXEC: zeek-cut name evidence < dnsguard.log | grep qwrtzpsdfghjkl.duckdns.org | grep -q 'label=qwrtzpsdfghjkl '
# @TEST-EXEC: zeek-cut name evidence < dnsguard.log | grep a1b2c3d4e5.co.uk | grep -q 'label=a1b2c3d4e5 signs=length,digits,entropy rcode=0'
# @TEST-EXEC: zeek-cut name evidence < dnsguard.log | grep abc.com.sv | grep -q 'label=abc signs=none rcode=3'
# @TEST-EXEC: test ! -e notice.log

@TEST-START-FILE spec.json
[
  {"ts": 1700000000.0, "client": "10.0.0.60", "qname": "xkqzvbtrwplmnhg.com", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "192.0.2.10", "ttl": 300}]},
  {"ts": 1700000001.0, "client": "10.0.0.60", "qname": "xkqzvbtrwplmnhg.com", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "192.0.2.10", "ttl": 300}]},
  {"ts": 1700000002.0, "client": "10.0.0.61", "qname": "wikipedia.org", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "192.0.2.11", "ttl": 300}]},
  {"ts": 1700000003.0, "client": "10.0.0.61", "qname": "www.google.com", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "192.0.2.12", "ttl": 300}]},
  {"ts": 1700000004.0, "client": "10.0.0.62", "qname": "abc.com.sv", "qtype": "A", "rcode": "NXDOMAIN"},
  {"ts": 1700000005.0, "client": "10.0.0.62", "qname": "qwrtzpsdfghjkl.duckdns.org", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "192.0.2.13", "ttl": 300}]},
  {"ts": 1700000006.0, "client": "10.0.0.63", "qname": "4.3.2.1.in-addr.arpa", "qtype": "PTR", "rcode": "NXDOMAIN"},
  {"ts": 1700000007.0, "client": "10.0.0.63", "qname": "mail.example.co.uk", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "192.0.2.14", "ttl": 300}]},
  {"ts": 1700000008.0, "client": "10.0.0.64", "qname": "a1b2c3d4e5.co.uk", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "192.0.2.15", "ttl": 300}]}
]
@TEST-END-FILE

redef DNSGuard::scorer_link = F;
redef DNSGuard::log_candidates = T;
