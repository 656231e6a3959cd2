##! The link to the Python scorer (``dnsguard serve``) over Broker's
##! WebSocket API, on the manager or a standalone node only.
##!
##! Candidates from the pre-filter are deduplicated per name, queued and
##! published in rate-limited batches on DNSGuard::candidate_topic.  The
##! scorer answers on DNSGuard::verdict_topic; a verdict raises a notice
##! and inserts the name into the Intel framework (with expiry) so later
##! queries for it match inline, on every worker.
##!
##! The link opens from the first timer after start-up, not in zeek_init:
##! a busy port then costs a warning and a retry, never Zeek itself.  When
##! reading a trace, the link opens only with
##! :zeek:see:`DNSGuard::scorer_link_offline`; Zeek then waits for the
##! scorer's ``scorer_hello`` before it reads on, hands over everything at
##! the end of the trace (``trace_done``) and terminates once the scorer
##! answers ``scorer_drained`` or goes away.  Timers do not run after an
##! offline trace ends (network time stays at the last packet), so that
##! whole exchange is driven by events, not timers.
##!
##! Zeek 7.0 and 7.1 listen with Broker::listen_websocket, which uses
##! Broker's TLS settings: TLS with anonymous ciphers unless
##! Broker::disable_ssl is set.  Standalone, this package sets
##! ``Broker::disable_ssl = T`` for a plain ``ws://`` link on 127.0.0.1;
##! in a cluster it leaves Broker's setting alone (it also covers the
##! node-to-node links), see docs/zeek.md.  Zeek 7.2 and later listen with
##! Cluster::listen_websocket, plain ``ws://`` unless TLS options are given.

@load ./main
@load ./cluster
@load ./intel
@load ./prefilter
@load ./devices

module DNSGuard;

export {
	## Open the WebSocket link to the scorer.  Read at start-up.
	option scorer_link = T;

	## Address the WebSocket server binds to.
	option scorer_address = 127.0.0.1;

	## Port of the WebSocket server.  Not 27760 and up (zeekctl's and
	## Security Onion's Broker ports: ``ZeekPort: 27760``), not 27759
	## (zeekctl's WebSocket server on Zeek 8), not 9999 (Broker's
	## default).
	option scorer_port = 25353/tcp;

	## Also open the link when reading a trace (``zeek -r``).  Zeek then
	## waits for the scorer before reading on and terminates when the
	## scorer has answered everything; off, ``zeek -r`` never listens and
	## ends with the trace.
	option scorer_link_offline = F;

	## When listening fails on a live sensor (port in use), try again
	## after this long.
	option scorer_listen_retry = 1min;

	## Keep candidates queued until a scorer has connected once, instead
	## of publishing them to nobody.
	option hold_until_scorer = T;

	## Most candidates queued on the manager; newer ones are dropped.
	option max_queue = 10000;

	## Rate limit: candidates published per second.
	option max_candidates_per_second = 200;

	## How often the queue is flushed.
	option candidate_flush_interval = 1sec;

	## Wait this long after a scorer connects before releasing what was
	## held, so its subscription is in place everywhere.
	option scorer_warmup = 1sec;

	## A name sent to the scorer is not sent again for this long.
	option candidate_dedup_interval = 1hr;

	## Verdicts with a score at or above this raise a notice and go
	## into the Intel framework; lower ones only stop re-sending.
	option verdict_notice_threshold = 0.5;

	## Intel expiry when a verdict says ``expire=0``.
	option verdict_default_expire = 1day;

	## Longest Intel lifetime a verdict may ask for; a larger ``expire``
	## is cut to this (a verdict never holds forever).
	option verdict_max_expire = 7days;

	## Names no scorer verdict may flag: a verdict for one of these, or a
	## name below one of them, is refused (counted in
	## ``verdicts_refused``, reported once per name) however it arrived.
	## The same popular and infrastructure domains the Python side
	## refuses; the full lists come from :zeek:see:`DNSGuard::verdict_refuse_file`.
	option verdict_refuse_domains: set[string] = {
		"google.com",
		"googleapis.com",
		"gstatic.com",
		"youtube.com",
		"facebook.com",
		"microsoft.com",
		"windows.com",
		"windowsupdate.com",
		"office.com",
		"live.com",
		"apple.com",
		"icloud.com",
		"amazon.com",
		"amazonaws.com",
		"akamaiedge.net",
		"akamai.net",
		"cloudfront.net",
		"cloudflare.com",
		"dns.google",
		"one.one.one.one",
		"quad9.net",
		"opendns.com",
		"root-servers.net",
		"chatgpt.com",
		"openai.com",
		"tiktok.com",
		"discord.com",
		"x.com",
	};

	## A tab-separated file of more such names (``#fields domain reason``),
	## as written by ``dnsguard verdicts refuse-list FILE`` (the allowlist
	## and the never-list in force).  Read at start-up and again when it
	## changes.  Empty: only ``verdict_refuse_domains``.
	option verdict_refuse_file = "";

	## Take back the verdict on *name* (``dnsguard verdicts retract``):
	## its Intel item goes at once.
	global retract: event(name: string);

	## Verdicts refused because their name is allowlisted or never-listed.
	global verdicts_refused = 0;

	## Verdicts retracted.
	global verdicts_retracted = 0;

	## Candidates dropped because the queue was full.
	global dropped_candidates = 0;

	## Candidates handed to the scorer so far.
	global candidates_sent = 0;

	## Whether this node listens for the scorer.
	global link_open = F;
}

# Names already sent (or judged) and not to be sent again soon.
global sent_names: set[string] &create_expire=candidate_dedup_interval;

# Who asked for a name, so a verdict can name the host.
global name_origin: table[string] of Candidate
    &create_expire=candidate_dedup_interval;

# Candidates waiting to be published.
global outbox: vector of Candidate = vector();

# Host tags learnt before a scorer connected: host -> [device, evidence].
global held_tags: table[addr] of string_vec = table();

# When each verdict-inserted Intel item expires.
global verdict_expiry: table[string] of time = table();

global scorer_seen = F;

# Offline (zeek -r) link: listening was tried, Zeek is waiting for a
# scorer's hello with packet processing suspended, the trace is read.
global offline_link = F;
global offline_waiting = F;
global trace_finished = F;

global flush_outbox: event();
global release_held: event();
global open_scorer_link: event();
global expire_verdict: event(name: string);

# Names from verdict_refuse_file -> why they are refused.
global refused_names: table[string] of string = table();

type RefusedIdx: record {
	domain: string;
};

type RefusedVal: record {
	reason: string;
};

# Names already reported as refused (one reporter line each).
global refusal_reported: set[string] &create_expire=1day;

@if ( ! Cluster::is_enabled() && ! Version::at_least("7.2") )
# Standalone on Zeek 7.0/7.1: plain ws:// (Broker has no other peers to
# protect).  Override with a later redef if you want TLS.
redef Broker::disable_ssl = T;
@endif

# Newer Zeek runs standalone without a cluster backend; the WebSocket
# server needs one.  Versions without CLUSTER_BACKEND_NONE always have one.
@ifdef ( Cluster::CLUSTER_BACKEND_NONE )
@if ( Cluster::backend == Cluster::CLUSTER_BACKEND_NONE && ! Cluster::is_enabled() )
@load frameworks/cluster/backend/broker
@endif
@endif

function listen_for_scorer(): bool
	{
@if ( Version::at_least("8.0") )
	return Cluster::listen_websocket([$listen_addr=scorer_address,
	    $listen_port=scorer_port]);
@else
@if ( Version::at_least("7.2") )
	return Cluster::listen_websocket([$listen_host=cat(scorer_address),
	    $listen_port=scorer_port]);
@else
	# Broker::__listen returns the bound port, 0/tcp on failure.  No
	# retry of Broker's own: open_scorer_link retries, with one warning.
	return Broker::listen_websocket(cat(scorer_address), scorer_port, 0secs) !=
	    0/tcp;
@endif
@endif
	}

function enqueue_candidate(c: Candidate)
	{
	if ( ! link_open )
		return;

	if ( c$query in sent_names )
		return;

	add sent_names[c$query];
	name_origin[c$query] = c;

	if ( |outbox| >= max_queue )
		{
		++dropped_candidates;
		return;
		}

	outbox += c;
	}

# Publish up to *limit* queued candidates (0: all of them).
function publish_candidates(limit: count)
	{
	if ( ! link_open || |outbox| == 0 )
		return;

	if ( hold_until_scorer && ! scorer_seen )
		return;

	local n = limit == 0 || |outbox| < limit ? |outbox| : limit;
	local i = 0;
	while ( i < n )
		{
		send_candidate_to_scorer(outbox[i]);
		++i;
		}

	candidates_sent += n;
	outbox = outbox[n:];
	}

function publish_outbox()
	{
	local per_flush = double_to_count(max_candidates_per_second *
	    interval_to_double(candidate_flush_interval));
	publish_candidates(per_flush == 0 ? 1 : per_flush);
	}

event flush_outbox()
	{
	publish_outbox();

	if ( ! zeek_is_terminating() )
		schedule candidate_flush_interval { flush_outbox() };
	}

event open_scorer_link()
	{
	if ( link_open || zeek_is_terminating() )
		return;

	if ( ! listen_for_scorer() )
		{
		# Broker has reported the error; detection goes on without
		# the scorer.
		if ( offline_link )
			Reporter::warning(fmt("DNSGuard: cannot listen for the scorer on %s:%s; reading the trace without it",
			    scorer_address, scorer_port));
		else
			{
			Reporter::warning(fmt("DNSGuard: cannot listen for the scorer on %s:%s; trying again in %s",
			    scorer_address, scorer_port, scorer_listen_retry));
			schedule scorer_listen_retry { open_scorer_link() };
			}
		return;
		}

	link_open = T;
	schedule candidate_flush_interval { flush_outbox() };

	if ( offline_link && ! trace_finished )
		{
		# Read on only once a scorer is there to hear the candidates.
		offline_waiting = T;
		suspend_processing();
		}
	}

event zeek_init() &priority=-10
	{
	if ( ! is_manager() || ! scorer_link )
		return;

	if ( reading_traces() && ! scorer_link_offline )
		return;

	offline_link = reading_traces();
	subscribe_verdicts();

	# Not from zeek_init itself: an error there (Broker's "Failed to
	# listen" on a busy port) would stop Zeek.  The first timer runs
	# right after start-up, or at the first packet of a trace.
	schedule 0secs { open_scorer_link() };
	}

event release_held()
	{
	if ( scorer_seen )
		return;

	scorer_seen = T;

	for ( h, tag in held_tags )
		send_host_tag_to_scorer(h, tag[0], tag[1]);
	held_tags = table();

	publish_outbox();

	if ( offline_waiting )
		{
		offline_waiting = F;
		continue_processing();
		}
	}

event scorer_hello(version: string)
	{
	if ( ! is_manager() || ! link_open )
		return;

	# The scorer has subscribed before it spoke: no warm-up needed.
	event release_held();
	}

# The end of an offline trace: no timer runs from here on (network time
# stays at the last packet), so everything still queued goes out now.
event Pcap::file_done(path: string)
	{
	trace_finished = T;

	if ( ! offline_link )
		return;

	if ( ! link_open || ! scorer_seen )
		{
		# Listening was tried, so Broker keeps Zeek running: end it.
		terminate();
		return;
		}

	publish_candidates(0);
	send_trace_done_to_scorer(candidates_sent);
	}

event scorer_drained(candidates: count)
	{
	if ( offline_link && trace_finished )
		terminate();
	}

function scorer_left()
	{
	# An offline trace cannot end without its scorer: do not wait for
	# one that has gone.
	if ( offline_link && ( trace_finished || offline_waiting ) && scorer_seen )
		terminate();
	}

function scorer_arrived()
	{
	if ( ! link_open || scorer_seen )
		return;

	schedule scorer_warmup { release_held() };
	}

@if ( Version::at_least("7.2") )
event Cluster::websocket_client_added(endpoint: Cluster::EndpointInfo,
    subscriptions: string_vec)
	{
	for ( i in subscriptions )
		if ( starts_with(candidate_topic, subscriptions[i]) )
			{
			scorer_arrived();
			return;
			}
	}

@if ( Version::at_least("8.0") )
event Cluster::websocket_client_lost(endpoint: Cluster::EndpointInfo,
    code: count, reason: string)
	{
	scorer_left();
	}
@else
event Cluster::websocket_client_lost(endpoint: Cluster::EndpointInfo)
	{
	scorer_left();
	}
@endif
@else
# Broker's WebSocket clients are peers; on a 7.0 cluster the first worker
# to peer also releases the queue (documented).
event Broker::peer_added(endpoint: Broker::EndpointInfo, msg: string)
	{
	if ( is_manager() )
		scorer_arrived();
	}

event Broker::peer_lost(endpoint: Broker::EndpointInfo, msg: string)
	{
	scorer_left();
	}
@endif

event worker_candidates(batch: vector of Candidate)
	{
	for ( i in batch )
		enqueue_candidate(batch[i]);
	}

event host_tagged(h: addr, device: string, evidence: string)
	{
	if ( ! link_open )
		return;

	if ( hold_until_scorer && ! scorer_seen )
		held_tags[h] = vector(device, evidence);
	else
		send_host_tag_to_scorer(h, device, evidence);
	}

# Why no verdict may flag *name* ("" when it may): the name itself or a
# parent down to its registered domain is refused.
function verdict_refusal(name: string): string
	{
	local reg = registered_domain(name);
	local cur = name;
	while ( T )
		{
		if ( cur in verdict_refuse_domains )
			return "allowlisted";
		if ( cur in refused_names )
			return refused_names[cur];
		if ( cur == reg || |cur| <= |reg| || /\./ !in cur )
			return "";
		cur = split_string1(cur, /\./)[1];
		}
	return "";
	}

function remove_verdict_intel(name: string)
	{
	delete verdict_expiry[name];

	# Remove only what the verdict inserted; feeds may list the name too.
	local meta = Intel::MetaData($source=verdict_intel_source);
	Intel::remove(Intel::Item($indicator=name, $indicator_type=Intel::DOMAIN,
	    $meta=meta));
	}

event zeek_init() &priority=-5
	{
	if ( ! is_manager() || verdict_refuse_file == "" )
		return;

	Input::add_table([$source=verdict_refuse_file, $name="dnsguard-verdict-refuse",
	    $idx=RefusedIdx, $val=RefusedVal, $destination=refused_names,
	    $want_record=F, $mode=Input::REREAD]);
	}

event retract(name: string)
	{
	if ( ! is_manager() )
		return;

	name = to_lower(name);
	if ( name !in verdict_expiry )
		return;

	++verdicts_retracted;
	remove_verdict_intel(name);
	}

event expire_verdict(name: string)
	{
	if ( name !in verdict_expiry || verdict_expiry[name] > network_time() )
		return;

	remove_verdict_intel(name);
	}

event verdict(name: string, score: double, family: string, threat: string,
    expire: count)
	{
	if ( ! is_manager() )
		return;

	name = to_lower(name);

	# Judged: do not ask again while the verdict holds.
	add sent_names[name];

	if ( score < verdict_notice_threshold )
		return;

	local refusal = verdict_refusal(name);
	if ( refusal != "" )
		{
		++verdicts_refused;
		if ( name !in refusal_reported )
			{
			add refusal_reported[name];
			Reporter::warning(fmt("DNSGuard: refused a scorer verdict for %s (%s)", name,
			    refusal));
			}
		return;
		}

	local f = Finding($note=Scorer_Verdict, $detection="verdict",
	    $what="Scorer verdict", $name=name, $family=family, $threat=threat,
	    $score=score, $identifier=name);

	f$evidence = fmt("scorer score %.3f, intel for %ds", score, expire > 0 ? expire :
	    double_to_count(interval_to_double(verdict_default_expire)));

	if ( name in name_origin )
		{
		local c = name_origin[name];
		f$host = c$orig_h;
		f$uid = c$uid;
		f$identifier = cat(c$orig_h, "/", name);
		}

	report(f);

	local lifetime = expire > 0 ? expire * 1sec : verdict_default_expire;
	if ( lifetime > verdict_max_expire )
		lifetime = verdict_max_expire;
	local capped = score >= 1.0 ? 1.0 : score;
	local confidence = double_to_count(floor(capped * 100.0 + 0.5));
	local meta = Intel::MetaData($source=verdict_intel_source);

	# Same description format as the feeds, so Intel_Domain notices on
	# later queries carry family and threat too.
	meta$desc = fmt("family=%s;threat=%s;confidence=%d", family, threat,
	    confidence);
	Intel::insert(Intel::Item($indicator=name, $indicator_type=Intel::DOMAIN,
	    $meta=meta));
	note_intel_domain(name);
	if ( Cluster::is_enabled() )
		{
		flush_intel_domains(Cluster::worker_topic, pending_intel_domains);
		pending_intel_domains = vector();
		}

	verdict_expiry[name] = network_time() + lifetime;
	schedule lifetime { expire_verdict(name) };
	}

event host_verdict(orig_h: addr, family: string, threat: string, score: double,
    evidence: string)
	{
	if ( ! is_manager() || score < verdict_notice_threshold )
		return;

	local f = Finding($note=Host_Verdict, $detection="host_verdict",
	    $what="Scorer verdict on host", $host=orig_h, $name=cat(orig_h),
	    $family=family, $threat=threat, $score=score);

	f$evidence = evidence;
	f$identifier = cat(orig_h, "/", family);
	report(f);
	}
