##! Lexical pre-filter: pick the names worth sending to the scorer.
##!
##! Scoring every DNS name in Python would not keep up with a busy sensor,
##! and most names are obviously fine.  This filter is cheap and
##! recall-oriented: it looks only at the registered label (the part the
##! attacker chose, see DNSGuard::public_suffixes) and counts four signs
##! of machine-made names.  A name with enough signs, or any name answered
##! NXDOMAIN, becomes a candidate.  Workers deduplicate per name and send
##! batches to the manager, which talks to the scorer (scorer.zeek).

@load ./main
@load ./cluster

module DNSGuard;

export {
	## A registered label at least this long is one sign.
	option prefilter_min_length = 10;

	## A share of digits at least this high is one sign.
	option prefilter_digit_ratio = 0.3;

	## A run of consecutive consonants at least this long is one sign.
	option prefilter_consonant_run = 4;

	## A Shannon entropy (bits per character) at least this high is one
	## sign.
	option prefilter_entropy = 3.2;

	## Signs a name needs to become a candidate.
	option prefilter_min_signs = 2;

	## Every NXDOMAIN name is a candidate, whatever its signs: short-name
	## DGAs such as QSnatch show no lexical sign at all.
	option prefilter_all_nxdomain = T;

	## Registered domains never sent (the Python side has its own
	## allow-list; this keeps obviously busy domains off the wire).
	option prefilter_ignore_domains: set[string] = {
		"google.com",
		"googleapis.com",
		"gstatic.com",
		"microsoft.com",
		"windowsupdate.com",
		"apple.com",
		"icloud.com",
		"amazonaws.com",
		"akamaiedge.net",
		"cloudfront.net",
	};

	## Write selected candidates to dnsguard.log (detection
	## ``candidate``).  Off by default: candidates are not verdicts.
	option log_candidates = F;

	## How long a worker remembers a name it already sent.
	option candidate_cache_interval = 10min;

	## Workers send a batch when it reaches this size ...
	option candidate_batch_size = 50;

	## ... or when this much time has passed.
	option candidate_batch_interval = 1sec;

	## Lexical signs of *label*; the number of signs is ``|result|``.
	global lexical_signs: function(label: string): set[string];

	## Hand a candidate to the manager side (scorer.zeek defines it).
	global enqueue_candidate: function(c: Candidate);
}

# The signs lexical_signs() can report, in evidence order.
global sign_names = vector("length", "digits", "consonants", "entropy");

# Names this node has already selected.
global recent_candidates: set[string] &create_expire=candidate_cache_interval;

# Candidates waiting to go to the manager (workers only).
global worker_batch: vector of Candidate = vector();

# A run of prefilter_consonant_run consonants (not a, e, i, o, u, y, digit
# or hyphen), rebuilt when the option changes.
global consonant_run_pattern: pattern = /^$/;

# Names that can have prefilter_min_signs signs: the DNS handler
# (events.zeek) looks at no other name unless it is NXDOMAIN.  The label
# scored is the registered label, followed by one to max_suffix_labels
# labels (main.zeek).  A label shorter than both prefilter_min_length and 9
# characters (entropy is only measured above 8) can only show the digit
# and consonant signs, so with two signs needed the registered label is
# that long, or holds a digit and a consonant run.  Rebuilt when the
# options change.
global prefilter_gate: pattern = /./;

function prefilter_gate_of(min_signs: count, min_length: count, run: count,
    suffix_labels: count): pattern
	{
	local k = min_length < 9 ? min_length : 9;
	if ( min_signs <= 1 || k == 0 )
		return /./;

	local cons = fmt("[b-df-hj-np-tv-xz]{%d}", run);
	local label = run == 0 ? fmt("[^.]{%d}|[^.]*[0-9]", k) : fmt(
	    "[^.]{%d}|[^.]*[0-9][^.]*%s|[^.]*%s[^.]*[0-9]", k, cons, cons);

	return string_to_pattern(fmt("(%s)[^.]*(\\.[^.]*){1,%d}$", label,
	    suffix_labels), F);
	}

function rebuild_prefilter_gate(min_signs: count, min_length: count, run: count)
	{
	prefilter_gate = prefilter_gate_of(min_signs, min_length, run,
	    max_suffix_labels);
	}

function prefilter_option_changed(id: string, new_value: count): count
	{
	local min_signs = prefilter_min_signs;
	local min_length = prefilter_min_length;
	local run = prefilter_consonant_run;

	if ( id == "DNSGuard::prefilter_min_signs" )
		min_signs = new_value;
	else if ( id == "DNSGuard::prefilter_min_length" )
		min_length = new_value;
	else
		{
		run = new_value;
		consonant_run_pattern = string_to_pattern(fmt("[b-df-hj-np-tv-xz]{%d}",
		    new_value), F);
		}

	rebuild_prefilter_gate(min_signs, min_length, run);
	return new_value;
	}

# After main.zeek's handler (priority 0) has worked out max_suffix_labels.
function prefilter_suffixes_changed(id: string, new_value: set[string]): set[
    string]
	{
	rebuild_prefilter_gate(prefilter_min_signs, prefilter_min_length,
	    prefilter_consonant_run);
	return new_value;
	}

event zeek_init() &priority=5
	{
	# After main.zeek's zeek_init (priority 10) set max_suffix_labels.
	prefilter_option_changed("DNSGuard::prefilter_consonant_run",
	    prefilter_consonant_run);
	Option::set_change_handler("DNSGuard::prefilter_consonant_run",
	    prefilter_option_changed);
	Option::set_change_handler("DNSGuard::prefilter_min_signs",
	    prefilter_option_changed);
	Option::set_change_handler("DNSGuard::prefilter_min_length",
	    prefilter_option_changed);
	Option::set_change_handler("DNSGuard::public_suffixes",
	    prefilter_suffixes_changed, -10);
	}

function lexical_signs(label: string): set[string]
	{
	local signs: set[string] = set();
	local n = |label|;

	if ( n == 0 )
		return signs;

	if ( n >= prefilter_min_length )
		add signs["length"];

	if ( /[0-9]/ in label
	    && ( |gsub(label, /[^0-9]/, "")| + 0.0 ) / n >= prefilter_digit_ratio )
		add signs["digits"];

	if ( consonant_run_pattern in label )
		add signs["consonants"];

	# n characters carry at most log2(n) bits each: short labels cannot
	# reach the threshold.
	if ( n > 8 && find_entropy(label)$entropy >= prefilter_entropy )
		add signs["entropy"];

	return signs;
	}

# |lexical_signs(label)| >= *need*, without building the set: the cheap
# signs first, stopping as soon as the answer is known.
function has_signs(label: string, need: count): bool
	{
	local n = |label|;
	if ( n == 0 )
		return need == 0;

	local k = n >= prefilter_min_length ? 1 : 0;

	if ( consonant_run_pattern in label )
		++k;

	if ( k >= need )
		return T;

	# The entropy sign needs more than 8 characters.
	local left = n > 8 ? 2 : 1;
	if ( k + left < need )
		return F;

	if ( /[0-9]/ in label
	    && ( |gsub(label, /[^0-9]/, "")| + 0.0 ) / n >= prefilter_digit_ratio )
		++k;

	if ( k >= need )
		return T;

	if ( n <= 8 || k + 1 < need )
		return F;

	return find_entropy(label)$entropy >= prefilter_entropy;
	}

event flush_worker_batch()
	{
	if ( |worker_batch| > 0 )
		{
		send_to_manager_candidates(worker_batch);
		worker_batch = vector();
		}

	if ( ! zeek_is_terminating() )
		schedule candidate_batch_interval { flush_worker_batch() };
	}

event zeek_init()
	{
	if ( ! is_manager() )
		schedule candidate_batch_interval { flush_worker_batch() };
	}

# An answered query (*nx*: NXDOMAIN) not selected recently that is
# NXDOMAIN or matches prefilter_gate; called by the DNS handler
# (events.zeek).
function prefilter_reply(rec: DNS::Info, nx: bool)
	{
	local query = rec$query;
	if ( is_ignored(query) )
		return;

	local rd = registered_domain(query);
	if ( rd in prefilter_ignore_domains )
		return;

	local label = split_string1(rd, /\./)[0];

	# Every NXDOMAIN name is a candidate: its signs only matter for the
	# log row.
	if ( ! ( nx && prefilter_all_nxdomain )
	    && ! has_signs(label, prefilter_min_signs) )
		return;

	add recent_candidates[query];

	local c = Candidate($ts=rec$ts, $uid=rec$uid, $orig_h=rec$id$orig_h,
	    $query=query, $qtype=rec?$qtype ? rec$qtype : 0, $rcode=rec$rcode);

	if ( log_candidates )
		{
		local signs = lexical_signs(label);

		# Fixed order so the evidence reads the same every time.
		local listed: vector of string = vector();
		for ( i in sign_names )
			if ( sign_names[i] in signs )
				listed += sign_names[i];

		local f = Finding($detection="candidate", $what="Scorer candidate",
		    $uid=rec$uid, $host=rec$id$orig_h, $name=query);

		f$score = |signs| / 4.0;
		f$evidence = fmt("label=%s signs=%s rcode=%d", label, |listed| > 0 ?
		    join_string_vec(listed, ",") : "none", rec$rcode);
		report(f);
		}

	if ( manager_node )
		enqueue_candidate(c);
	else
		{
		worker_batch += c;
		if ( |worker_batch| >= candidate_batch_size )
			{
			send_to_manager_candidates(worker_batch);
			worker_batch = vector();
			}
		}
	}
