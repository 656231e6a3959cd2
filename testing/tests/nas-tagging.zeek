# @TEST-DOC: Hosts resolving two NAS vendor service names are tagged (nas-qnap, nas-synology) in dnsguard.log, without a notice by default; people reading the vendors' web sites (www, docs, kb, community, the bare domain) and a host with one service name are not; a later notice about a tagged host names its device type.
#
# @TEST-EXEC: cp $FILES/nas-tagging/spec.json .
# @TEST-EXEC: $PYTHON $PCAPGEN spec.json trace.pcap
# @TEST-EXEC: zeek -b -C -r trace.pcap $PACKAGE %INPUT >output 2>&1
# @TEST-EXEC: zeek-cut note src < notice.log | sort >notices
# @TEST-EXEC: btest-diff notices
# @TEST-EXEC: zeek-cut detection host device < dnsguard.log | sort >dnsguard
# @TEST-EXEC: btest-diff dnsguard
# @TEST-EXEC: zeek-cut note msg < notice.log | grep Tunnel_Long_Label | grep -q 'device=nas-qnap'
# @TEST-EXEC: zeek-cut host evidence < dnsguard.log | grep 10.0.0.43 | grep -q 'resolved checkip.synology.com,global.download.synology.com'

redef DNSGuard::scorer_link = F;
