# @TEST-DOC: In a cluster the worker observes and the manager decides: the worker's device tag and its batch of scorer candidates reach the manager, which logs the tag and raises Device_Tagged.
#
# @TEST-PORT: BROKER_PORT1
#
# @TEST-EXEC: cp $FILES/cluster-worker-manager/spec.json $FILES/cluster-worker-manager/cluster-layout.zeek $FILES/cluster-worker-manager/common.zeek $FILES/cluster-worker-manager/manager.zeek $FILES/cluster-worker-manager/worker.zeek .
# @TEST-EXEC: $PYTHON $PCAPGEN spec.json trace.pcap
# @TEST-EXEC: btest-bg-run manager "ZEEKPATH=$(zeek-config --zeekpath):.. CLUSTER_NODE=manager zeek -b $PACKAGE ../manager.zeek >out"
# @TEST-EXEC: btest-bg-run worker-1 "ZEEKPATH=$(zeek-config --zeekpath):.. CLUSTER_NODE=worker-1 zeek -b -C -r ../trace.pcap $PACKAGE ../worker.zeek >out"
# @TEST-EXEC: btest-bg-wait 60
# @TEST-EXEC: btest-diff manager/out
# @TEST-EXEC: zeek-cut detection host device < manager/dnsguard.log | grep device_tag >tags
# @TEST-EXEC: btest-diff tags
# @TEST-EXEC: zeek-cut note src msg < manager/notice.log | grep Device_Tagged | grep -q 'device=nas-qnap'

