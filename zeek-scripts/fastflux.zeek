##! Fast flux: one name answered with many A records at low TTLs.
##!
##! Fast-flux networks hide their back ends behind a botnet of proxies and
##! rotate the A records of a name every few minutes, so across queries a
##! name collects many addresses in many networks, each with a short TTL.
##! CDNs also use short TTLs but rotate within few networks, hence the
##! second threshold on distinct /16 networks.  Names with an encoded label
##! (channel.zeek) are tunnel data, not flux names, and are left out.

@load base/frameworks/sumstats
@load base/frameworks/sumstats/plugins/unique
@load ./main
@load ./channel

module DNSGuard;

export {
	## Only A records with a TTL at or below this count.
	option flux_max_ttl = 300sec;

	## Only answers carrying at least this many such A records count:
	## flux networks hand out several proxies at once, most names get one
	## or two addresses.  Keeps SumStats from tracking every name.
	option flux_min_records = 3;

	## Distinct addresses a name must collect within an epoch.
	option flux_min_addresses = 25;

	## Distinct /16 networks among those addresses.
	option flux_min_networks = 10;

	## Length of one counting epoch.
	option flux_epoch = 1hr;

	## Registered domains never considered (large CDNs you trust).
	option flux_ignore_domains: set[string] = {
		"akamaiedge.net",
		"akamai.net",
		"cloudfront.net",
		"amazonaws.com",
		"googlevideo.com",
		"fastly.net",
		"edgecastcdn.net",
		"azureedge.net",
		"trafficmanager.net",
		"cloudflare.net",
	};
}

function flux_value(key: SumStats::Key, result: SumStats::Result): double
	{
	local a = result["dnsguard.flux.addr"]$unique / ( flux_min_addresses + 0.0 );
	local n = result["dnsguard.flux.net"]$unique / ( flux_min_networks + 0.0 );

	# Both conditions as one value: >= 1.0 once both are met.
	return a < n ? a : n;
	}

function flux_crossed(key: SumStats::Key, result: SumStats::Result)
	{
	local a = result["dnsguard.flux.addr"]$unique;
	local n = result["dnsguard.flux.net"]$unique;
	local f = Finding($note=Fast_Flux, $detection="fast_flux",
	    $what="Fast-flux name", $name=key$str, $threat="botnet");

	f$score = ( a + 0.0 ) / flux_min_addresses;
	f$evidence = fmt("%d distinct A records in %d /16 networks, TTL <= %s", a, n,
	    flux_max_ttl);
	f$identifier = key$str;
	report(f);
	}

event zeek_init()
	{
	local addrs_calcs = set(SumStats::UNIQUE);
	local addrs = SumStats::Reducer($stream="dnsguard.flux.addr",
	    $apply=addrs_calcs);
	addrs$unique_max = flux_min_addresses * 2;

	local nets_calcs = set(SumStats::UNIQUE);
	local nets = SumStats::Reducer($stream="dnsguard.flux.net", $apply=nets_calcs);
	nets$unique_max = flux_min_networks * 2;

	local ss = SumStats::SumStat($name="dnsguard-fast-flux", $epoch=flux_epoch,
	    $reducers=set(addrs, nets));
	ss$threshold_val = flux_value;
	ss$threshold = 1.0;
	ss$threshold_crossed = flux_crossed;
	SumStats::create(ss);
	}

# An answer of *rec* with flux_min_records answers or more; called by the
# DNS handler (events.zeek).
function flux_reply(rec: DNS::Info)
	{
	if ( ! rec?$TTLs )
		return;

	# Low-TTL IPv4 answers of this response.
	local addrs: vector of addr = vector();
	for ( i in rec$answers )
		{
		if ( i >= |rec$TTLs| || rec$TTLs[i] > flux_max_ttl )
			next;

		if ( ! is_valid_ip(rec$answers[i]) )
			next;

		local a = to_addr(rec$answers[i]);
		if ( is_v4_addr(a) )
			addrs += a;
		}

	if ( |addrs| < flux_min_records )
		return;

	local rd = registered_domain(rec$query);
	if ( rd in flux_ignore_domains )
		return;

	# A name with an encoded label is asked once, its answer carries data
	# (a dnscat2 A answer holds 25 addresses): not a flux name, which is
	# asked again and again.
	if ( channel_gate in rec$query
	    && rec$query != rd
	    && |name_encoding(rec$query[: |rec$query| - |rd| - 1])| > 0 )
		return;

	local key = SumStats::Key($str=rec$query);
	for ( j in addrs )
		{
		SumStats::observe("dnsguard.flux.addr", key, [$str=cat(addrs[j])]);
		SumStats::observe("dnsguard.flux.net", key, [$str=cat(mask_addr(addrs[j], 16))]);
		}
	}
