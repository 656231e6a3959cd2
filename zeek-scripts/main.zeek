##! DNSGuard: detect malware talking over DNS.
##!
##! This file holds what every other part of the package shares: the
##! tunables (all of them ``option``), the notice types, the ``dnsguard.log``
##! stream, the events exchanged with the Python scorer, the cluster-internal
##! events, and small helpers for DNS names (registered domain, lexical
##! features).  The detections live in their own files next to this one.

@load base/misc/version
@load base/frameworks/cluster
@load base/frameworks/notice
@load base/frameworks/sumstats
@load base/protocols/dns

module DNSGuard;

export {
	## The ``dnsguard.log`` stream.
	redef enum Log::ID += { LOG };

	## Policy hook for ``dnsguard.log``: break to drop a row.
	global log_policy: Log::PolicyHook;

	redef enum Notice::Type += {
		## A DNS query matched a DNSGuard intel indicator, either the
		## queried name itself or one of its parent domains.  ``msg``
		## and ``sub`` carry family, threat, score and device type.
		Intel_Domain,
		## A host received many NXDOMAIN answers for many distinct names
		## within one epoch: the signature of a domain generation
		## algorithm probing for its rendezvous domain (QSnatch and other
		## short-name DGAs are found this way).
		NXDOMAIN_Burst,
		## A query carried a label longer than
		## :zeek:see:`DNSGuard::long_label_length`: data encoded into
		## the name, as DNS tunnels do.
		Tunnel_Long_Label,
		## A host queried many distinct names below one registered
		## domain within one epoch (RITA's subdomain measure for
		## tunnels).
		Tunnel_Subdomains,
		## A host sent many TXT or NULL queries for one registered
		## domain within one epoch (the record types tunnels favour).
		TXT_Volume,
		## A name was answered with many distinct A records at low TTLs
		## across queries (fast flux).
		Fast_Flux,
		## The DNSGuard scorer judged a name malicious.
		Scorer_Verdict,
		## The DNSGuard scorer judged a host infected.
		Host_Verdict,
		## A host resolved NAS vendor service names and was tagged with
		## a device type (for example ``nas-qnap``).
		Device_Tagged,
		## A host sent many distinct names that carry data (encoded
		## labels, or data query types such as NULL, TXT, MX) to
		## registered domains that are not ignored, counted across all
		## its domains (see channel.zeek).  ``sub`` names the tool
		## where the names' structure shows it.
		DNS_Channel,
		## A host asked the same leftmost label below several registered
		## domains, none answered with an address: a C2 client rotating
		## through its domains (RogueRobin).
		C2_Rotation,
		## A host asked one random-looking name in several separate
		## rounds and never got an address back: a C2 client polling its
		## rendezvous name (Saitama).
		C2_Beacon,
	};

	## One row of ``dnsguard.log``.
	type Info: record {
		## When the detection fired.
		ts: time &log;
		## Connection uid of the DNS exchange, when there is one.
		uid: string &log &optional;
		## The host the detection is about.
		host: addr &log &optional;
		## The DNS name (or registered domain) the detection is about.
		name: string &log &optional;
		## Which detection produced the row: ``intel``,
		## ``nxdomain_burst``, ``candidate``, ``long_label``,
		## ``subdomains``, ``txt_volume``, ``fast_flux``, ``verdict``,
		## ``host_verdict``, ``device_tag``, ``dns_channel``,
		## ``c2_rotation`` or ``c2_beacon``.
		detection: string &log;
		## Malware family, when known (else ``unknown``).
		family: string &log &optional;
		## Threat type: ``c2``, ``iab``, ``botnet``, ``dga``,
		## ``phishing`` (see docs/interfaces.md).
		threat: string &log &optional;
		## Strength of the detection.  Intel: confidence / 100.
		## Scorer verdicts: the scorer's score.  Zeek-side heuristics:
		## observed value divided by its threshold (>= 1.0 when fired).
		score: double &log &optional;
		## Human readable evidence.
		evidence: string &log &optional;
		## Device type of *host* learnt from DNS (``unknown`` if none).
		device: string &log &optional;
	};

	## Raised for every row written to ``dnsguard.log``.
	global log_dnsguard: event(rec: Info);

	## Intel files (format in docs/interfaces.md) read with the Intel
	## framework's reader on the manager (or standalone node), re-read
	## when they change (replace them atomically with ``mv``).  The
	## default is the small file shipped with the package; point this at
	## the output of ``dnsguard feeds export`` in production.  Files
	## added or removed at run time (Config framework) are picked up.
	option intel_files: set[string] = {@DIR + "/dnsguard.intel"};

	## Also call Intel::seen for the queried name itself.  Set to F if
	## ``frameworks/intel/seen`` is loaded and you do not want a second
	## intel.log row for exact matches.
	option intel_match_exact = T;

	## Names below these suffixes are never candidates, never counted
	## for NXDOMAIN bursts or tunnelling: reverse lookups and local
	## names that resolvers answer NXDOMAIN by the thousand.
	option ignore_suffixes: set[string] = {
		"in-addr.arpa",
		"ip6.arpa",
		"home.arpa",
		"local",
		"localdomain",
		"lan",
		"internal",
		"localhost",
		"invalid",
		"test",
	};

	## How long a device tag lasts without being learnt again.
	option device_tag_expire = 1day;

	## Returns the device type learnt for *h*, or ``unknown``.
	global device_of: function(h: addr): string;

	## Returns the registered domain of *name* (eTLD+1) according to
	## :zeek:see:`DNSGuard::public_suffixes`; the last two labels when no
	## listed suffix matches.
	global registered_domain: function(name: string): string;

	## Returns the label of the registered domain (the attacker's choice).
	global registered_label: function(name: string): string;

	## T if *name* is, or lies below, one of :zeek:see:`DNSGuard::ignore_suffixes`.
	global is_ignored: function(name: string): bool;

	## Internal: SumStats ended an epoch of the SumStat *ss_name*; drop
	## the observations held for it (see ``observe_held``).
	global held_epoch_finished: function(ss_name: string);

	## What a detection found; :zeek:see:`DNSGuard::report` turns it
	## into a ``dnsguard.log`` row and, if *note* is set, a notice.
	type Finding: record {
		## Notice to raise; leave unset for a log row only.
		note: Notice::Type &optional;
		## Value of the ``detection`` log column.
		detection: string;
		## Short description that starts the notice message.
		what: string;
		## Connection of the DNS exchange, when there is one.
		conn: connection &optional;
		uid: string &optional;
		host: addr &optional;
		name: string &optional;
		family: string &default="unknown";
		threat: string &default="-";
		score: double &default=0.0;
		evidence: string &default="";
		## Notice suppression key (the notice type is added by the
		## Notice framework).
		identifier: string &default="";
	};

	## Write a ``dnsguard.log`` row and raise the notice of *f*.
	global report: function(f: Finding);

	# -- Events exchanged with the scorer (docs/interfaces.md) ----------

	## Zeek -> scorer: a name worth scoring.
	global candidate: event(ts: time, uid: string, orig_h: addr, query: string,
	    qtype: count, rcode: count) &is_used;

	## Zeek -> scorer: a host was tagged with a device type.
	global host_tag: event(orig_h: addr, device: string, evidence: string)
	    &is_used;

	## Scorer -> Zeek: verdict on a name; *expire* is in seconds.
	global verdict: event(name: string, score: double, family: string,
	    threat: string, expire: count) &is_used;

	## Scorer -> Zeek: verdict on a host.
	global host_verdict: event(orig_h: addr, family: string, threat: string,
	    score: double, evidence: string) &is_used;

	## Scorer -> Zeek: the scorer is subscribed and ready; what was held
	## for it goes out at once.
	global scorer_hello: event(version: string) &is_used;

	## Zeek -> scorer: the trace is read and every candidate of it sent.
	global trace_done: event(candidates: count) &is_used;

	## Scorer -> Zeek: every candidate up to ``trace_done`` is judged and
	## its verdicts are sent.
	global scorer_drained: event(candidates: count) &is_used;
}

# Device types learnt from DNS, known on every node: workers learn them,
# the manager collects and re-broadcasts them (see devices.zeek).
global host_devices: table[addr] of string &create_expire=device_tag_expire;

function device_of(h: addr): string
	{
	return h in host_devices ? host_devices[h] : "unknown";
	}

# Publishing differs by version: Cluster::publish exists from Zeek 7.1 on,
# Zeek 7.0 only has Broker::publish.  The wrappers live in cluster.zeek;
# this helper tells whether this node is where decisions are made.
function is_manager(): bool
	{
	return ! Cluster::is_enabled()
	    || Cluster::local_node_type() == Cluster::MANAGER;
	}

# is_manager(), worked out once at start-up for the per-query paths.
global manager_node = T;

event zeek_init() &priority=20
	{
	manager_node = is_manager();
	}

# Derived from the options above, rebuilt whenever they change: the most
# labels a listed public suffix has, and one pattern for the ignored
# suffixes, so a name is checked with one match instead of a join per label.
global max_suffix_labels = 2;
global ignore_pattern: pattern = /^$/;

# A pattern matching *names* and every name below them (dots escaped;
# entries with other than letters, digits, hyphens and dots are left out).
function suffix_pattern(names: set[string]): pattern
	{
	local alts: vector of string = vector();
	for ( n in names )
		if ( /^[a-z0-9.-]+$/ == n )
			alts += gsub(n, /\./, "\\.");

	if ( |alts| == 0 )
		return /^$/;

	return string_to_pattern(fmt("(^|\\.)(%s)$", join_string_vec(alts, "|")), F);
	}

function suffixes_changed(id: string, new_value: set[string]): set[string]
	{
	if ( id == "DNSGuard::public_suffixes" )
		{
		max_suffix_labels = 1;
		for ( s in new_value )
			{
			local k = |split_string(s, /\./)|;
			if ( k > max_suffix_labels )
				max_suffix_labels = k;
			}
		}
	else
		ignore_pattern = suffix_pattern(new_value);

	return new_value;
	}

event zeek_init() &priority=10
	{
	suffixes_changed("DNSGuard::public_suffixes", public_suffixes);
	suffixes_changed("DNSGuard::ignore_suffixes", ignore_suffixes);
	Option::set_change_handler("DNSGuard::public_suffixes", suffixes_changed);
	Option::set_change_handler("DNSGuard::ignore_suffixes", suffixes_changed);
	}

# Index of the first label of the registered domain in *labels*.
function registered_start(labels: string_vec): count
	{
	local n = |labels|;

	if ( n <= 2 )
		return 0;

	# Longest listed suffix first, as in the PSL algorithm; no suffix
	# longer than the longest listed one can match.
	local i = n - 1 > max_suffix_labels ? n - max_suffix_labels : 1;
	while ( i < n - 1 )
		{
		if ( join_string_vec(labels[i:], ".") in public_suffixes )
			return i - 1;
		++i;
		}

	return n - 2;
	}

function registered_of(labels: string_vec): string
	{
	local start = registered_start(labels);
	return start == 0 ? join_string_vec(labels, ".") : join_string_vec(labels[start:],
	    ".");
	}

# Names with an empty label (a leading, trailing or doubled dot) take the
# split path, which counts empty labels as labels.
global odd_name_pattern = /^\.|\.\.|\.$/;

# The last two labels with the dot before them (".example.com"), or "" for
# names of one or two labels.
global last_two_labels = /\.[^.]+\.[^.]+/;

function registered_domain(name: string): string
	{
	# The common case without splitting: the last two labels, unless
	# they are a listed suffix (or a listed suffix may be longer).
	local m = find_last(name, last_two_labels);
	local rd = |m| == 0 ? name : m[1:];
	if ( max_suffix_labels > 2
	    || rd in public_suffixes
	    || odd_name_pattern in name )
		return registered_of(split_string(name, /\./));
	return rd;
	}

function registered_label(name: string): string
	{
	return split_string1(registered_domain(name), /\./)[0];
	}

function is_ignored(name: string): bool
	{
	# Single-label names never reach public DNS.
	return /\./ !in name || ignore_pattern in name;
	}

# SumStats observations held back on a standalone node.  An observation
# costs SumStats 30,000-100,000 instructions, and most keys (a host's few
# NXDOMAIN answers, a host's TXT look-ups of one domain) never come near
# their threshold.  So the first observations of a key are kept here and
# handed to SumStats, in their order, only when the key has as many as its
# threshold needs; from then on, until the epoch ends, they go straight
# through.  SumStats sees the same observations in the same order before
# any threshold can be crossed, so the same notices fire at the same
# moment.  In a cluster every observation goes to SumStats at once: the
# manager merges the workers' counts.
#
# SumStat name -> key -> held observations (an empty vector: pass through).
global held_obs: table[string] of table[SumStats::Key] of vector of
    SumStats::Observation = table();

# Observe *obs* for *key* on *stream* (of the SumStat *ss_name*), whose
# threshold cannot be crossed before *need* observations of a key.
function observe_held(ss_name: string, stream: string, key: SumStats::Key,
    obs: SumStats::Observation, need: count)
	{
	if ( need <= 1 || Cluster::is_enabled() )
		{
		SumStats::observe(stream, key, obs);
		return;
		}

	if ( ss_name !in held_obs )
		held_obs[ss_name] = table();

	local held = held_obs[ss_name];
	if ( key !in held )
		{
		held[key] = vector(obs);
		return;
		}

	local v = held[key];
	if ( |v| == 0 )
		{
		SumStats::observe(stream, key, obs);
		return;
		}

	if ( |v| + 1 < need )
		{
		v += obs;
		return;
		}

	held[key] = vector();
	for ( i in v )
		SumStats::observe(stream, key, v[i]);
	SumStats::observe(stream, key, obs);
	}

function held_epoch_finished(ss_name: string)
	{
	if ( ss_name in held_obs )
		held_obs[ss_name] = table();
	}

# SumStats starts a new epoch: what was held belongs to the old one.  The
# event is internal to SumStats, so its handler is written in that module.
module SumStats;

event finish_epoch(ss: SumStat)
	{
	DNSGuard::held_epoch_finished(ss$name);
	}

module DNSGuard;

function report(f: Finding)
	{
	local device = "unknown";

	if ( f?$conn )
		{
		if ( ! f?$host )
			f$host = f$conn$id$orig_h;
		if ( ! f?$uid )
			f$uid = f$conn$uid;
		}

	if ( f?$host )
		device = device_of(f$host);

	local rec = Info($ts=network_time(), $detection=f$detection, $family=f$family,
	    $threat=f$threat, $score=f$score, $device=device);
	if ( f?$uid )
		rec$uid = f$uid;
	if ( f?$host )
		rec$host = f$host;
	if ( f?$name )
		rec$name = f$name;
	if ( |f$evidence| > 0 )
		rec$evidence = f$evidence;

	Log::write(LOG, rec);

	if ( ! f?$note )
		return;

	# Security Onion keeps only the mapped notice fields, so family,
	# threat, score and device type go into msg and sub as text.
	#
	# Which host a notice is about (docs/security-onion.md): a notice
	# raised on the DNS exchange itself (f$conn, intel matches) carries the
	# connection, so Zeek fills id.orig_h, which Security Onion keeps as
	# source.ip.  The others are about a host's queries over many
	# exchanges, counted in SumStats or on the manager of a cluster, or
	# come back from the scorer; no connection is at hand, so they set only
	# src, as Zeek's own SSH::Password_Guessing does.  They get no id:
	# taking the ports and resolver of whichever query crossed the
	# threshold would present a behaviour as one connection.  Security
	# Onion's notice pipeline drops src (it renames note, msg, sub, uid,
	# id.* and a few more, and removes the rest), so for them msg starts
	# with the host: "10.0.0.23: NXDOMAIN burst: 12 domains [...]".
	local subject = f?$name ? f$name : "-";
	local about = ( f?$host && ! f?$conn ) ? fmt("%s: ", f$host) : "";
	local n = Notice::Info($note=f$note);
	n$msg = fmt("%s%s: %s [family=%s threat=%s score=%.2f device=%s]", about,
	    f$what, subject, f$family, f$threat, f$score, device);
	n$sub = fmt("family=%s;threat=%s;score=%.2f;device=%s;evidence=%s", f$family,
	    f$threat, f$score, device, f$evidence);

	# Without an identifier the Notice framework does not suppress.
	if ( |f$identifier| > 0 )
		n$identifier = f$identifier;

	if ( f?$conn )
		n$conn = f$conn;
	else
		{
		if ( f?$host )
			n$src = f$host;
		if ( f?$uid )
			n$uid = f$uid;
		}

	NOTICE(n);
	}

event zeek_init() &priority=5
	{
	Log::create_stream(LOG, [$columns=Info, $ev=log_dnsguard, $path="dnsguard",
	    $policy=log_policy]);
	}
