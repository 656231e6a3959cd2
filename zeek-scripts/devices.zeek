##! Device tagging: hosts that resolve NAS vendor service names.
##!
##! NAS appliances call home to their vendor for updates, dynamic DNS and
##! relay services.  A host resolving those names is very likely a NAS, and
##! that matters: QSnatch and DeadBolt infect QNAP boxes, and a DGA burst
##! from a NAS is worth more attention than one from a browser.  The tag
##! travels with every notice about the host and goes to the scorer.

@load ./main
@load ./cluster

module DNSGuard;

export {
	## Domain (and everything below it) -> device type.  The vendors'
	## corporate sites are included for their update and firmware hosts;
	## ``www.`` names and the bare domain are skipped because people
	## browse those.
	option nas_service_domains: table[string] of string = {
		["myqnapcloud.com"] = "nas-qnap",
		["qnap.com"] = "nas-qnap",
		["qnap.com.cn"] = "nas-qnap",
		["synology.com"] = "nas-synology",
		["synology.me"] = "nas-synology",
		["quickconnect.to"] = "nas-synology",
		["myds.me"] = "nas-synology",
		["diskstation.me"] = "nas-synology",
		["i234.me"] = "nas-synology",
		["mycloud.com"] = "nas-wd",
		["wd2go.com"] = "nas-wd",
		["asustor.com"] = "nas-asustor",
		["myasustor.com"] = "nas-asustor",
		["terra-master.com"] = "nas-terramaster",
		["tnas.online"] = "nas-terramaster",
	};

	## Raised on the manager (or standalone node) when a host is first
	## tagged, or re-tagged with another device type.
	global host_tagged: event(h: addr, device: string, evidence: string);
}

# The manager's view; host_devices (main.zeek) is the copy every node has.
global manager_tags: table[addr] of string &create_expire=device_tag_expire;

function nas_device_for(query: string): string
	{
	local labels = split_string(query, /\./);
	local n = |labels|;

	if ( n < 2 || labels[0] == "www" )
		return "";

	# Proper suffixes only, from the longest: the bare vendor domain is
	# what people type into a browser.
	local i = 1;
	while ( i < n - 1 )
		{
		local suffix = join_string_vec(labels[i:], ".");
		if ( suffix in nas_service_domains )
			return nas_service_domains[suffix];
		++i;
		}

	return "";
	}

function manager_tag(h: addr, device: string, evidence: string, uid: string)
	{
	if ( h in manager_tags && manager_tags[h] == device )
		return;

	manager_tags[h] = device;
	host_devices[h] = device;
	broadcast_host_tag(h, device);

	local f = Finding($note=Device_Tagged, $detection="device_tag", $host=h,
	    $name=evidence, $what=fmt("Host tagged as %s", device));

	f$evidence = fmt("resolved %s", evidence);
	f$identifier = cat(h, "/", device);
	if ( |uid| > 0 )
		f$uid = uid;
	report(f);

	event host_tagged(h, device, evidence);
	}

event worker_host_tag(h: addr, device: string, evidence: string, uid: string)
	{
	manager_tag(h, device, evidence, uid);
	}

event dns_request(c: connection, msg: dns_msg, query: string, qtype: count,
    qclass: count)
	{
	local device = nas_device_for(query);
	if ( |device| == 0 )
		return;

	local h = c$id$orig_h;

	# Already known on this node: nothing to tell anyone.
	if ( h in host_devices && host_devices[h] == device )
		return;

	if ( is_manager() )
		manager_tag(h, device, query, c$uid);
	else
		{
		# Remember locally at once so this worker's own notices carry
		# the tag before the manager's broadcast comes back.
		host_devices[h] = device;
		send_to_manager_host_tag(h, device, query, c$uid);
		}
	}
