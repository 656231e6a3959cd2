##! Device tagging: hosts that resolve NAS vendor service names.
##!
##! NAS appliances call home to their vendor for updates, dynamic DNS and
##! relay services.  A host resolving several of those names is very likely
##! a NAS (people browsing the vendor's web site resolve other names), and
##! that matters: QSnatch and DeadBolt infect QNAP boxes, and a DGA burst
##! from a NAS is worth more attention than one from a browser.  The tag
##! travels with every notice about the host and goes to the scorer.

@load ./main
@load ./cluster

module DNSGuard;

export {
	## Service names NAS appliances resolve by themselves (updates, time
	## and IP checks, relay and cloud registration) -> device type.  A key
	## starting with a dot stands for every name below it.  People who
	## browse a vendor's web site (``www``, ``kb``, ``community``, the
	## download centre) do not resolve these, and neither do people who
	## reach a NAS through its dynamic-DNS name (``*.synology.me``,
	## ``*.myqnapcloud.com`` hosts are resolved by visitors too, so only
	## the vendor's API names below them are listed).
	option nas_service_names: table[string] of string = {
		["update.qnap.com"] = "nas-qnap",
		["download.qnap.com"] = "nas-qnap",
		["qtsnews.qnap.com"] = "nas-qnap",
		["api.qnap.com"] = "nas-qnap",
		["update.qnap.com.cn"] = "nas-qnap",
		["api.myqnapcloud.com"] = "nas-qnap",
		["core.api.myqnapcloud.com"] = "nas-qnap",
		["checkip.synology.com"] = "nas-synology",
		["update.synology.com"] = "nas-synology",
		["update7.synology.com"] = "nas-synology",
		["autoupdate.synology.com"] = "nas-synology",
		["pkgupdate.synology.com"] = "nas-synology",
		["pkgupdate7.synology.com"] = "nas-synology",
		["dataupdate.synology.com"] = "nas-synology",
		["dataupdate7.synology.com"] = "nas-synology",
		["synoconf.synology.com"] = "nas-synology",
		["ddns.synology.com"] = "nas-synology",
		["global.download.synology.com"] = "nas-synology",
		["global.quickconnect.to"] = "nas-synology",
		[".wd2go.com"] = "nas-wd",
		["update.asustor.com"] = "nas-asustor",
		["download.asustor.com"] = "nas-asustor",
		["update.terra-master.com"] = "nas-terramaster",
	};

	## Distinct service names of one vendor a host must resolve (within
	## :zeek:see:`DNSGuard::device_tag_expire`) before it is tagged: one
	## name could be a person downloading firmware by hand.
	option nas_min_service_names = 2;

	## Also raise a ``Device_Tagged`` notice when a host is tagged (the
	## tag is always written to dnsguard.log and carried by every later
	## notice about the host).  Off by default: a NAS is not an incident.
	option notice_device_tags = F;

	## Raised on the manager (or standalone node) when a host is first
	## tagged, or re-tagged with another device type.
	global host_tagged: event(h: addr, device: string, evidence: string);
}

# The manager's view; host_devices (main.zeek) is the copy every node has.
global manager_tags: table[addr] of string &create_expire=device_tag_expire;

# Manager: the distinct service names each host resolved, per device type.
global service_names_seen: table[addr, string] of set[string]
    &create_expire=device_tag_expire;

# Worker: sightings already sent to the manager.
global sightings_sent: set[addr, string] &create_expire=device_tag_expire;

# One pattern over the table's keys, rebuilt when it changes: most
# queries are turned away by one match.
global service_pattern: pattern = /^$/;

function service_pattern_of(names: table[string] of string): pattern
	{
	local alts: vector of string = vector();
	for ( n, _ in names )
		{
		if ( /^\.?[a-z0-9.-]+$/ != n )
			next;
		local escaped = gsub(n, /\./, "\\.");
		# ".suffix": any name below it; else the exact name.
		alts += n[0] == "." ? cat("[^.]+(\\.[^.]+)*", escaped) : escaped;
		}

	if ( |alts| == 0 )
		return /^$/;

	return string_to_pattern(fmt("^(%s)$", join_string_vec(alts, "|")), F);
	}

function service_names_changed(id: string, new_value: table[string] of string)
    : table[string] of string
	{
	service_pattern = service_pattern_of(new_value);
	return new_value;
	}

event zeek_init()
	{
	service_pattern = service_pattern_of(nas_service_names);
	Option::set_change_handler("DNSGuard::nas_service_names",
	    service_names_changed);
	}

function nas_device_for(query: string): string
	{
	if ( service_pattern !in query )
		return "";

	if ( query in nas_service_names )
		return nas_service_names[query];

	# Below a ".suffix" key: the longest one wins.
	local labels = split_string(query, /\./);
	local i = 1;
	while ( i < |labels| - 1 )
		{
		local suffix = cat(".", join_string_vec(labels[i:], "."));
		if ( suffix in nas_service_names )
			return nas_service_names[suffix];
		++i;
		}

	return "";
	}

function manager_tag(h: addr, device: string, evidence: string, uid: string)
	{
	if ( [h, device] !in service_names_seen )
		service_names_seen[h, device] = set();
	add service_names_seen[h, device][evidence];

	local names = service_names_seen[h, device];
	if ( |names| < nas_min_service_names )
		return;

	if ( h in manager_tags && manager_tags[h] == device )
		return;

	manager_tags[h] = device;
	host_devices[h] = device;
	broadcast_host_tag(h, device);

	local listed: vector of string = vector();
	for ( n in names )
		listed += n;
	sort(listed, strcmp);
	local evidence_names = join_string_vec(listed, ",");

	local f = Finding($detection="device_tag", $host=h, $name=evidence, $what=fmt(
	    "Host tagged as %s", device));

	if ( notice_device_tags )
		f$note = Device_Tagged;

	f$evidence = fmt("resolved %s", evidence_names);
	f$identifier = cat(h, "/", device);
	if ( |uid| > 0 )
		f$uid = uid;
	report(f);

	event host_tagged(h, device, evidence_names);
	}

event worker_host_tag(h: addr, device: string, evidence: string, uid: string)
	{
	manager_tag(h, device, evidence, uid);
	}

# A host resolved *query*; the DNS handler (events.zeek) calls this for
# names service_pattern matches.
function device_request(c: connection, query: string)
	{
	local device = nas_device_for(query);
	if ( |device| == 0 )
		return;

	local h = c$id$orig_h;

	if ( is_manager() )
		manager_tag(h, device, query, c$uid);
	else if ( [h, query] !in sightings_sent )
		{
		add sightings_sent[h, query];
		send_to_manager_host_tag(h, device, query, c$uid);
		}
	}
