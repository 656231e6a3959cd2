# @TEST-DOC: C2_Rotation: one label asked below four registered domains without an answer (RogueRobin .NET's handshake from the Domainator recordings, a synthetic client with RogueRobin PowerShell's numeric id, and a DGA client rotating app2 below five domains as Fosniw does) is a C2 client rotating through its domains; only RogueRobin's own labels (letter pairs a-p, a numeric id) name RogueRobin, the DGA client's family stays unknown; a SaaS tenant name below five providers (addresses for A, empty AAAA), a label below three domains and www below five are not.
#
# @TEST-EXEC: cp $FILES/c2-rotation/spec.json .
# @TEST-EXEC: $PYTHON $PCAPGEN spec.json trace.pcap
# @TEST-EXEC: zeek -b -C -r trace.pcap $PACKAGE %INPUT >output 2>&1
# @TEST-EXEC: zeek-cut note src < notice.log | sort >notices
# @TEST-EXEC: zeek-cut detection host name family < dnsguard.log >dnsguard
# @TEST-EXEC: zeek -b -C -r $DNSGUARD_ROOT/tests/data/domainator/roguerobin-net_handshake_240229.pcapng $PACKAGE %INPUT >>output 2>&1
# @TEST-EXEC: zeek-cut note src < notice.log | sort >>notices
# @TEST-EXEC: zeek-cut detection host name family < dnsguard.log >>dnsguard
# @TEST-EXEC: zeek-cut evidence < dnsguard.log | grep -q 'label bikc asked below 4 registered domains (4 names) without an address back'
# @TEST-EXEC: btest-diff notices
# @TEST-EXEC: btest-diff dnsguard
# @TEST-EXEC: test ! -s output

redef DNSGuard::scorer_link = F;
