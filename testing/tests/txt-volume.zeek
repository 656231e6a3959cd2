# @TEST-DOC: Twelve TXT and NULL queries for one domain cross a threshold of 10; eight TXT queries from another host do not.
#
# @TEST-EXEC: cp $FILES/txt-volume/spec.json .
# @TEST-EXEC: $PYTHON $PCAPGEN spec.json trace.pcap
# @TEST-EXEC: zeek -b -C -r trace.pcap $PACKAGE %INPUT >output 2>&1
# @TEST-EXEC: zeek-cut note src < notice.log | sort >notices
# @TEST-EXEC: btest-diff notices
# @TEST-EXEC: zeek-cut detection host name threat < dnsguard.log >dnsguard
# @TEST-EXEC: btest-diff dnsguard
# @TEST-EXEC: zeek-cut note sub < notice.log | grep TXT_Volume | grep -q '10 TXT/NULL queries for txt-demo.example'

redef DNSGuard::scorer_link = F;
redef DNSGuard::txt_volume_threshold = 10;
