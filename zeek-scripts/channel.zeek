##! DNS tunnels and DNS C2 seen per host, across all its domains.
##!
##! Three detections of python/dnsguard/data/detections.yaml (issue 15):
##!
##! * ``dns_channel`` (:zeek:see:`DNSGuard::DNS_Channel`): a host sends
##!   many distinct names that carry data - an encoded label (hex, the
##!   letter-pair "nibble" encoding, base32, base36, or any byte outside
##!   ``[a-z0-9_-]``: base64's ``+/=``, base128's 8-bit bytes) or a
##!   data query type (NULL, TXT, CNAME, MX, SRV, SOA, private-use) - to
##!   registered domains that are not ignored, counted across all of them.
##! * ``c2_rotation`` (:zeek:see:`DNSGuard::C2_Rotation`): the same
##!   leftmost label below several registered domains, none answered with
##!   an address: a C2 client rotating through its list of domains.
##! * ``c2_beacon`` (:zeek:see:`DNSGuard::C2_Beacon`): one random-looking
##!   name asked again and again in separate rounds, never answered with
##!   an address: a C2 client polling its rendezvous name.
##!
##! Zeek hands the query as it came (lower-cased, raw bytes kept), so names
##! that are not valid host names are evidence here, not garbage.  The
##! lexical tests are Zeek patterns built from the options; entropy is
##! measured only for labels the patterns leave in doubt.
##!
##! Workers judge each ``dns.log`` row by itself and send the few rows that
##! can matter (a data-carrying name, an unanswered name, a random label) to
##! the manager, which holds the per-host state and raises the notices.  A
##! standalone node is its own manager.
##!
##! Where the traffic's structure names the tool, the notice's family says
##! which, how sure and why (``evidence`` starts with
##! ``tool=<name> confidence=<high|medium|low> (<why>)``):
##! dnscat2 (hex labels that carry its packet header, one session id across
##! names), iodine (NULL or private-use query types), RogueRobin (letter-pair
##! labels, <id>-<session>-<offset>-<data> labels, labels rotated through
##! the channel's domains, or a C2_Rotation of a letter-pair or numeric
##! label; any other C2_Rotation names no tool: DGAs rotate too), Saitama (printable
##! ASCII in A answers, or a random name polled in rounds), Symbiote
##! (``counter.id.hex.x<digits>`` names), dns2tcp (base64 labels with
##! ``+/=``).  Otherwise the family is ``DNS tunnel``.

@load base/frameworks/cluster
@load ./main
@load ./popular
@load ./tunnel

module DNSGuard;

export {
	## dns_channel: how long a data-carrying name counts for its host
	## (a sliding window).
	option channel_window = 10min;

	## dns_channel: distinct data-carrying names a host must send within
	## :zeek:see:`DNSGuard::channel_window`, counted over the registered
	## domains that have :zeek:see:`DNSGuard::channel_min_per_domain` of
	## them.
	option channel_min_names = 8;

	## dns_channel: a registered domain counts only once it has this many
	## data-carrying names of the host in the window (one odd name below
	## a CDN is not a channel).
	option channel_min_per_domain = 3;

	## Encoded labels: a hex label (with a digit and a letter) or a
	## letter-pair label (letters ``a``-``p`` only) at least this long is
	## encoded.
	option channel_min_encoded_length = 16;

	## Encoded labels: a base32 (``a-z2-7``) or base36 (``a-z0-9``)
	## label at least this long can be encoded; see the digit and entropy
	## options below.
	option channel_min_base_length = 20;

	## Encoded labels: digits a base32 label needs.
	option channel_base32_min_digits = 2;

	## Encoded labels: Shannon entropy (bits per character) a base32
	## label needs.
	option channel_base32_min_entropy = 3.5;

	## Encoded labels: digits a base36 label needs.
	option channel_base36_min_digits = 3;

	## Encoded labels: Shannon entropy (bits per character) a base36
	## label needs.
	option channel_base36_min_entropy = 3.8;

	## Query types that carry data back to a tunnel client: CNAME, SOA,
	## NULL, MX, TXT, SRV.  Asked of a name below its registered domain
	## whose labels are not service labels (``_dmarc``, ``_domainkey``).
	option channel_data_qtypes: set[count] = {
		5,
		6,
		10,
		15,
		16,
		33,
	};

	## Query types from this one on (private use, 65280-65534) carry data
	## (iodine probes with 65399).
	option channel_private_qtypes_from = 65280;

	## Query types above this one and below
	## :zeek:see:`DNSGuard::channel_private_qtypes_from` are not asked by
	## ordinary clients and carry data.
	option channel_unassigned_qtypes_over = 260;

	## Registered domains never counted by dns_channel, c2_rotation and
	## c2_beacon (besides :zeek:see:`DNSGuard::tunnel_ignore_domains` and
	## :zeek:see:`DNSGuard::ignore_suffixes`): popular services whose
	## names are long, hashed or numerous by design.
	option channel_ignore_domains: set[string] = {
		"google.com",
		"googleapis.com",
		"gstatic.com",
		"googlevideo.com",
		"1e100.net",
		"microsoft.com",
		"windowsupdate.com",
		"windows.com",
		"office.com",
		"office.net",
		"office365.com",
		"live.com",
		"msn.com",
		"bing.com",
		"skype.com",
		"azure.com",
		"azureedge.net",
		"msedge.net",
		"msecnd.net",
		"trafficmanager.net",
		"apple.com",
		"icloud.com",
		"amazonaws.com",
		"a2z.com",
		"akamaiedge.net",
		"akamai.net",
		"akadns.net",
		"cloudfront.net",
		"cloudflare.net",
		"fastly.net",
		"facebook.com",
		"fbcdn.net",
	};

	## c2_rotation: how long a host's label is remembered with the
	## registered domains it was asked below.
	option rotation_window = 10min;

	## c2_rotation: registered domains one leftmost label must be asked
	## below (none answered with an address) within
	## :zeek:see:`DNSGuard::rotation_window`, counted by the name their
	## owner chose (the registered label: ``ultradns.net`` and
	## ``ultradns.com`` are one).
	option rotation_min_domains = 4;

	## c2_rotation: shortest leftmost label that counts.
	option rotation_min_label_length = 4;

	## c2_rotation: common host labels that many unrelated domains share
	## (detections.yaml ``c2_rotation.common_labels``).
	option rotation_common_labels: set[string] = {
		"account",
		"accounts",
		"admin",
		"ads",
		"analytics",
		"api",
		"apis",
		"app",
		"apps",
		"assets",
		"auth",
		"autoconfig",
		"autodiscover",
		"beta",
		"blog",
		"cdn",
		"chat",
		"click",
		"cloud",
		"cname",
		"config",
		"connect",
		"content",
		"cpanel",
		"crl",
		"data",
		"dev",
		"dialin",
		"dns",
		"docs",
		"download",
		"downloads",
		"edge",
		"email",
		"enterpriseenrollment",
		"enterpriseregistration",
		"events",
		"exchange",
		"extranet",
		"files",
		"ftp",
		"gateway",
		"help",
		"home",
		"host",
		"id",
		"image",
		"images",
		"imap",
		"img",
		"info",
		"intranet",
		"isatap",
		"link",
		"links",
		"local",
		"login",
		"lyncdiscover",
		"mail",
		"media",
		"meet",
		"metrics",
		"mobile",
		"mta-sts",
		"mx",
		"mx1",
		"mx2",
		"news",
		"notify",
		"ns1",
		"ns2",
		"ns3",
		"ntp",
		"ocsp",
		"origin",
		"owa",
		"pixel",
		"pki",
		"pop",
		"pop3",
		"portal",
		"proxy",
		"public",
		"push",
		"relay",
		"remote",
		"search",
		"secure",
		"server",
		"service",
		"services",
		"settings",
		"shop",
		"sip",
		"sipexternal",
		"sipinternal",
		"smtp",
		"smtp-relay",
		"sso",
		"stage",
		"staging",
		"static",
		"stats",
		"status",
		"store",
		"support",
		"telemetry",
		"test",
		"time",
		"track",
		"tracking",
		"update",
		"updates",
		"video",
		"vpn",
		"webdisk",
		"webmail",
		"whm",
		"wpad",
		"www",
		"www1",
		"www2",
	};

	## c2_beacon: how long the rounds of one name are remembered.
	option beacon_window = 1hr;

	## c2_beacon: rounds within :zeek:see:`DNSGuard::beacon_window`.
	option beacon_min_rounds = 4;

	## c2_beacon: queries of a name less than this apart are one round (a
	## resolver's retries).
	option beacon_round_gap = 30sec;

	## c2_beacon: shortest leftmost label that counts (letters and digits
	## only, at least two of each).
	option beacon_min_label_length = 8;

	## data_answers: distinct A answers whose four bytes are all printable
	## ASCII (no space) a host must get for random-label names (below
	## any registered domains that are not ignored) before they name its
	## channel Saitama.
	option data_answers_min = 4;

	## Sample names quoted in the evidence.
	option channel_samples = 3;

	## Most names (and leftmost labels) the manager keeps per host in a
	## window: a bound on memory for a host that sends data without end
	## (a resolver forwarding for many clients looks like one host).
	option channel_max_names = 10000;

	## Internal, worker -> manager: a data-carrying name.
	global worker_channel_name: event(h: addr, uid: string, ts: time, name: string,
	    rd: string, qtype: count, encoding: string, tag: string);

	## Internal, worker -> manager: an unanswered name for c2_rotation.
	global worker_rotation_name: event(h: addr, uid: string, ts: time,
	    name: string, label: string, rd: string);

	## Internal, worker -> manager: a random-label name for c2_beacon;
	## *answered* if it got an address, *printable* if that address reads
	## as ASCII.
	global worker_beacon_name: event(h: addr, uid: string, ts: time, name: string,
	    rd: string, answered: bool, printable: string);
}

# -- Lexical tests (every node) ------------------------------------------

# Patterns rebuilt from the options (channel_patterns_for).
#
# channel_gate: a name that can hold an encoded label: a byte outside
# [a-z0-9_.-], or a run of channel_min_encoded_length letters/digits in a
# label with two more labels after it (a long registered label, such as
# ``averyveryverylongname.com``, is not left of its registered domain).
global channel_gate: pattern = /./;
global hex_label: pattern = /^$/;
global nibble_label: pattern = /^$/;
global base32_label: pattern = /^$/;
global base36_label: pattern = /^$/;
# beacon_gate: a leftmost label of letters and digits with two digits in
# it (its length is checked after the gate).
global beacon_gate = /^[a-z0-9]*[0-9][a-z0-9]*[0-9][a-z0-9]*\./;

global raw_byte = /[^a-z0-9_-]/;
global a_digit = /[0-9]/;
global hex_letter = /[a-f]/;
global service_label = /(^|\.)_/;
# DNS block lists and other reversed-IPv4 names.
global reversed_ipv4 = /^[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\./;
global two_letters = /[a-z][^.]*[a-z]/;
global two_dots = /\..*\./;
# dnscat2's packet header: packet id (2 bytes), type (SYN 00, MSG 01,
# FIN 02, ENC 03, PING ff), session id (2 bytes), in hex.
global dnscat2_header = /^[0-9a-f]{4}(0[0-3]|ff)[0-9a-f]{4}/;
# RogueRobin (PowerShell): <id>-<session>-<offset>[-<data>] labels.
global roguerobin_ps_label = /^[0-9]+-[0-9]+-[0-9]+(-|$)/;
# dns2tcp: base64 labels, with + / = in them.
global base64_mark = /[+\/=]/;
# Symbiote: counter.id.hex.x<digits> below the C2 domain.
global symbiote_name = /^[0-9]+\.[0-9]+\.[0-9a-f]+\.x[0-9]+\./;

function channel_patterns_for(min_encoded: count, min_base: count)
	{
	local k = min_encoded < min_base ? min_encoded : min_base;
	if ( k == 0 )
		k = 1;
	channel_gate = string_to_pattern(fmt(
	    "[^a-z0-9_.-]|[a-z0-9]{%d}[^.]*\\.[^.]*\\.", k), F);
	hex_label = string_to_pattern(fmt("^[0-9a-f]{%d,}$", min_encoded), F);
	nibble_label = string_to_pattern(fmt("^[a-p]{%d,}$", min_encoded), F);
	base32_label = string_to_pattern(fmt("^[a-z2-7]{%d,}$", min_base), F);
	base36_label = string_to_pattern(fmt("^[a-z0-9]{%d,}$", min_base), F);
	}

function channel_option_changed(id: string, new_value: count): count
	{
	local e = channel_min_encoded_length;
	local b = channel_min_base_length;
	if ( id == "DNSGuard::channel_min_encoded_length" )
		e = new_value;
	else
		b = new_value;
	channel_patterns_for(e, b);
	return new_value;
	}

event zeek_init() &priority=10
	{
	channel_patterns_for(channel_min_encoded_length, channel_min_base_length);
	Option::set_change_handler("DNSGuard::channel_min_encoded_length",
	    channel_option_changed);
	Option::set_change_handler("DNSGuard::channel_min_base_length",
	    channel_option_changed);
	}

function digits_in(s: string): count
	{
	return |gsub(s, /[^0-9]/, "")|;
	}

# The encoding of *label*, or "" when it reads as a word or host name:
# raw, hex, nibble_letters, base32, base36 (detections.yaml order).
function label_encoding(label: string): string
	{
	if ( raw_byte in label )
		return "raw";

	local n = |label|;
	if ( n < channel_min_encoded_length && n < channel_min_base_length )
		return "";

	if ( hex_label in label && a_digit in label && hex_letter in label )
		return "hex";

	if ( nibble_label in label )
		return "nibble_letters";

	if ( n < channel_min_base_length )
		return "";

	if ( base32_label in label
	    && digits_in(label) >= channel_base32_min_digits
	    && find_entropy(label)$entropy >= channel_base32_min_entropy )
		return "base32";

	if ( base36_label in label
	    && digits_in(label) >= channel_base36_min_digits
	    && find_entropy(label)$entropy >= channel_base36_min_entropy )
		return "base36";

	return "";
	}

# The encoding of the first encoded label of *lead* (the labels left of the
# registered domain), or "".
function name_encoding(lead: string): string
	{
	for ( i, label in split_string(lead, /\./) )
		{
		local e = label_encoding(label);
		if ( |e| > 0 )
			return e;
		}
	return "";
	}

function data_qtype(qtype: count): bool
	{
	return qtype in channel_data_qtypes || qtype > channel_unassigned_qtypes_over;
	}

# The four bytes of an IPv4 answer all printable ASCII (not space).
function printable_v4(a: string): bool
	{
	if ( ! is_valid_ip(a) || ! is_v4_addr(to_addr(a)) )
		return F;
	for ( i, b in split_string(a, /\./) )
		{
		local v = to_count(b);
		if ( v < 33 || v > 126 )
			return F;
		}
	return T;
	}

# -- Manager state ----------------------------------------------------------

type ChannelHost: record {
	## Names in the window -> their registered domain.
	names: table[string] of string;
	## Arrival queue of those names (head..tail-1) and their times.
	order: table[count] of string;
	times: table[count] of time;
	head: count &default=0;
	tail: count &default=0;
	## Names in the window per registered domain.
	per_domain: table[string] of count;
	## Names of the domains with channel_min_per_domain or more.
	counted: count &default=0;
	## Tool tags and encodings seen, with their number of names.
	tags: table[string] of count;
	encodings: table[string] of count;
	qtypes: set[count];
	samples: vector of string;
	last_uid: string &default="";
	fired: time &optional;
};

# The records and sets below are changed in place, which is no write to
# their table: they expire when not read (looked up) for a window.
global channel_hosts: table[addr] of ChannelHost &read_expire=channel_window;

# Distinct printable-ASCII A answers a host got for random-label names,
# and the registered domains they came from.
global data_answers: table[addr] of set[string] &read_expire=beacon_window;
global data_answer_domains: table[addr] of set[string]
    &read_expire=beacon_window;
global data_answer_hosts: table[addr] of string &write_expire=beacon_window;

# Rows of unanswered queries reach DNS::log_dns when their connection
# times out, not in the order they were sent, so the rounds are worked out
# from the sorted query times each time.
type Beacon: record {
	## Query times (seconds), at most beacon_max_queries.
	times: vector of double;
	answered: bool &default=F;
	fired: bool &default=F;
};

# Query times kept per name: 5 retries per round for 4 rounds fit many
# times over.
global beacon_max_queries = 200;

# Start times of the rounds in *times* (sorted) that lie within the window
# before the last of them.
function beacon_rounds(times: vector of double): vector of double
	{
	local starts: vector of double = vector();
	local gap = interval_to_double(beacon_round_gap);
	for ( i, t in times )
		if ( i == 0 || t - times[i - 1] >= gap )
			starts += t;

	local last = times[|times| - 1];
	local window = interval_to_double(beacon_window);
	local kept: vector of double = vector();
	for ( j, r in starts )
		if ( last - r <= window )
			kept += r;
	return kept;
	}

global beacons: table[addr, string] of Beacon &read_expire=beacon_window;

global rotation_first: table[addr, string] of string
    &create_expire=rotation_window;
global rotation_labels: table[addr, string] of set[string]
    &create_expire=rotation_window;
global rotation_fired: set[addr, string] &create_expire=rotation_window;

function min_per_domain(): count
	{
	return channel_min_per_domain == 0 ? 1 : channel_min_per_domain;
	}

function domain_add(s: ChannelHost, rd: string)
	{
	local n = rd in s$per_domain ? s$per_domain[rd] + 1 : 1;
	local m = min_per_domain();
	s$per_domain[rd] = n;
	if ( n == m )
		s$counted += n;
	else if ( n > m )
		++s$counted;
	}

function domain_drop(s: ChannelHost, rd: string)
	{
	local n = s$per_domain[rd];
	local m = min_per_domain();
	if ( n == m )
		s$counted -= n;
	else if ( n > m )
		--s$counted;
	if ( n <= 1 )
		delete s$per_domain[rd];
	else
		s$per_domain[rd] = n - 1;
	}

# Drop the names older than the window before *ts*.
function channel_expire(s: ChannelHost, ts: time)
	{
	while ( s$head < s$tail && s$times[s$head] < ts - channel_window )
		{
		local name = s$order[s$head];
		domain_drop(s, s$names[name]);
		delete s$names[name];
		delete s$order[s$head];
		delete s$times[s$head];
		++s$head;
		}
	}

# Leftmost labels of the host's channel names that were sent below two or
# more registered domains (among its channel names, or unanswered as
# rotation_name saw them): RogueRobin sends each message to several of its
# C2 domains.  Worked out when the notice fires, not for every name.  Only
# inside a data channel does rotation name RogueRobin: on its own (the
# C2_Rotation notice) any client of a domain list rotates, DGAs included.
function rotated_labels(h: addr, s: ChannelHost): count
	{
	local label_domains: table[string] of set[string] = table();
	local rotated: set[string] = set();
	for ( name, rd in s$names )
		{
		local label = split_string1(name, /\./)[0];
		if ( |label| < rotation_min_label_length )
			next;
		if ( [h, label] in rotation_labels && |rotation_labels[h, label]| >= 2 )
			add rotated[label];
		if ( label !in label_domains )
			label_domains[label] = set();
		local ds = label_domains[label];
		add ds[rd];
		if ( |ds| >= 2 )
			add rotated[label];
		}
	return |rotated|;
	}

# The tool behind a host's channel, how sure and why, as [family,
# confidence, why].
function channel_tool(h: addr, s: ChannelHost): string_vec
	{
	local best = "";
	local best_n = 0;
	for ( tag, n in s$tags )
		if ( n > best_n || ( n == best_n && tag < best ) )
			{
			best = tag;
			best_n = n;
			}

	if ( best_n >= min_per_domain() )
		{
		if ( best == "symbiote" )
			return vector("Symbiote", "high", fmt("%d names counter.id.hex.x<digits>",
			    best_n));
		if ( best == "iodine" )
			return vector("iodine", "high", fmt(
			    "%d names asked with NULL or private-use query types",
			    best_n));
		if ( best == "roguerobin_ps" )
			return vector("RogueRobin", "high", fmt(
			    "%d names with <id>-<session>-<offset>-<data> labels",
			    best_n));
		if ( best == "nibble_letters" )
			return vector("RogueRobin", "medium", fmt(
			    "%d names with letter-pair (a-p) labels", best_n));
		if ( /^dnscat2:/ in best )
			return vector("dnscat2", "high", fmt("%d hex names carry a dnscat2 header with session id %s",
			    best_n, best[8:]));
		if ( best == "dns2tcp" )
			return vector("dns2tcp", "low", fmt("%d names with base64 labels (+ / =)",
			    best_n));
		}

	local rotated = rotated_labels(h, s);
	if ( rotated >= min_per_domain() )
		return vector("RogueRobin", "medium", fmt(
		    "%d labels each sent below 2+ of its domains", rotated));

	if ( h in data_answer_hosts )
		return vector("Saitama", "medium", data_answer_hosts[h]);

	return vector("DNS tunnel", "-", "no tool structure recognised");
	}

# *v* sorted and joined with commas (sets iterate in a different order in
# every run).
function sorted_join(v: vector of string): string
	{
	sort(v, strcmp);
	return join_string_vec(v, ",");
	}

function channel_fire(h: addr, s: ChannelHost, ts: time)
	{
	s$fired = ts;

	local tool = channel_tool(h, s);
	local encs: vector of string = vector();
	for ( e, n in s$encodings )
		encs += fmt("%s:%d", e, n);
	local qtypes: vector of count = vector();
	for ( q in s$qtypes )
		qtypes += q;
	sort(qtypes);
	local qts: vector of string = vector();
	for ( i, q2 in qtypes )
		qts += cat(q2);
	local domains: vector of string = vector();
	for ( d, n in s$per_domain )
		if ( n >= min_per_domain() )
			domains += d;

	local f = Finding($note=DNS_Channel, $detection="dns_channel",
	    $what="DNS channel (data in names)", $host=h, $threat="c2",
	    $family=tool[0]);
	f$name = sorted_join(domains);
	f$uid = s$last_uid;
	f$score = ( s$counted + 0.0 ) / channel_min_names;
	f$evidence = fmt("tool=%s confidence=%s (%s); %d distinct data-carrying names below %d domains in %s; encodings %s; data qtypes %s; e.g. %s",
	    tool[0], tool[1], tool[2], s$counted, |domains|, channel_window,
	    |encs| > 0 ? sorted_join(encs) : "-", |qts| > 0 ? join_string_vec(qts,
	    ",") : "-", join_string_vec(s$samples, ","));
	f$identifier = cat(h);
	report(f);
	}

# Count a data-carrying *name* (registered domain *rd*) of *h* in the
# host's window (second stage, see channel_name).
function channel_count(h: addr, uid: string, ts: time, name: string, rd: string,
    qtype: count, encoding: string, tag: string)
	{
	if ( h !in channel_hosts )
		channel_hosts[h] = ChannelHost($names=table(), $order=table(), $times=table(),
		    $per_domain=table(), $tags=table(), $encodings=table(),
		    $qtypes=set(), $samples=vector());

	local s = channel_hosts[h];
	channel_expire(s, ts);

	# Never-repeated names only: a name asked again adds nothing.
	if ( name in s$names || |s$names| >= channel_max_names )
		return;

	s$names[name] = rd;
	s$order[s$tail] = name;
	s$times[s$tail] = ts;
	++s$tail;
	domain_add(s, rd);

	if ( |encoding| > 0 )
		s$encodings[encoding] = ( encoding in s$encodings ? s$encodings[encoding] : 0 ) + 1;
	if ( data_qtype(qtype) )
		add s$qtypes[qtype];
	if ( |tag| > 0 )
		s$tags[tag] = ( tag in s$tags ? s$tags[tag] : 0 ) + 1;
	if ( |s$samples| < channel_samples )
		s$samples += name;
	s$last_uid = uid;

	if ( s$counted < channel_min_names )
		return;

	if ( s?$fired && ts - s$fired < channel_window )
		return;

	channel_fire(h, s, ts);
	}

# A name waiting in the first stage (channel_name).
type PendingName: record {
	uid: string;
	ts: time;
	name: string;
	qtype: count;
	encoding: string;
	tag: string;
};

# First stage: a host's names below one registered domain until there are
# channel_min_per_domain of them.  Most (host, domain) pairs never get
# there (a TXT look-up, an odd hashed name), and a domain with fewer names
# does not count anyway; so the host's state is only built, and the held
# names counted in their order, once a domain has that many.  The stage
# lasts channel_window from the domain's first name.
global channel_pending: table[addr, string] of vector of PendingName
    &create_expire=channel_window;

# A data-carrying *name* (registered domain *rd*) asked by *h*.
function channel_name(h: addr, uid: string, ts: time, name: string, rd: string,
    qtype: count, encoding: string, tag: string)
	{
	if ( h in channel_hosts && rd in channel_hosts[h]$per_domain )
		{
		channel_count(h, uid, ts, name, rd, qtype, encoding, tag);
		return;
		}

	local n = PendingName($uid=uid, $ts=ts, $name=name, $qtype=qtype,
	    $encoding=encoding, $tag=tag);

	if ( [h, rd] !in channel_pending )
		{
		if ( min_per_domain() > 1 )
			{
			channel_pending[h, rd] = vector(n);
			return;
			}
		channel_count(h, uid, ts, name, rd, qtype, encoding, tag);
		return;
		}

	local held = channel_pending[h, rd];
	for ( i, p in held )
		if ( p$name == name )
			return;

	held += n;
	if ( |held| < min_per_domain() )
		return;

	delete channel_pending[h, rd];
	for ( j, q in held )
		channel_count(h, q$uid, q$ts, q$name, rd, q$qtype, q$encoding, q$tag);
	}

# An unanswered *name* with leftmost *label* below *rd*, asked by *h*.
function rotation_name(h: addr, uid: string, ts: time, name: string,
    label: string, rd: string)
	{
	# Most labels are seen below one domain only: a string until a
	# second one comes.
	if ( [h, label] !in rotation_first )
		{
		rotation_first[h, label] = rd;
		return;
		}

	local first = rotation_first[h, label];
	if ( first == rd )
		return;

	if ( [h, label] !in rotation_labels )
		rotation_labels[h, label] = set(first);

	local domains = rotation_labels[h, label];
	if ( rd in domains )
		return;

	add domains[rd];
	if ( |domains| < rotation_min_domains || [h, label] in rotation_fired )
		return;

	# Domains count by the name their owner chose (the registered
	# label): ultradns.net, .com, .org and .biz are one provider's name
	# servers, not four C2 domains.
	local owners: set[string] = set();
	for ( d in domains )
		add owners[split_string1(d, /\./)[0]];
	if ( |owners| < rotation_min_domains )
		return;

	add rotation_fired[h, label];

	local names: vector of string = vector();
	for ( d2 in domains )
		names += d2;

	# Rotation alone names no tool: any client with a list of C2 domains
	# rotates (Fosniw's DGA asks app2.winsoft<n>.com for n = 0, 1, 2 ...).
	# RogueRobin's own labels do name it: a letter-pair (a-p) label (.NET)
	# or the PowerShell client's numeric session id.
	local tool = "tool=- confidence=- (one label rotated through its C2 domains: RogueRobin does, so do DGA clients such as Fosniw)";
	if ( /^[a-p]+(-[a-z0-9]+)?$/ in label )
		tool = "tool=RogueRobin confidence=medium (one letter-pair (a-p) label rotated through its C2 domains)";
	else if ( /^[0-9]+$/ in label )
		tool = "tool=RogueRobin confidence=medium (one numeric session id label rotated through its C2 domains)";

	local f = Finding($note=C2_Rotation, $detection="c2_rotation",
	    $what="C2 domain rotation", $host=h, $name=label, $uid=uid,
	    $threat="c2");
	if ( /^tool=RogueRobin/ in tool )
		f$family = "RogueRobin";
	f$score = ( |owners| + 0.0 ) / rotation_min_domains;
	f$evidence = fmt("%s; label %s asked below %d registered domains (%d names) without an address back: %s",
	    tool, label, |domains|, |owners|, sorted_join(names));
	f$identifier = cat(h, "/", label);
	report(f);
	}

# A random-label *name* below *rd* asked by *h*, answered with an address
# or not.
function beacon_name(h: addr, uid: string, ts: time, name: string, rd: string,
    answered: bool, printable: string)
	{
	if ( |printable| > 0 )
		{
		if ( h !in data_answers )
			{
			data_answers[h] = set();
			data_answer_domains[h] = set();
			}
		local answers = data_answers[h];
		local from = data_answer_domains[h];
		add answers[printable];
		add from[rd];
		if ( |answers| >= data_answers_min && h !in data_answer_hosts )
			{
			local domains: vector of string = vector();
			for ( d in from )
				domains += d;
			data_answer_hosts[h] = fmt("%d printable-ASCII A answers for random-label names below %s",
			    |answers|, sorted_join(domains));
			}
		}

	if ( [h, name] !in beacons )
		{
		if ( answered )
			return;
		beacons[h, name] = Beacon($times=vector(time_to_double(ts)));
		return;
		}

	local b = beacons[h, name];
	if ( answered )
		{
		b$answered = T;
		return;
		}

	if ( b$answered || b$fired || |b$times| >= beacon_max_queries )
		return;

	b$times += time_to_double(ts);
	sort(b$times);
	local rounds = beacon_rounds(b$times);
	if ( |rounds| < beacon_min_rounds )
		return;

	b$fired = T;

	local gaps: vector of string = vector();
	local k = 1;
	while ( k < |rounds| )
		{
		gaps += fmt("%.0f", rounds[k] - rounds[k - 1]);
		++k;
		}

	local f = Finding($note=C2_Beacon, $detection="c2_beacon",
	    $what="C2 beacon (one random name polled)", $host=h, $name=name,
	    $uid=uid, $threat="c2", $family="Saitama");
	f$score = ( |rounds| + 0.0 ) / beacon_min_rounds;
	f$evidence = fmt("tool=Saitama confidence=low (random base36 name polled in rounds, never answered with an address); %d rounds of %s within %s, seconds between rounds: %s",
	    |rounds|, name, beacon_window, join_string_vec(gaps, ","));
	f$identifier = cat(h, "/", name);
	report(f);
	}

# -- Workers -> manager --------------------------------------------------

event worker_channel_name(h: addr, uid: string, ts: time, name: string,
    rd: string, qtype: count, encoding: string, tag: string)
	{
	channel_name(h, uid, ts, name, rd, qtype, encoding, tag);
	}

event worker_rotation_name(h: addr, uid: string, ts: time, name: string,
    label: string, rd: string)
	{
	rotation_name(h, uid, ts, name, label, rd);
	}

event worker_beacon_name(h: addr, uid: string, ts: time, name: string,
    rd: string, answered: bool, printable: string)
	{
	beacon_name(h, uid, ts, name, rd, answered, printable);
	}

function send_channel_name(h: addr, uid: string, ts: time, name: string,
    rd: string, qtype: count, encoding: string, tag: string)
	{
	if ( manager_node )
		{
		channel_name(h, uid, ts, name, rd, qtype, encoding, tag);
		return;
		}

@if ( Version::at_least("7.1") )
	Cluster::publish(Cluster::manager_topic, worker_channel_name, h, uid, ts, name, rd,
	    qtype, encoding, tag);
@else
	Broker::publish(Cluster::manager_topic, worker_channel_name, h, uid, ts, name, rd,
	    qtype, encoding, tag);
@endif
	}

function send_rotation_name(h: addr, uid: string, ts: time, name: string,
    label: string, rd: string)
	{
	if ( manager_node )
		{
		rotation_name(h, uid, ts, name, label, rd);
		return;
		}

@if ( Version::at_least("7.1") )
	Cluster::publish(Cluster::manager_topic, worker_rotation_name, h, uid, ts,
	    name, label, rd);
@else
	Broker::publish(Cluster::manager_topic, worker_rotation_name, h, uid, ts, name,
	    label, rd);
@endif
	}

# Worker: (host, name) pairs sent as unanswered beacon names, so that only
# their answers follow.
global beacon_sent: set[addr, string] &create_expire=beacon_window;

function send_beacon_name(h: addr, uid: string, ts: time, name: string,
    rd: string, answered: bool, printable: string)
	{
	if ( manager_node )
		{
		beacon_name(h, uid, ts, name, rd, answered, printable);
		return;
		}

	if ( ! answered )
		add beacon_sent[h, name];
	else if ( |printable| == 0 && [h, name] !in beacon_sent )
		return;

@if ( Version::at_least("7.1") )
	Cluster::publish(Cluster::manager_topic, worker_beacon_name, h, uid, ts, name, rd,
	    answered, printable);
@else
	Broker::publish(Cluster::manager_topic, worker_beacon_name, h, uid, ts, name, rd,
	    answered, printable);
@endif
	}

# -- The dns.log row -------------------------------------------------------

# Bare registered domains (SPF, MX look-ups), popular domains (popular.zeek),
# ignored domains and suffixes, reversed-IPv4 (DNS block list) names never count.
function channel_ignored(query: string, rd: string): bool
	{
	return query == rd
	    || rd in shipped_popular
	    || rd in popular_domains
	    || rd in channel_ignore_domains
	    || rd in tunnel_ignore_domains
	    || ignore_pattern in query
	    || reversed_ipv4 in query;
	}

# A query of *query* (registered domain *rd*) of type *qtype*; the DNS
# request handler (events.zeek) calls this for names channel_gate matches
# and for data query types.  Queries are seen in the order they were sent,
# so a channel's names are counted in that order.
function channel_request(c: connection, query: string, qtype: count, rd: string)
	{
	if ( channel_ignored(query, rd) )
		return;

	local lead = query[: |query| - |rd| - 1];
	local data_q = data_qtype(qtype) && service_label !in lead;
	local encoding = channel_gate in query ? name_encoding(lead) : "";
	if ( |encoding| == 0 && ! data_q )
		return;

	local label = split_string1(lead, /\./)[0];
	local tag = "";
	if ( symbiote_name in query )
		tag = "symbiote";
	else if ( qtype == 10 || qtype >= channel_private_qtypes_from )
		tag = "iodine";
	else if ( encoding == "raw" && base64_mark in lead )
		tag = "dns2tcp";
	else if ( encoding == "hex" && dnscat2_header in label )
		tag = "dnscat2:" + label[6:10];
	else if ( encoding == "nibble_letters" )
		tag = encoding;
	else if ( roguerobin_ps_label in label )
		tag = "roguerobin_ps";

	send_channel_name(c$id$orig_h, c$uid, network_time(), query, rd, qtype,
	    encoding, tag);
	}

# One ``dns.log`` row, for c2_rotation and c2_beacon (which need to know
# whether an address came back); the DNS handler (events.zeek) calls this
# for rows that did not get an address (A, AAAA, HTTPS answers) and rows
# beacon_gate matches: most rows are address look-ups of ordinary names
# that got an address, turned away there by one pattern match.
function channel_reply(rec: DNS::Info, query: string)
	{
	local qtype = rec?$qtype ? rec$qtype : 0;
	# Answers to A, AAAA and HTTPS are addresses.
	local addressed = rec?$answers
	    && ( qtype == 1 || qtype == 28 || qtype == 65 );
	local random_label = beacon_gate in query;

	# An empty NOERROR answer to AAAA or HTTPS is how IPv4-only services
	# answer (a SaaS tenant name asked below several providers): only
	# rows that got no address at all count for rotation.
	local no_v6 = ( qtype == 28 || qtype == 65 ) && rec?$rcode && rec$rcode == 0;
	local rotation = ! addressed && ! no_v6;

	# A name of two labels has nothing left of its registered domain.
	if ( ( ! rotation && ! random_label ) || two_dots !in query )
		return;

	local rd = registered_domain(query);
	if ( channel_ignored(query, rd) )
		return;

	local h = rec$id$orig_h;
	local lead = query[: |query| - |rd| - 1];
	local label = split_string1(lead, /\./)[0];

	if ( rotation
	    && service_label !in lead
	    && |label| >= rotation_min_label_length
	    && label !in rotation_common_labels )
		{
		send_rotation_name(h, rec$uid, rec$ts, query, label, rd);
		}

	if ( random_label
	    && |label| >= beacon_min_label_length
	    && two_letters in label
	    && /^[a-z0-9]+$/ in label
	    && digits_in(label) >= 2 )
		{
		local printable = "";
		if ( addressed && qtype == 1 )
			for ( i, a in rec$answers )
				if ( printable_v4(a) )
					{
					printable = a;
					break;
					}
		send_beacon_name(h, rec$uid, rec$ts, query, rd, addressed, printable);
		}
	}
