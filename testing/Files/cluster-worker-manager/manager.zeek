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
