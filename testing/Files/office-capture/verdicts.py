"""Per host of the office capture: infected or benign (truth.json) and the
notices Zeek raised about it (notice.log), one line per host, for btest-diff.

A line reads ``<ip> <role> infected|benign <notes or ->``.
"""

import json
import sys
from collections import defaultdict

truth = json.load(open(sys.argv[1]))
notices = defaultdict(set)
fields = []
for line in open(sys.argv[2]):
    if line.startswith("#fields"):
        fields = line.rstrip("\n").split("\t")[1:]
    elif not line.startswith("#"):
        row = dict(zip(fields, line.rstrip("\n").split("\t")))
        notices[row["src"]].add(row["note"].removeprefix("DNSGuard::"))

for host in sorted(truth["hosts"], key=lambda h: tuple(int(x) for x in h["ip"].split("."))):
    state = "infected" if host["infected"] else "benign"
    print(host["ip"], host["role"], state, ",".join(sorted(notices.pop(host["ip"], set()))) or "-")
for src in sorted(notices):
    print(src, "not-in-truth", ",".join(sorted(notices[src])))
