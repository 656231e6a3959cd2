# @TEST-DOC: An office hour (tools/office: 38 benign hosts with Teams/Office 365, cloud and CDN hashed names, IoT clouds, Chrome probes, a mail server's DNS block-list storm, a monitoring host's failed PTR sweeps, search-suffix retries, a clean Synology NAS, vendor-site readers; 6 infected hosts at realistic rates: QSnatch on a QNAP NAS, Pykspa, Necurs, Ramnit, newGOZ, an iodine-like tunnel): Zeek alone raises notices on every infected host and on no benign one, and tags only the two NAS boxes.
#
# @TEST-EXEC: $PYTHON $DNSGUARD_ROOT/tools/office/build_office.py --pcap trace.pcap --truth truth.json >/dev/null
# @TEST-EXEC: zeek -b -C -r trace.pcap $PACKAGE %INPUT >output 2>&1
# @TEST-EXEC: $PYTHON $FILES/office-capture/verdicts.py truth.json notice.log >verdicts
# @TEST-EXEC: btest-diff verdicts
# @TEST-EXEC: zeek-cut detection host device < dnsguard.log | grep device_tag | sort >tags
# @TEST-EXEC: btest-diff tags
