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
##! in the generated ``popular-domains.zeek`` (``tools/popular/build_popular.py``)
##! as a few dozen long strings, which ``zeek_init`` splits into
##! ``shipped_popular``: about 18 MB and 0.2-0.4 s per process where DNS rows
##! are judged (workers, or a standalone Zeek).  One string literal per
##! domain cost 67 MB and up to 0.5 s at start-up.  ``zeek_init``
##! runs before the first packet; the Input framework would not (its read
##! is asynchronous, so the first packets of a trace would pass unchecked).

@load base/frameworks/cluster
@load ./main

module DNSGuard;

export {
	## Registered domains to treat as popular besides the shipped list:
	## ``redef DNSGuard::popular_domains += { "corp.example" };``.
	option popular_domains: set[string] = {};

	## Whether the shipped list counts (on workers and standalone
	## nodes).  F: only :zeek:see:`DNSGuard::popular_domains` does, and
	## every other name counts, as before 2026-12-05.
	option use_shipped_popular_domains = T;
}

# The shipped list, split from popular_domain_chunks (popular-domains.zeek).
# Tested with popular_domains as two set look-ups where a row is judged
# (nxdomain.zeek, channel.zeek): a function call there cost about 900
# instructions per query (bench/zeek_bench.py --instructions).
global shipped_popular: set[string];

@if ( ! Cluster::is_enabled() || Cluster::local_node_type() == Cluster::WORKER )
@load ./popular-domains

function fill_shipped_popular(use: bool)
	{
	clear_table(shipped_popular);
	if ( ! use )
		return;
	for ( i in popular_domain_chunks )
		for ( _, d in split_string(popular_domain_chunks[i], / /) )
			add shipped_popular[d];
	}

function shipped_popular_changed(ID: string, new_value: bool): bool
	{
	fill_shipped_popular(new_value);
	return new_value;
	}

event zeek_init() &priority=10
	{
	fill_shipped_popular(use_shipped_popular_domains);
	Option::set_change_handler("DNSGuard::use_shipped_popular_domains",
	    shipped_popular_changed);
	}
@endif
