##! NXDOMAIN bursts per host.
##!
##! A domain generation algorithm tries many names until one resolves, so
##! an infected host collects NXDOMAIN answers for many distinct names in
##! a short time.  QSnatch (3-6 random letters on 100+ TLDs) and other
##! short-name DGAs look benign name by name; the burst gives them away.
##!
##! What is counted is distinct *registered domains* among the NXDOMAIN
##! answers of address look-ups, per host and epoch: every DGA name is a
##! registered domain of its own, while the benign storms of NXDOMAINs stay
##! below a handful of them - a mail server's DNS block-list look-ups
##! (hundreds of names under ``zen.spamhaus.org``), search-suffix retries
##! (``host.corp.example.com.corp.example.com``), Chrome's random probes
##! with the search domain appended, failed reverse look-ups (ignored).
##! Names below popular registered domains never count (popular.zeek): a
##! resolver that blocks ads with NXDOMAIN would otherwise give every
##! browser a burst.
##! Real DGA hosts make 10-30 such look-ups per 5 minutes (Pykspa, Locky,
##! Zloader, Ramnit), QSnatch hundreds.

@load base/frameworks/sumstats
@load base/frameworks/sumstats/plugins/average
@load base/frameworks/sumstats/plugins/sample
@load base/frameworks/sumstats/plugins/unique
@load ./main
@load ./popular

module DNSGuard;

export {
	## Length of one counting epoch.  Read when SumStats is set up
	## (zeek_init), so change it with redef.
	option nxdomain_epoch = 10min;

	## NXDOMAIN answers one host must receive within an epoch.
	option nxdomain_count_threshold = 12;

	## Distinct registered domains among those answers.
	option nxdomain_unique_threshold = 12;

	## Query types whose NXDOMAIN answers count: the address look-ups a
	## bot makes for its rendezvous domain (A, AAAA, HTTPS, ANY); a mail
	## server's MX and TXT look-ups of spam sender domains do not.
	option nxdomain_qtypes: set[count] = {
		1,
		28,
		65,
		255
	};

	## Sample names quoted in the evidence.
	option nxdomain_samples = 5;
}

function nxdomain_value(key: SumStats::Key, result: SumStats::Result): double
	{
	local rv = result["dnsguard.nxdomain"];
	local by_count = rv$num / ( nxdomain_count_threshold + 0.0 );
	local by_unique = rv$unique / ( nxdomain_unique_threshold + 0.0 );

	# Both conditions as one value: >= 1.0 once both counts are met.
	return by_count < by_unique ? by_count : by_unique;
	}

function nxdomain_crossed(key: SumStats::Key, result: SumStats::Result)
	{
	local rv = result["dnsguard.nxdomain"];
	local domains = rv$unique;
	local samples: vector of string = vector();
	for ( i in rv$samples )
		samples += rv$samples[i]$str;

	local f = Finding($note=NXDOMAIN_Burst, $detection="nxdomain_burst",
	    $what="NXDOMAIN burst", $host=key$host, $threat="dga");

	f$name = fmt("%d domains", domains);
	f$score = ( domains + 0.0 ) / nxdomain_unique_threshold;
	# Short registered labels are the mark of QSnatch-like DGAs.
	local mean_len = rv?$average ? rv$average : 0.0;

	f$evidence = fmt("%d NXDOMAIN answers for %d distinct registered domains, registered labels of %.1f characters on average; e.g. %s",
	    rv$num, domains, mean_len, join_string_vec(samples, ","));
	f$identifier = cat(key$host);
	report(f);
	}

event zeek_init()
	{
	# One observation per NXDOMAIN: the registered domain (counted
	# distinct, sampled) and its label's length (averaged).
	local calcs = set(SumStats::UNIQUE, SumStats::SAMPLE, SumStats::AVERAGE);
	local r = SumStats::Reducer($stream="dnsguard.nxdomain", $apply=calcs);
	r$num_samples = nxdomain_samples;
	# Keep the distinct-domain set bounded under a flood.
	r$unique_max = nxdomain_unique_threshold * 4;

	local ss = SumStats::SumStat($name="dnsguard-nxdomain-burst",
	    $epoch=nxdomain_epoch, $reducers=set(r));
	ss$threshold_val = nxdomain_value;
	ss$threshold = 1.0;
	ss$threshold_crossed = nxdomain_crossed;
	SumStats::create(ss);
	}

# An NXDOMAIN answer to an address look-up of *query* by *h*; called by
# the DNS handler (events.zeek).
function nxdomain_reply(h: addr, query: string)
	{
	if ( is_ignored(query) )
		return;

	# Both counts are read at each observation (nxdomain_value): no
	# crossing before as many answers as the larger threshold.
	local need = nxdomain_count_threshold > nxdomain_unique_threshold ?
	    nxdomain_count_threshold : nxdomain_unique_threshold;
	local rd = registered_domain(query);
	# A popular domain exists: NXDOMAIN below it is a block policy or a typo
	# (popular.zeek).
	if ( rd in shipped_popular || rd in popular_domains )
		return;

	observe_held("dnsguard-nxdomain-burst", "dnsguard.nxdomain", [$host=h], [
	    $str=rd, $num=|split_string1(rd, /\./)[0]|], need);
	}
