# @TEST-DOC: Scorer verdicts are refused for allowlisted and never-listed names (the built-in verdict_refuse_domains and a verdict_refuse_file as `dnsguard verdicts refuse-list` writes it, the name and names below it); an accepted verdict's Intel item goes when DNSGuard::retract arrives and when its expire lapses, so later queries no longer match.
#
# @TEST-EXEC: cp $FILES/verdict-refuse-retract/spec.json .
# @TEST-EXEC: printf '#separator \\x09\n#fields\tdomain\treason\nfilelisted.example\tallowlisted\ndns.resolver.example\tnever-listed (infrastructure)\n' >refuse.dat
# @TEST-EXEC: $PYTHON $PCAPGEN spec.json trace.pcap
# @TEST-EXEC: zeek -b -C -r trace.pcap $PACKAGE %INPUT >output 2>&1
# @TEST-EXEC: grep -q 'refused a scorer verdict for google.com (allowlisted)' output
# @TEST-EXEC: grep -q 'refused a scorer verdict for www.chatgpt.com (allowlisted)' output
# @TEST-EXEC: grep -q 'refused a scorer verdict for mail.filelisted.example (allowlisted)' output
# @TEST-EXEC: grep -q 'refused a scorer verdict for dns.resolver.example (never-listed (infrastructure))' output
# @TEST-EXEC: grep -q '^refused 4, retracted 1$' output
# @TEST-EXEC: zeek-cut note msg < notice.log | grep Scorer_Verdict | sed 's/.*Scorer verdict: //; s/ \[.*//' | sort >verdict-notices
# @TEST-EXEC: printf 'badname.example\nlapsing.example\n' | diff - verdict-notices
# @TEST-EXEC: zeek-cut ts seen.indicator < intel.log >intel
# @TEST-EXEC: printf '1700000002.000000\tbadname.example\n1700000009.000000\tlapsing.example\n' | diff - intel

redef DNSGuard::scorer_link = F;
redef DNSGuard::verdict_refuse_file = "refuse.dat";
redef exit_only_after_terminate = T;

global trace_read = F;
global refuse_read = F;

event network_time_init()
	{
	# Refused by the built-in set: the name and a name below one.
	event DNSGuard::verdict("google.com", 0.99, "forged", "c2", 3600);
	event DNSGuard::verdict("www.chatgpt.com", 0.99, "forged", "c2", 3600);
	event DNSGuard::verdict("badname.example", 0.93, "testfam", "dga", 3600);
	# Asks for longer than verdict_max_expire: held for 30 s here.
	event DNSGuard::verdict("lapsing.example", 0.95, "testfam", "dga", 100000);
	}

redef DNSGuard::verdict_max_expire = 30secs;

event retract_now()
	{
	event DNSGuard::retract("badname.example");
	# Nothing to retract: ignored.
	event DNSGuard::retract("never-flagged.example");
	}

event network_time_init() &priority=-1
	{
	schedule 5secs { retract_now() };
	}

function finish()
	{
	if ( trace_read && refuse_read )
		{
		print fmt("refused %d, retracted %d", DNSGuard::verdicts_refused,
		    DNSGuard::verdicts_retracted);
		terminate();
		}
	}

event check_file_refusals()
	{
	refuse_read = T;
	finish();
	}

event Input::end_of_data(name: string, source: string)
	{
	if ( name != "dnsguard-verdict-refuse" || refuse_read )
		return;

	event DNSGuard::verdict("mail.filelisted.example", 0.97, "forged", "c2", 3600);
	event DNSGuard::verdict("dns.resolver.example", 0.97, "forged", "c2", 3600);
	event check_file_refusals();
	}

event Pcap::file_done(path: string)
	{
	trace_read = T;
	finish();
	}
