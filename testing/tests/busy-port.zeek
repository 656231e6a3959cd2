# @TEST-DOC: A scorer port that is already taken costs a warning, never Zeek: reading a trace goes on without the scorer and ends by itself with its notices; a live node (no trace) warns and tries again every scorer_listen_retry.
#
# @TEST-PORT: DNSGUARD_WS_PORT
#
# @TEST-EXEC: cp $FILES/busy-port/spec.json .
# @TEST-EXEC: $PYTHON $PCAPGEN spec.json trace.pcap
# @TEST-EXEC: btest-bg-run holder "exec $PYTHON $FILES/busy-port/hold_port.py"
# @TEST-EXEC: $PYTHON $FILES/busy-port/hold_port.py --wait
# @TEST-EXEC: timeout 60 zeek -b -C -r trace.pcap $PACKAGE %INPUT DNSGuard::scorer_link_offline=T >output 2>stderr
# @TEST-EXEC: grep -q 'DNSGuard: cannot listen for the scorer on 127.0.0.1:.*; reading the trace without it' stderr
# @TEST-EXEC: zeek-cut note src < notice.log | sort >notices
# @TEST-EXEC: btest-diff notices
# @TEST-EXEC: mkdir live && cd live && timeout 60 zeek -b $PACKAGE ../live.zeek >output 2>stderr
# @TEST-EXEC: test "$(grep -c 'DNSGuard: cannot listen for the scorer on 127.0.0.1:.*; trying again in 1.0 sec' live/stderr)" -ge 2
# @TEST-EXEC: grep -q 'still running' live/output
# @TEST-EXEC: btest-bg-wait -k 1

redef DNSGuard::scorer_port = to_port(getenv("DNSGUARD_WS_PORT"));

# @TEST-START-FILE live.zeek
redef exit_only_after_terminate = T;
redef DNSGuard::scorer_port = to_port(getenv("DNSGUARD_WS_PORT"));
redef DNSGuard::scorer_listen_retry = 1sec;

event stop()
	{
	print "still running";
	terminate();
	}

event zeek_init()
	{
	schedule 2.5sec { stop() };
	}
# @TEST-END-FILE
