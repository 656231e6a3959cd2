# @TEST-DOC: The real scorer in the loop: dnsguard serve (started here on 127.0.0.1) connects to Zeek reading a trace, scores its candidates (eight DGA NXDOMAINs from a QNAP NAS, a typo from a workstation) and its name and host verdicts come back as notices and Intel items; Zeek ends once serve reports it has answered everything.
#
# @TEST-PORT: DNSGUARD_WS_PORT
#
# @TEST-EXEC: cp $FILES/serve-roundtrip/spec.json .
# @TEST-EXEC: $PYTHON $PCAPGEN spec.json trace.pcap
# @TEST-EXEC: sed "s/PORT/${DNSGUARD_WS_PORT%/tcp}/" $FILES/serve-roundtrip/serve.yaml >serve.yaml
# @TEST-EXEC: btest-bg-run serve "exec $PYTHON -m dnsguard --config ../serve.yaml serve --no-suricata"
# @TEST-EXEC: timeout 90 zeek -b -C -r trace.pcap $PACKAGE %INPUT >output
# @TEST-EXEC: btest-bg-wait -k 1
# @TEST-EXEC: btest-diff output
# @TEST-EXEC: zeek-cut note src < notice.log | sort | uniq -c >notices
# @TEST-EXEC: btest-diff notices
# @TEST-EXEC: zeek-cut note msg < notice.log | grep Host_Verdict | grep -q 'device=nas-qnap'
# @TEST-EXEC: zeek-cut note sub < notice.log | grep Host_Verdict | grep -Eq 'family=[A-Z][A-Za-z]+;.*family log-sum [A-Z][A-Za-z]+ \(closest known family; margin [0-9.]+ nats/name over [0-9]+ names, runner-up [A-Za-z]+\)'
# @TEST-EXEC: zeek-cut note msg < notice.log | grep Scorer_Verdict | grep -q 'ayyqwxkfixwkfh.biz \[family=CryptoLocker threat=dga'
# @TEST-EXEC: zeek-cut seen.indicator sources < intel.log | sort >intel
# @TEST-EXEC: btest-diff intel

redef DNSGuard::scorer_link_offline = T;
redef DNSGuard::scorer_port = to_port(getenv("DNSGUARD_WS_PORT"));

global verdicts = 0;

# After each verdict, a look-up of the name must hit the verdict's Intel item.
event DNSGuard::verdict(name: string, score: double, family: string,
    threat: string, expire: count) &priority=-10
	{
	++verdicts;
	Intel::seen([$indicator=name, $indicator_type=Intel::DOMAIN,
	    $where=DNSGuard::IN_DNS_QUERY]);
	}

event zeek_done()
	{
	print "verdicts received", verdicts > 0;
	print "candidates sent", DNSGuard::candidates_sent;
	}
