##! NXDOMAIN bursts per host.
##!
##! A domain generation algorithm tries many names until one resolves, so
##! an infected host collects NXDOMAIN answers for many distinct names in
##! a short time.  QSnatch (3-6 random letters on 100+ TLDs) and other
##! short-name DGAs look benign name by name; the burst gives them away.
##! SumStats counts NXDOMAIN answers and distinct names per host and epoch;
##! both counts must reach their thresholds.

@load base/frameworks/sumstats
@load base/frameworks/sumstats/plugins/average
@load base/frameworks/sumstats/plugins/sample
@load base/frameworks/sumstats/plugins/unique
@load ./main

module DNSGuard;

export {
	## Length of one counting epoch.  Read when SumStats is set up
	## (zeek_init), so change it with redef.
	option nxdomain_epoch = 5min;

	## NXDOMAIN answers one host must receive within an epoch.
	option nxdomain_count_threshold = 30;

	## Distinct names among those answers.
	option nxdomain_unique_threshold = 20;

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
	local samples: vector of string = vector();
	for ( i in rv$samples )
		samples += rv$samples[i]$str;

	local f = Finding($note=NXDOMAIN_Burst, $detection="nxdomain_burst",
	    $what="NXDOMAIN burst", $host=key$host, $threat="dga");

	f$name = fmt("%d names", rv$unique);
	f$score = ( rv$unique + 0.0 ) / nxdomain_unique_threshold;
	# Short registered labels are the mark of QSnatch-like DGAs.
	local lens = result["dnsguard.nxdomain.len"];
	local mean_len = lens?$average ? lens$average : 0.0;

	f$evidence = fmt("%d NXDOMAIN answers for %d distinct names, registered labels of %.1f characters on average; e.g. %s",
	    rv$num, rv$unique, mean_len, join_string_vec(samples, ","));
	f$identifier = cat(key$host);
	report(f);
	}

event zeek_init()
	{
	local r_calcs = set(SumStats::UNIQUE, SumStats::SAMPLE);
	local r = SumStats::Reducer($stream="dnsguard.nxdomain", $apply=r_calcs);
	r$num_samples = nxdomain_samples;
	# Keep the distinct-name set bounded under a flood.
	r$unique_max = nxdomain_unique_threshold * 4;

	local len_calcs = set(SumStats::AVERAGE);
	local len = SumStats::Reducer($stream="dnsguard.nxdomain.len",
	    $apply=len_calcs);

	local ss = SumStats::SumStat($name="dnsguard-nxdomain-burst",
	    $epoch=nxdomain_epoch, $reducers=set(r, len));
	ss$threshold_val = nxdomain_value;
	ss$threshold = 1.0;
	ss$threshold_crossed = nxdomain_crossed;
	SumStats::create(ss);
	}

event DNS::log_dns(rec: DNS::Info)
	{
	if ( ! rec?$rcode || rec$rcode != 3 || ! rec?$query )
		return;

	if ( is_ignored(rec$query) )
		return;

	local key = SumStats::Key($host=rec$id$orig_h);

	# Length first: the threshold is checked on the name count, and the
	# evidence should include this name's label.
	SumStats::observe("dnsguard.nxdomain.len", key, [$num=|registered_label(
	    rec$query)|]);
	SumStats::observe("dnsguard.nxdomain", key, [$str=rec$query]);
	}
