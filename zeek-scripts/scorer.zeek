##! The link to the Python scorer (``dnsguard serve``) over Broker's
##! WebSocket API, on the manager or a standalone node only.
##!
##! Candidates from the pre-filter are deduplicated per name, queued and
##! published in rate-limited batches on DNSGuard::candidate_topic.  The
##! scorer answers on DNSGuard::verdict_topic; a verdict raises a notice
##! and inserts the name into the Intel framework (with expiry) so later
##! queries for it match inline, on every worker.
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

	## Port of the WebSocket server.  Not 27759, which Zeek 8's zeekctl
	## uses for its own WebSocket server (``UseWebSocket``).
	option scorer_port = 27760/tcp;

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

	## meta.source of Intel items inserted from verdicts.
	option verdict_intel_source = "dnsguard-scorer";

	## Candidates dropped because the queue was full.
	global dropped_candidates = 0;
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
global link_open = F;

global flush_outbox: event();
global release_held: event();
global expire_verdict: event(name: string);

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
	# Broker::__listen returns the bound port, 0/tcp on failure.
	return Broker::listen_websocket(cat(scorer_address), scorer_port) != 0/tcp;
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

function publish_outbox()
	{
	if ( ! link_open || |outbox| == 0 )
		return;

	if ( hold_until_scorer && ! scorer_seen )
		return;

	local per_flush = double_to_count(max_candidates_per_second *
	    interval_to_double(candidate_flush_interval));
	if ( per_flush == 0 )
		per_flush = 1;

	local n = |outbox| < per_flush ? |outbox| : per_flush;
	local i = 0;
	while ( i < n )
		{
		send_candidate_to_scorer(outbox[i]);
		++i;
		}

	outbox = outbox[n:];
	}

event flush_outbox()
	{
	publish_outbox();

	if ( ! zeek_is_terminating() )
		schedule candidate_flush_interval { flush_outbox() };
	}

event zeek_init() &priority=-10
	{
	if ( ! is_manager() || ! scorer_link )
		return;

	subscribe_verdicts();

	if ( ! listen_for_scorer() )
		{
		# A warning, not an error: errors during zeek_init stop Zeek,
		# and detection must go on without the scorer.
		Reporter::warning(fmt("DNSGuard: cannot listen for the scorer on %s:%s",
		    scorer_address, scorer_port));
		return;
		}

	link_open = T;
	schedule candidate_flush_interval { flush_outbox() };
	}

event release_held()
	{
	scorer_seen = T;

	for ( h, tag in held_tags )
		send_host_tag_to_scorer(h, tag[0], tag[1]);
	held_tags = table();

	publish_outbox();
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
@else
# Broker's WebSocket clients are peers; on a 7.0 cluster the first worker
# to peer also releases the queue (documented).
event Broker::peer_added(endpoint: Broker::EndpointInfo, msg: string)
	{
	if ( is_manager() )
		scorer_arrived();
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

event expire_verdict(name: string)
	{
	if ( name !in verdict_expiry || verdict_expiry[name] > network_time() )
		return;

	delete verdict_expiry[name];

	# Remove only what the verdict inserted; feeds may list the name too.
	local meta = Intel::MetaData($source=verdict_intel_source);
	Intel::remove(Intel::Item($indicator=name, $indicator_type=Intel::DOMAIN,
	    $meta=meta));
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

	local f = Finding($note=Scorer_Verdict, $detection="verdict",
	    $what="Scorer verdict", $name=name, $family=family, $threat=threat,
	    $score=score, $identifier=name);

	f$evidence = fmt("scorer score %.3f, intel for %ds", score, expire);

	if ( name in name_origin )
		{
		local c = name_origin[name];
		f$host = c$orig_h;
		f$uid = c$uid;
		f$identifier = cat(c$orig_h, "/", name);
		}

	report(f);

	local lifetime = expire > 0 ? expire * 1sec : verdict_default_expire;
	local capped = score >= 1.0 ? 1.0 : score;
	local confidence = double_to_count(floor(capped * 100.0 + 0.5));
	local meta = Intel::MetaData($source=verdict_intel_source);

	# Same description format as the feeds, so Intel_Domain notices on
	# later queries carry family and threat too.
	meta$desc = fmt("family=%s;threat=%s;confidence=%d", family, threat,
	    confidence);
	Intel::insert(Intel::Item($indicator=name, $indicator_type=Intel::DOMAIN,
	    $meta=meta));

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
