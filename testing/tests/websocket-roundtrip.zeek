# @TEST-DOC: Round trip over Broker's WebSocket API while reading a trace (scorer_link_offline): Zeek waits for the client's hello, the client (websockets library) receives the candidate, the host tag and trace_done, sends a host verdict, a verdict and scorer_drained; Zeek raises notices, the verdict's Intel item matches, and Zeek ends by itself.
#
# @TEST-PORT: DNSGUARD_WS_PORT
#
# @TEST-EXEC: cp $FILES/websocket-roundtrip/spec.json .
# @TEST-EXEC: $PYTHON $PCAPGEN spec.json trace.pcap
# @TEST-EXEC: $PYTHON -m py_compile $FILES/scorer_client.py
# @TEST-EXEC: btest-bg-run zeek "zeek -b -C -r ../trace.pcap $PACKAGE %INPUT >out"
# @TEST-EXEC: btest-bg-run client "$PYTHON $FILES/scorer_client.py >out"
# @TEST-EXEC: btest-bg-wait 60
# @TEST-EXEC: btest-diff client/out
# @TEST-EXEC: btest-diff zeek/out
# @TEST-EXEC: zeek-cut note src < zeek/notice.log | sort >notices
# @TEST-EXEC: btest-diff notices
# @TEST-EXEC: zeek-cut note msg < zeek/notice.log | grep Scorer_Verdict | grep -q 'xkqzvbtrwplmnhg.com \[family=testfam threat=dga score=0.97 device=unknown\]'
# @TEST-EXEC: zeek-cut note msg < zeek/notice.log | grep Host_Verdict | grep -q 'device=nas-qnap'
# @TEST-EXEC: zeek-cut seen.indicator sources < zeek/intel.log >intel
# @TEST-EXEC: btest-diff intel

redef DNSGuard::scorer_link_offline = T;
redef DNSGuard::scorer_port = to_port(getenv("DNSGUARD_WS_PORT"));

# After the verdict has been handled, a look-up of the name must hit the
# Intel item the verdict inserted.
event DNSGuard::verdict(name: string, score: double, family: string,
    threat: string, expire: count) &priority=-10
	{
	print "verdict", name, family, threat;
	Intel::seen([$indicator=name, $indicator_type=Intel::DOMAIN,
	    $where=DNSGuard::IN_DNS_QUERY]);
	}

event DNSGuard::host_verdict(orig_h: addr, family: string, threat: string,
    score: double, evidence: string) &priority=-10
	{
	print "host_verdict", orig_h, family;
	}

event Intel::match(s: Intel::Seen, items: set[Intel::Item]) &priority=-10
	{
	print "intel match", s$indicator;
	}

event zeek_done()
	{
	print "done";
	}
