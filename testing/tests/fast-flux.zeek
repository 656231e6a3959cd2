# @TEST-DOC: A name answered five times with six A records each (TTL 60, 30 addresses in 30 /16 networks) is fast flux; a CDN-like name rotating two addresses and a name with TTL 3600 are not.
#
# @TEST-EXEC: cp $FILES/fast-flux/spec.json .
# @TEST-EXEC: $PYTHON $PCAPGEN spec.json trace.pcap
# @TEST-EXEC: zeek -b -C -r trace.pcap $PACKAGE %INPUT >output 2>&1
# @TEST-EXEC: zeek-cut note < notice.log | sort >notices
# @TEST-EXEC: btest-diff notices
# @TEST-EXEC: zeek-cut detection name threat < dnsguard.log >dnsguard
# @TEST-EXEC: btest-diff dnsguard
# @TEST-EXEC: zeek-cut note msg < notice.log | grep Fast_Flux | grep -q 'flux-demo.example'

redef DNSGuard::scorer_link = F;
