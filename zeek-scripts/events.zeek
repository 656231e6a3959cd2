##! The package's DNS event handlers: one for requests, one for answered
##! (logged) queries.
##!
##! Each handler reads the event's fields once and calls a detection's
##! function only for the names that can matter to it, so the common query
##! (an address look-up of an ordinary name) costs a few pattern matches
##! and set look-ups.  The detections themselves live in their own files.

@load ./main
@load ./intel
@load ./nxdomain
@load ./tunnel
@load ./fastflux
@load ./devices
@load ./prefilter
@load ./scorer
@load ./channel

module DNSGuard;

event dns_request(c: connection, msg: dns_msg, query: string, qtype: count,
    qclass: count)
	{
	if ( |query| == 0 )
		return;

	local rd = registered_domain(query);

	if ( intel_check_all || rd in intel_domains )
		intel_request(c, query);

	# TXT (16) and NULL (10) queries, long first or any long labels.
	if ( qtype == 16 || qtype == 10 || tunnel_pattern in query )
		tunnel_request(c, query, qtype, rd);

	# Names that can hold an encoded label, and data query types (A, AAAA
	# and HTTPS, most queries, are turned away by one comparison).
	if ( channel_gate in query
	    || ( qtype != 1 && qtype != 28 && qtype != 65 && ( qtype in channel_data_qtypes || qtype > channel_unassigned_qtypes_over ) ) )
		channel_request(c, query, qtype, rd);

	if ( service_pattern in query )
		device_request(c, query);
	}

event DNS::log_dns(rec: DNS::Info)
	{
	if ( ! rec?$query )
		return;

	local query = rec$query;
	local nx = rec?$rcode && rec$rcode == 3;

	if ( nx && rec?$qtype && rec$qtype in nxdomain_qtypes )
		nxdomain_reply(rec$id$orig_h, query);

	if ( rec?$answers )
		{
		if ( |rec$answers| >= flux_min_records )
			flux_reply(rec);

		# Answers that are not addresses, and random leftmost labels
		# (a beacon that got an address is no beacon).
		if ( beacon_gate in query
		    || ! rec?$qtype
		    || ( rec$qtype != 1 && rec$qtype != 28 && rec$qtype != 65 ) )
			channel_reply(rec, query);
		}
	# No address back, except the empty NOERROR answers to AAAA and
	# HTTPS that IPv4-only names get (see channel_reply).
	else if ( beacon_gate in query
	    || ! rec?$rcode
	    || rec$rcode != 0
	    || ! rec?$qtype
	    || ( rec$qtype != 28 && rec$qtype != 65 ) )
		channel_reply(rec, query);

	# No answer, no rcode: the scorer is sent answered names only.  A
	# manager (or standalone node) without an open scorer link and
	# without candidate logging has no use for candidates.
	if ( rec?$rcode
	    && ( link_open || log_candidates || ! manager_node )
	    && ( ( nx && prefilter_all_nxdomain ) || prefilter_gate in query )
	    && query !in recent_candidates )
		prefilter_reply(rec, nx);
	}
