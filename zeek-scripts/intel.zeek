##! Intel matching on every parent domain of a query.
##!
##! Zeek's Intel framework matches DOMAIN indicators exactly.  Feeds list
##! registered domains (``evil.example``) while malware queries host names
##! below them (``c2.evil.example``), so for each query Intel::seen is
##! called for the name and for each parent with at least two labels, with
##! a distinct ``where`` so intel.log tells which matched.  Family and
##! threat come from ``meta.desc`` (``family=<f>;threat=<t>;confidence=<n>``).

@load base/frameworks/input
@load base/frameworks/intel
@load ./main

module DNSGuard;

export {
	redef enum Intel::Where += {
		## The queried name itself matched.
		IN_DNS_QUERY,
		## A parent domain of the queried name matched.
		IN_DNS_PARENT,
	};

	## Registered domains at or below which a DOMAIN indicator is known
	## (from intel files read through the Input framework, and from
	## scorer verdicts).  A query whose registered domain is not here
	## cannot match, so it is not looked up at all: most queries cost one
	## set look-up instead of an ``Intel::seen`` per parent.  The manager
	## fills it and sends it to the workers.
	global intel_domains: set[string] = set();

	## Record that DOMAIN intel exists for *indicator* (and tell the
	## workers).  Call it when inserting DOMAIN items with
	## ``Intel::insert`` from another script, or queries below them are
	## not looked up.
	global note_intel_domain: function(indicator: string);

	## meta.source of Intel items inserted from scorer verdicts
	## (scorer.zeek).  Such an item matches the exact name only, never the
	## names below it: the scorer sends every name it flags, and a forged
	## verdict for ``google.com`` must not flag every ``*.google.com``.
	option verdict_intel_source = "dnsguard-scorer";

	## Parse ``key=value;key=value`` metadata as written in meta.desc.
	global parse_desc: function(desc: string): table[string] of string;
}

# Internal, manager -> workers: registered domains with intel.
global sync_intel_domains: event(domains: string_vec);

# Manager: domains not yet sent to the workers.
global pending_intel_domains: string_vec = vector();

# Workers look every query up until the manager's set has arrived.
global intel_domains_synced = F;

# Look every query up: on a worker (or proxy) until the manager's set has
# arrived; never on the manager or a standalone node.
global intel_check_all = F;

event zeek_init() &priority=10
	{
	intel_check_all = ! is_manager() && ! intel_domains_synced;
	}

function flush_intel_domains(topic: string, domains: string_vec)
	{
	if ( |domains| == 0 || ! Cluster::is_enabled() )
		return;

@if ( Version::at_least("7.1") )
	Cluster::publish(topic, sync_intel_domains, domains);
@else
	Broker::publish(topic, sync_intel_domains, domains);
@endif
	}

function note_intel_domain(indicator: string)
	{
	local rd = registered_domain(to_lower(indicator));
	if ( rd in intel_domains )
		return;

	add intel_domains[rd];
	pending_intel_domains += rd;
	if ( |pending_intel_domains| >= 1000 )
		{
		flush_intel_domains(Cluster::worker_topic, pending_intel_domains);
		pending_intel_domains = vector();
		}
	}

event Intel::read_entry(desc: Input::EventDescription, tpe: Input::Event,
    item: Intel::Item)
	{
	if ( item$indicator_type == Intel::DOMAIN )
		note_intel_domain(item$indicator);
	}

event Input::end_of_data(name: string, source: string)
	{
	flush_intel_domains(Cluster::worker_topic, pending_intel_domains);
	pending_intel_domains = vector();
	}

event sync_intel_domains(domains: string_vec)
	{
	intel_domains_synced = T;
	intel_check_all = F;
	for ( i in domains )
		add intel_domains[domains[i]];
	}

@if ( Cluster::is_enabled() )
# A worker that (re)connects gets the whole set, in batches.
event Cluster::node_up(name: string, id: string)
	{
	if ( ! is_manager()
	    || name !in Cluster::nodes
	    || Cluster::nodes[name]$node_type != Cluster::WORKER )
		return;

	local topic = Cluster::node_topic(name);
	local batch: string_vec = vector();
	for ( rd in intel_domains )
		{
		batch += rd;
		if ( |batch| >= 5000 )
			{
			flush_intel_domains(topic, batch);
			batch = vector();
			}
		}

	# An empty set still tells the worker it is in sync.
	if ( |batch| > 0 || |intel_domains| == 0 )
		{
@if ( Version::at_least("7.1") )
		Cluster::publish(topic, sync_intel_domains, batch);
@else
		Broker::publish(topic, sync_intel_domains, batch);
@endif
		}
	}
@endif

redef record Intel::Seen += {
	## The full query behind a parent-domain lookup (not logged).
	dnsguard_query: string &optional;
};

function parse_desc(desc: string): table[string] of string
	{
	local out: table[string] of string = table();
	local parts = split_string(desc, /;/);

	for ( i in parts )
		{
		local kv = split_string1(parts[i], /=/);
		if ( |kv| == 2 )
			out[strip(kv[0])] = strip(kv[1]);
		}

	return out;
	}

function intel_stream(f: string): string
	{
	return cat("dnsguard-intel-", f);
	}

# The same reader Intel::read_files uses: each row goes to Intel::insert.
function read_intel_file(f: string)
	{
	Input::add_event([$source=f, $reader=Input::READER_ASCII, $mode=Input::REREAD,
	    $name=intel_stream(f), $fields=Intel::Item, $ev=Intel::read_entry]);
	}

function intel_files_changed(id: string, new_value: set[string]): set[string]
	{
	for ( f in new_value )
		if ( f !in intel_files )
			read_intel_file(f);

	for ( f in intel_files )
		if ( f !in new_value )
			Input::remove(intel_stream(f));

	return new_value;
	}

event zeek_init() &priority=5
	{
	# Intel data lives on the manager; the Intel framework hands the
	# minimal indicator set to workers.
	if ( ! is_manager() )
		return;

	for ( f in intel_files )
		read_intel_file(f);

	Option::set_change_handler("DNSGuard::intel_files", intel_files_changed);
	}

# Look *query* up in the Intel framework, itself and each parent.  The
# DNS handler (events.zeek) calls this only when the query's registered
# domain is in intel_domains or intel_check_all is set.
function intel_request(c: connection, query: string)
	{
	if ( intel_match_exact )
		Intel::seen([$indicator=query, $indicator_type=Intel::DOMAIN, $conn=c,
		    $where=IN_DNS_QUERY, $dnsguard_query=query]);

	local labels = split_string(query, /\./);
	local n = |labels|;
	if ( n < 3 )
		{
		return;
		}

	# Parents down to two labels, built from the right: a bare TLD is
	# never an indicator.
	local parent = cat(labels[n - 2], ".", labels[n - 1]);
	local i = n - 2;
	while ( T )
		{
		Intel::seen([$indicator=parent, $indicator_type=Intel::DOMAIN, $conn=c,
		    $where=IN_DNS_PARENT, $dnsguard_query=query]);
		if ( i <= 1 )
			break;
		--i;
		parent = cat(labels[i], ".", parent);
		}
	}

# Intel::match runs where the full intel data is: the manager, or the
# standalone node.
event Intel::match(s: Intel::Seen, items: set[Intel::Item])
	{
	if ( s$where != IN_DNS_QUERY && s$where != IN_DNS_PARENT )
		return;

	local family = "unknown";
	local threat = "-";
	local confidence = 0;
	local sources: set[string] = set();

	# Several feeds may list the same indicator: keep the most
	# confident description.
	for ( item in items )
		{
		# Verdict items match exactly (see verdict_intel_source).
		if ( s$where == IN_DNS_PARENT && item$meta$source == verdict_intel_source )
			next;

		add sources[item$meta$source];

		if ( ! item$meta?$desc )
			next;

		local meta = parse_desc(item$meta$desc);
		local conf = 0;
		if ( "confidence" in meta && /[0-9]+/ == meta["confidence"] )
			conf = to_count(meta["confidence"]);

		if ( family == "unknown" || conf > confidence )
			{
			confidence = conf;
			if ( "family" in meta )
				family = meta["family"];
			if ( "threat" in meta )
				threat = meta["threat"];
			}
		}

	if ( |sources| == 0 )
		return;

	local source_list = "";
	for ( src in sources )
		source_list = |source_list| == 0 ? src : cat(source_list, ",", src);

	local query = s?$dnsguard_query ? s$dnsguard_query : s$indicator;
	local how = s$where == IN_DNS_QUERY ? "exact" : "parent";
	local f = Finding($note=Intel_Domain, $detection="intel",
	    $what="DNS query matched intel", $name=query, $family=family,
	    $threat=threat, $score=confidence / 100.0);

	f$evidence = fmt("%s match on %s (sources: %s)", how, s$indicator,
	    source_list);

	if ( s?$conn )
		{
		f$conn = s$conn;
		f$identifier = cat(s$conn$id$orig_h, "/", s$indicator);
		}
	else
		{
		if ( s?$uid )
			f$uid = s$uid;
		f$identifier = s$indicator;
		}

	report(f);
	}
