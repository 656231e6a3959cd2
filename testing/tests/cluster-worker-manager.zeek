# @TEST-DOC: In a cluster the worker observes and the manager decides: the worker's device tag and its batch of scorer candidates reach the manager, which logs the tag and raises Device_Tagged.
#
# @TEST-PORT: BROKER_PORT1
#
# @TEST-EXEC: $PYTHON $PCAPGEN spec.json trace.pcap
# @TEST-EXEC: btest-bg-run manager "ZEEKPATH=$(zeek-config --zeekpath):.. CLUSTER_NODE=manager zeek -b $PACKAGE ../manager.zeek >out"
# @TEST-EXEC: btest-bg-run worker-1 "ZEEKPATH=$(zeek-config --zeekpath):.. CLUSTER_NODE=worker-1 zeek -b -C -r ../trace.pcap $PACKAGE ../worker.zeek >out"
# @TEST-EXEC: btest-bg-wait 60
# @TEST-EXEC: btest-diff manager/out
# @TEST-EXEC: zeek-cut detection host device < manager/dnsguard.log | grep device_tag >tags
# @TEST-EXEC: btest-diff tags
# @TEST-EXEC: zeek-cut note src msg < manager/notice.log | grep Device_Tagged | grep -q 'device=nas-qnap'

@TEST-START-FILE spec.json
[
  {"ts": 1700000000.0, "client": "10.0.0.61", "qname": "update.qnap.com", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "192.0.2.61", "ttl": 300}]},
  {"ts": 1700000001.0, "client": "10.0.0.60", "qname": "xkqzvbtrwplmnhg.com", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "192.0.2.60", "ttl": 300}]},
  {"ts": 1700000002.0, "client": "10.0.0.62", "qname": "wikipedia.org", "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "192.0.2.62", "ttl": 300}]}
]
@TEST-END-FILE

@TEST-START-FILE cluster-layout.zeek
redef Cluster::nodes = {
	["manager"] = [$node_type=Cluster::MANAGER, $ip=127.0.0.1, $p=to_port(getenv("BROKER_PORT1"))],
	["worker-1"] = [$node_type=Cluster::WORKER, $ip=127.0.0.1, $manager="manager"],
};
@TEST-END-FILE

@TEST-START-FILE common.zeek
redef exit_only_after_terminate = T;
redef Log::default_rotation_interval = 0secs;
# No scorer in this test: the manager must not open the WebSocket port.
redef DNSGuard::scorer_link = F;
@TEST-END-FILE

@TEST-START-FILE manager.zeek
@load ./common

# The manager is also the logger here: write the logs into its directory.
redef Log::enable_local_logging = T;

global got_batch = F;
global got_tag = F;

function maybe_done()
	{
	if ( got_batch && got_tag )
		terminate();
	}

event DNSGuard::worker_host_tag(h: addr, device: string, evidence: string,
    uid: string) &priority=-10
	{
	print "tag from worker", h, device, evidence;
	got_tag = T;
	maybe_done();
	}

event DNSGuard::worker_candidates(batch: vector of DNSGuard::Candidate) &priority=-10
	{
	for ( i in batch )
		print "candidate from worker", batch[i]$query, batch[i]$orig_h;
	got_batch = T;
	maybe_done();
	}
@TEST-END-FILE

@TEST-START-FILE worker.zeek
@load ./common

# Hold the trace until the manager is connected.
event zeek_init()
	{
	suspend_processing();
	}

event Cluster::node_up(name: string, id: string)
	{
	if ( name == "manager" )
		continue_processing();
	}

event Cluster::node_down(name: string, id: string)
	{
	terminate();
	}
@TEST-END-FILE
