# @TEST-DOC: With the defaults (scorer link on), zeek -r with the package reads the trace and exits by itself: reading a trace never listens for the scorer unless DNSGuard::scorer_link_offline is set.
#
# @TEST-EXEC: cp $FILES/offline-exit/spec.json .
# @TEST-EXEC: $PYTHON $PCAPGEN spec.json trace.pcap
# @TEST-EXEC: timeout 60 zeek -b -C -r trace.pcap $PACKAGE %INPUT >output 2>&1
# @TEST-EXEC: btest-diff output
# @TEST-EXEC: zeek-cut note src < notice.log | sort >notices
# @TEST-EXEC: btest-diff notices

event zeek_done()
	{
	print "link opened", DNSGuard::link_open;
	}
