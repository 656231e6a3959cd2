# @TEST-DOC: C2_Beacon: one random name polled in rounds minutes apart and never answered (Saitama's handshake against an offline C2 from the Domainator recordings, and a synthetic client) is a beacon; the same rounds answered with an address, and one burst of retries, are not.
#
# @TEST-EXEC: cp $FILES/c2-beacon/spec.json .
# @TEST-EXEC: $PYTHON $PCAPGEN spec.json trace.pcap
# @TEST-EXEC: zeek -b -C -r trace.pcap $PACKAGE %INPUT >output 2>&1
# @TEST-EXEC: zeek-cut note src < notice.log | sort >notices
# @TEST-EXEC: zeek-cut detection host name family < dnsguard.log >dnsguard
# @TEST-EXEC: zeek-cut evidence < dnsguard.log | grep -q 'seconds between rounds: 360,360,360'
# @TEST-EXEC: zeek -b -C -r $DNSGUARD_ROOT/tests/data/domainator/saitama_handshake-offline_240223.pcapng $PACKAGE %INPUT >>output 2>&1
# @TEST-EXEC: zeek-cut note src < notice.log | sort >>notices
# @TEST-EXEC: zeek-cut detection host name family < dnsguard.log >>dnsguard
# @TEST-EXEC: btest-diff notices
# @TEST-EXEC: btest-diff dnsguard
# @TEST-EXEC: test ! -s output

redef DNSGuard::scorer_link = F;
