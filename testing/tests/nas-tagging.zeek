# @TEST-DOC: Hosts resolving NAS vendor service names are tagged (nas-qnap, nas-synology); www and bare vendor domains are not; a later notice about a tagged host names its device type.
#
# @TEST-EXEC: cp $FILES/nas-tagging/spec.json .
# @TEST-EXEC: $PYTHON $PCAPGEN spec.json trace.pcap
# @TEST-EXEC: zeek -b -C -r trace.pcap $PACKAGE %INPUT >output 2>&1
# @TEST-EXEC: zeek-cut note src < notice.log | sort >notices
# @TEST-EXEC: btest-diff notices
# @TEST-EXEC: zeek-cut detection host device < dnsguard.log | sort >dnsguard
# @TEST-EXEC: btest-diff dnsguard
# @TEST-EXEC: zeek-cut note msg < notice.log | grep Tunnel_Long_Label | grep -q 'device=nas-qnap'
# @TEST-EXEC: zeek-cut src msg < notice.log | grep 10.0.0.43 | grep -q 'Host tagged as nas-synology: global.download.synology.com'

redef DNSGuard::scorer_link = F;
