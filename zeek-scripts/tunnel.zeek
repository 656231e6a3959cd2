##! DNS tunnelling: long labels, many distinct subdomains, TXT/NULL volume.
##!
##! Tunnels encode data into query names (long, many distinct labels below
##! one domain they control) and fetch data in TXT or NULL answers.  Each
##! measure is counted per host and registered domain, so a busy resolver
##! talking to many domains does not add up into a false alarm.
##!
##! One long label is not a tunnel: Teams (``*.trouter.teams.microsoft.com``),
##! Amazon's device cloud (``*.minerva.devices.a2z.com``) and many IoT and
##! CDN services put 50-63 character hashes into stable names.  A tunnel
##! writes new data into every query, so what counts is the number of
##! *distinct* long-label names a host asks for below one domain.

@load base/frameworks/sumstats
@load base/frameworks/sumstats/plugins/sample
@load base/frameworks/sumstats/plugins/sum
@load base/frameworks/sumstats/plugins/unique
@load ./main

module DNSGuard;

export {
	## A label at least this long is a long label (63 is the DNS maximum;
	## base32/hex tunnels fill labels to 50-63 characters).
	option long_label_length = 52;

	## Distinct names with a long label below one registered domain a
	## host must query within an epoch (hashed service names repeat;
	## tunnels do not).
	option long_label_min_names = 10;

	## Registered domains whose names are long or numerous by design
	## (anti-virus and reputation look-ups, DNS block lists).
	option tunnel_ignore_domains: set[string] = {
		"spamhaus.org",
		"spamcop.net",
		"sorbs.net",
		"barracudacentral.org",
		"surbl.org",
		"uribl.com",
		"dnswl.org",
		"mailspike.net",
		"sophosxl.net",
		"mcafee.com",
		"trendmicro.com",
		"e5.sk",
		"senderbase.org",
		"spamrats.com",
	};

	## Length of one counting epoch for the SumStats measures below.
	option tunnel_epoch = 10min;

	## Distinct names below one registered domain a host must query
	## within an epoch.
	option tunnel_subdomain_threshold = 150;

	## Only names whose first label has at least this many characters
	## count as subdomains: tunnels carry data there, while ``www``,
	## ``api`` and friends would only fill SumStats with keys.
	option tunnel_min_sublabel = 8;

	## TXT or NULL queries for one registered domain a host must send
	## within an epoch.
	option txt_volume_threshold = 60;
}

function subdomains_value(key: SumStats::Key, result: SumStats::Result): double
	{
	return result["dnsguard.subdomains"]$unique + 0.0;
	}

function subdomains_crossed(key: SumStats::Key, result: SumStats::Result)
	{
	local rv = result["dnsguard.subdomains"];
	local f = Finding($note=Tunnel_Subdomains, $detection="subdomains",
	    $what="Many distinct subdomains of one domain", $host=key$host,
	    $name=key$str, $threat="c2");

	f$score = ( rv$unique + 0.0 ) / tunnel_subdomain_threshold;
	f$evidence = fmt("%d distinct names below %s in %d queries", rv$unique,
	    key$str, rv$num);
	f$identifier = cat(key$host, "/", key$str);
	report(f);
	}

function long_label_value(key: SumStats::Key, result: SumStats::Result): double
	{
	return result["dnsguard.longlabel"]$unique + 0.0;
	}

function long_label_crossed(key: SumStats::Key, result: SumStats::Result)
	{
	local rv = result["dnsguard.longlabel"];
	local f = Finding($note=Tunnel_Long_Label, $detection="long_label",
	    $what="Very long DNS labels", $host=key$host, $name=key$str,
	    $threat="c2");

	local samples: vector of string = vector();
	for ( i in rv$samples )
		samples += rv$samples[i]$str;

	f$score = ( rv$unique + 0.0 ) / long_label_min_names;
	f$evidence = fmt(
	    "%d distinct names with labels of %d+ characters below %s; e.g. %s",
	    rv$unique, long_label_length, key$str, join_string_vec(samples,
	    ","));
	f$identifier = cat(key$host, "/", key$str);
	report(f);
	}

function txt_value(key: SumStats::Key, result: SumStats::Result): double
	{
	return result["dnsguard.txt"]$sum;
	}

function txt_crossed(key: SumStats::Key, result: SumStats::Result)
	{
	local rv = result["dnsguard.txt"];
	local f = Finding($note=TXT_Volume, $detection="txt_volume",
	    $what="TXT/NULL query volume to one domain", $host=key$host,
	    $name=key$str, $threat="c2");

	f$score = rv$sum / txt_volume_threshold;
	f$evidence = fmt("%.0f TXT/NULL queries for %s", rv$sum, key$str);
	f$identifier = cat(key$host, "/", key$str);
	report(f);
	}

# Observations of one key before each threshold can be crossed (the
# thresholds are read here, when SumStats is set up): one distinct name,
# or one TXT/NULL query, per observation.
global need_subdomains = 0;
global need_txt = 0;
global need_longlabel = 0;

event zeek_init()
	{
	need_subdomains = tunnel_subdomain_threshold;
	need_longlabel = long_label_min_names;
	need_txt = txt_volume_threshold;

	local sub_calcs = set(SumStats::UNIQUE);
	local sub_r = SumStats::Reducer($stream="dnsguard.subdomains",
	    $apply=sub_calcs);
	sub_r$unique_max = tunnel_subdomain_threshold * 2;

	local subs = SumStats::SumStat($name="dnsguard-tunnel-subdomains",
	    $epoch=tunnel_epoch, $reducers=set(sub_r));
	subs$threshold_val = subdomains_value;
	subs$threshold = tunnel_subdomain_threshold + 0.0;
	subs$threshold_crossed = subdomains_crossed;
	SumStats::create(subs);

	local long_calcs = set(SumStats::UNIQUE, SumStats::SAMPLE);
	local long_r = SumStats::Reducer($stream="dnsguard.longlabel",
	    $apply=long_calcs);
	long_r$unique_max = long_label_min_names * 2;
	long_r$num_samples = 2;

	local longs = SumStats::SumStat($name="dnsguard-tunnel-long-label",
	    $epoch=tunnel_epoch, $reducers=set(long_r));
	longs$threshold_val = long_label_value;
	longs$threshold = long_label_min_names + 0.0;
	longs$threshold_crossed = long_label_crossed;
	SumStats::create(longs);

	local txt_calcs = set(SumStats::SUM);
	local txt = SumStats::Reducer($stream="dnsguard.txt", $apply=txt_calcs);

	local txts = SumStats::SumStat($name="dnsguard-txt-volume",
	    $epoch=tunnel_epoch, $reducers=set(txt));
	txts$threshold_val = txt_value;
	txts$threshold = txt_volume_threshold + 0.0;
	txts$threshold_crossed = txt_crossed;
	SumStats::create(txts);
	}

# Names that can count for the subdomain or long-label measures: a first
# label of tunnel_min_sublabel characters with at least two more dots after
# it (the name is then longer than its registered domain), or a label of
# long_label_length characters.  Rebuilt when the options change; the DNS
# handler (events.zeek) skips names it does not match unless they are
# TXT/NULL queries.
global tunnel_pattern: pattern = /./;

# A label of long_label_length characters or more, rebuilt with the option.
global long_label_pattern: pattern = /./;

function tunnel_pattern_of(min_sublabel: count, long_label: count): pattern
	{
	if ( min_sublabel == 0 || long_label == 0 )
		return /./;

	return string_to_pattern(fmt("^[^.]{%d}[^.]*\\.[^.]*\\.|[^.]{%d}",
	    min_sublabel, long_label), F);
	}

function tunnel_patterns_for(min_sublabel: count, long_label: count)
	{
	tunnel_pattern = tunnel_pattern_of(min_sublabel, long_label);
	long_label_pattern = long_label == 0 ? /./ : string_to_pattern(fmt("[^.]{%d}",
	    long_label), F);
	}

function tunnel_option_changed(id: string, new_value: count): count
	{
	if ( id == "DNSGuard::tunnel_min_sublabel" )
		tunnel_patterns_for(new_value, long_label_length);
	else
		tunnel_patterns_for(tunnel_min_sublabel, new_value);
	return new_value;
	}

event zeek_init() &priority=10
	{
	tunnel_patterns_for(tunnel_min_sublabel, long_label_length);
	Option::set_change_handler("DNSGuard::tunnel_min_sublabel",
	    tunnel_option_changed);
	Option::set_change_handler("DNSGuard::long_label_length",
	    tunnel_option_changed);
	}

# Count *query* (registered domain *rd*) for the tunnel measures.  Called
# by the DNS handler (events.zeek) for TXT/NULL queries and names that
# tunnel_pattern matches.
function tunnel_request(c: connection, query: string, qtype: count, rd: string)
	{
	if ( rd in tunnel_ignore_domains || is_ignored(query) )
		return;

	local h = c$id$orig_h;

	# The registered domain itself carries no payload: only names below
	# it count as subdomains.
	if ( query != rd && |split_string1(query, /\./)[0]| >= tunnel_min_sublabel )
		observe_held("dnsguard-tunnel-subdomains", "dnsguard.subdomains", [$host=h,
		    $str=rd], [$str=query], need_subdomains);

	# TXT (16) and NULL (10).
	if ( qtype == 16 || qtype == 10 )
		observe_held("dnsguard-txt-volume", "dnsguard.txt", [$host=h, $str=rd], [
		    $num=1], need_txt);

	if ( long_label_pattern in query )
		observe_held("dnsguard-tunnel-long-label", "dnsguard.longlabel", [$host=h,
		    $str=rd], [$str=query], need_longlabel);
	}
