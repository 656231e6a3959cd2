# @TEST-DOC: Behind a resolver that blocks ads with NXDOMAIN, a browser gets NXDOMAIN for 20 names below 20 popular ad-tech domains within 20 seconds (sync., pixel., securepubads. ... below each): no NXDOMAIN burst and no C2 rotation, because the domains are on the popular-domain list; a QSnatch host's burst beside it is still found.  Without the list (redef DNSGuard::use_shipped_popular_domains = F, or the option set to F through the Config framework after start-up) the browser is a burst and a rotation.
#
# @TEST-EXEC: cp $FILES/blocked-popular/spec.json .
# @TEST-EXEC: $PYTHON $PCAPGEN spec.json trace.pcap
# @TEST-EXEC: zeek -b -C -r trace.pcap $PACKAGE %INPUT >output 2>&1
# @TEST-EXEC: zeek-cut note src < notice.log | sort >notices
# @TEST-EXEC: echo "without the list:" >>notices
# @TEST-EXEC: zeek -b -C -r trace.pcap $PACKAGE %INPUT $FILES/blocked-popular/no-list.zeek >>output 2>&1
# @TEST-EXEC: zeek-cut note src < notice.log | sort >>notices
# @TEST-EXEC: echo "turned off at run time:" >>notices
# @TEST-EXEC: zeek -b -C -r trace.pcap $PACKAGE %INPUT $FILES/blocked-popular/off-at-run-time.zeek >>output 2>&1
# @TEST-EXEC: zeek-cut note src < notice.log | sort >>notices
# @TEST-EXEC: btest-diff notices
# @TEST-EXEC: test ! -s output

redef DNSGuard::scorer_link = F;
