##! Messaging between cluster nodes and with the scorer.
##!
##! Workers observe, the manager decides: workers send candidate batches
##! and device tags to the manager, which deduplicates, talks to the scorer
##! and re-broadcasts device tags so every node can name a host's device
##! type in its notices.  ``Cluster::publish`` exists from Zeek 7.1 on;
##! Zeek 7.0 gets ``Broker::publish`` with the same arguments.  Standalone
##! Zeek is its own manager and sends nothing to itself.

@load ./main

module DNSGuard;

export {
	## A name selected by the lexical pre-filter (see prefilter.zeek).
	type Candidate: record {
		ts: time;
		uid: string;
		orig_h: addr;
		query: string;
		qtype: count;
		rcode: count;
	};

	## Topic the manager publishes candidates and host tags on.
	option candidate_topic = "dnsguard/candidates";

	## Topic the manager subscribes to for verdicts.
	option verdict_topic = "dnsguard/verdicts";

	## Internal, worker -> manager: a batch of candidates.
	global worker_candidates: event(batch: vector of Candidate);

	## Internal, worker -> manager: a host resolved a NAS vendor service
	## name.
	global worker_host_tag: event(h: addr, device: string, evidence: string,
	    uid: string);

	## Internal, manager -> workers and proxies: remember the device type
	## of a host.
	global sync_host_tag: event(h: addr, device: string);
}

function send_to_manager_candidates(batch: vector of Candidate)
	{
@if ( Version::at_least("7.1") )
	Cluster::publish(Cluster::manager_topic, worker_candidates, batch);
@else
	Broker::publish(Cluster::manager_topic, worker_candidates, batch);
@endif
	}

function send_to_manager_host_tag(h: addr, device: string, evidence: string,
    uid: string)
	{
@if ( Version::at_least("7.1") )
	Cluster::publish(Cluster::manager_topic, worker_host_tag, h, device, evidence,
	    uid);
@else
	Broker::publish(Cluster::manager_topic, worker_host_tag, h, device, evidence,
	    uid);
@endif
	}

function broadcast_host_tag(h: addr, device: string)
	{
	if ( ! Cluster::is_enabled() )
		return;

@if ( Version::at_least("7.1") )
	Cluster::publish(Cluster::worker_topic, sync_host_tag, h, device);
	Cluster::publish(Cluster::proxy_topic, sync_host_tag, h, device);
@else
	Broker::publish(Cluster::worker_topic, sync_host_tag, h, device);
	Broker::publish(Cluster::proxy_topic, sync_host_tag, h, device);
@endif
	}

function send_candidate_to_scorer(c: Candidate)
	{
@if ( Version::at_least("7.1") )
	Cluster::publish(candidate_topic, candidate, c$ts, c$uid, c$orig_h, c$query,
	    c$qtype, c$rcode);
@else
	Broker::publish(candidate_topic, candidate, c$ts, c$uid, c$orig_h, c$query,
	    c$qtype, c$rcode);
@endif
	}

function send_host_tag_to_scorer(h: addr, device: string, evidence: string)
	{
@if ( Version::at_least("7.1") )
	Cluster::publish(candidate_topic, host_tag, h, device, evidence);
@else
	Broker::publish(candidate_topic, host_tag, h, device, evidence);
@endif
	}

function send_trace_done_to_scorer(candidates: count)
	{
@if ( Version::at_least("7.1") )
	Cluster::publish(candidate_topic, trace_done, candidates);
@else
	Broker::publish(candidate_topic, trace_done, candidates);
@endif
	}

function subscribe_verdicts()
	{
@if ( Version::at_least("7.1") )
	Cluster::subscribe(verdict_topic);
@else
	Broker::subscribe(verdict_topic);
@endif
	}

event sync_host_tag(h: addr, device: string)
	{
	host_devices[h] = device;
	}
