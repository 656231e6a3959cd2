# @TEST-DOC: The package's intel file is read and DNS queries match it on the exact name and on every parent domain; family and threat come from meta.desc.
#
# @TEST-EXEC: cp $FILES/intel-exact-and-parent/spec.json .
# @TEST-EXEC: $PYTHON $PCAPGEN spec.json trace.pcap
# @TEST-EXEC: zeek -b -C -r trace.pcap $PACKAGE %INPUT >output 2>&1
# @TEST-EXEC: zeek-cut note src < notice.log | sort >notices
# @TEST-EXEC: btest-diff notices
# @TEST-EXEC: zeek-cut seen.indicator seen.where sources < intel.log | sort >intel
# @TEST-EXEC: btest-diff intel
# @TEST-EXEC: zeek-cut detection host name family threat device < dnsguard.log | sort >dnsguard
# @TEST-EXEC: btest-diff dnsguard
# @TEST-EXEC: zeek-cut src msg < notice.log | grep 10.0.0.11 | grep 'beacon.x.dnsguard-demo-c2.example' | grep -q 'family=demo threat=c2 score=0.90 device=unknown'
# @TEST-EXEC: zeek-cut id.orig_h msg < notice.log | grep -q '^10.0.0.11	DNS query matched intel: beacon.x.dnsguard-demo-c2.example \['
# @TEST-EXEC: zeek-cut src sub < notice.log | grep 10.0.0.11 | grep -q 'evidence=parent match on dnsguard-demo-c2.example'
# @TEST-EXEC: zeek-cut src sub < notice.log | grep 10.0.0.10 | grep -q 'evidence=exact match on dnsguard-demo-c2.example'

redef DNSGuard::scorer_link = F;

# Hold the packets until the intel file has been read (the Input framework
# reads in a thread; a short trace would be over before it is done).
event zeek_init()
	{
	suspend_processing();
	}

event Input::end_of_data(name: string, source: string)
	{
	if ( /^dnsguard-intel-/ in name )
		continue_processing();
	}
