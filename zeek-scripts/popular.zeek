##! Popular registered domains: names below them never make an NXDOMAIN
##! burst, a DNS channel, a C2 rotation or a C2 beacon.
##!
##! Such a domain exists, so a name below it that gets NXDOMAIN or no
##! address fails by a resolver's block policy (an RPZ with the NXDOMAIN
##! action, an ad blocker in NXDOMAIN mode) or by a typo, never because a
##! DGA is probing for its rendezvous domain.  Behind a resolver that
##! blocks ads with NXDOMAIN every browser collects a burst of them within
##! seconds (docs/detections.md, ``bench/blocking_resolver.py``: 31 of 31
##! benign hosts flagged before this list).
##!
##! The list is the one ``dnsguard analyze`` uses, about 159,000 domains,
##! in the generated ``popular-domains.zeek`` (``tools/popular/build_popular.py``).
##! It is loaded where DNS rows are judged (workers, or a standalone Zeek),
##! at parse time: about 0.4 s and 70 MB per such process.  Parse time
##! rather than the Input framework, because an asynchronous read would
##! let the first packets of a trace through before the list is in.

@load base/frameworks/cluster
@load ./main

module DNSGuard;

export {
	## Popular registered domains (the shipped list on workers and
	## standalone nodes).  Add your own with ``redef
	## DNSGuard::popular_domains += { "corp.example" };``, or drop the list
	## with ``redef DNSGuard::popular_domains = set();`` (every name then
	## counts, as before 2026-12-05).
	option popular_domains: set[string] = {};
}

@if ( ! Cluster::is_enabled() || Cluster::local_node_type() == Cluster::WORKER )
@load ./popular-domains
@endif
