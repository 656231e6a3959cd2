# @TEST-DOC: A scorer verdict raises Scorer_Verdict and inserts the name into the Intel framework, so a later query for that exact name matches inline with the verdict's family, while a query below it does not (a forged verdict for a popular domain must not flag its subdomains); a low score does neither; a host verdict raises Host_Verdict.
#
# @TEST-EXEC: cp $FILES/verdict-intel/spec.json .
# @TEST-EXEC: $PYTHON $PCAPGEN spec.json trace.pcap
# @TEST-EXEC: zeek -b -C -r trace.pcap $PACKAGE %INPUT >output 2>&1
# @TEST-EXEC: zeek-cut note src < notice.log | sort >notices
# @TEST-EXEC: btest-diff notices
# @TEST-EXEC: zeek-cut note msg < notice.log | grep Scorer_Verdict | grep -q 'badname.example \[family=testfam threat=dga score=0.93'
# @TEST-EXEC: zeek-cut note src msg < notice.log | grep Intel_Domain | grep 10.0.0.53 | grep -q 'family=testfam threat=dga score=0.93'
# @TEST-EXEC: zeek-cut note msg < notice.log | grep Host_Verdict | grep -q 'family=qsnatch threat=botnet'
# @TEST-EXEC: zeek-cut seen.indicator seen.where sources < intel.log >intel
# @TEST-EXEC: btest-diff intel
# @TEST-EXEC: zeek-cut detection host name family threat < dnsguard.log | sort >dnsguard
# @TEST-EXEC: btest-diff dnsguard

redef DNSGuard::scorer_link = F;

# Verdicts as the scorer would send them, once network time is set (the
# Intel expiry is scheduled relative to it).
event network_time_init()
	{
	event DNSGuard::verdict("badname.example", 0.93, "testfam", "dga", 3600);
	event DNSGuard::verdict("okname.example", 0.1, "none", "dga", 3600);
	event DNSGuard::host_verdict(10.0.0.50, "qsnatch", "botnet", 0.88,
	    "NXDOMAIN burst and NAS tag");
	}
