# @TEST-DOC: DNS_Channel on real tunnels and on names Zeek hands over raw: dnscat2 (hex labels with its packet header, TXT/MX/CNAME) and iodine (private-use and NULL query types) from the Domainator recordings are named by tool; base64 labels with + / = are a channel, named dns2tcp with low confidence; seven hex names, hex names spread two per domain, and a mail server's DKIM/SPF/MX look-ups are not; a dnscat2-style hex name whose A answer carries 25 addresses in 25 /16 networks is not Fast_Flux.
#
# @TEST-EXEC: cp $FILES/dns-channel/spec.json .
# @TEST-EXEC: $PYTHON $PCAPGEN spec.json trace.pcap
# @TEST-EXEC: zeek -b -C -r trace.pcap $PACKAGE %INPUT >output 2>&1
# @TEST-EXEC: zeek-cut note src < notice.log | sort >notices
# @TEST-EXEC: zeek-cut detection host name family < dnsguard.log >dnsguard
# @TEST-EXEC: zeek-cut evidence < dnsguard.log | grep -q 'encodings raw:8'
# @TEST-EXEC: zeek -b -C -r $DNSGUARD_ROOT/tests/data/domainator/dnscat_handshake-offline_240731.pcapng $PACKAGE %INPUT >>output 2>&1
# @TEST-EXEC: zeek-cut note src < notice.log | sort >>notices
# @TEST-EXEC: zeek-cut detection host name family < dnsguard.log >>dnsguard
# @TEST-EXEC: zeek-cut evidence < dnsguard.log | grep -q 'dnscat2 header with session id 4236'
# @TEST-EXEC: zeek -b -C -r $DNSGUARD_ROOT/tests/data/domainator/iodine_handshake-offline_240731.pcapng $PACKAGE %INPUT >>output 2>&1
# @TEST-EXEC: zeek-cut note src < notice.log | sort >>notices
# @TEST-EXEC: zeek-cut detection host name family < dnsguard.log >>dnsguard
# @TEST-EXEC: zeek-cut evidence < dnsguard.log | grep -q 'NULL or private-use query types'
# @TEST-EXEC: btest-diff notices
# @TEST-EXEC: btest-diff dnsguard
# @TEST-EXEC: test ! -s output

redef DNSGuard::scorer_link = F;
