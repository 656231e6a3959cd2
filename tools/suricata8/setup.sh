#!/usr/bin/env bash
# A Suricata 8 beside the system's Suricata 7, for checking the pack on 8.0.
#
# Debian 12 has no Suricata 8 package; Debian 13's backports do.  This builds
# a minimal Debian 13 (trixie) tree with debootstrap, installs Suricata from
# trixie-backports into it, bind-mounts /tmp (where the tests' sandboxes
# live) and the checkout into it, and writes a wrapper named `suricata` that
# runs the 8.0 binary inside the tree.  Put the wrapper's directory first on PATH and
# everything that runs `suricata` (the pack tests, dnsguard itself,
# suricata-update) uses 8.0:
#
#   sudo tools/suricata8/setup.sh              # once; about a minute (58 s here)
#   PATH=/opt/dnsguard-suricata8/wrapper:$PATH suricata -V
#   PATH=/opt/dnsguard-suricata8/wrapper:$PATH .venv/bin/python -m pytest tests/suricata
#
# Not part of `make test` (it needs root for chroot and mount, and ~300 MB).
# docs/suricata.md has what the 8.0 run showed.
set -euo pipefail

ROOT=${DNSGUARD_SURICATA8_ROOT:-/opt/dnsguard-suricata8}
TREE=$ROOT/tree
MIRROR=${DEBIAN_MIRROR:-$(sed -n 's/^URIs: *\(http[^ ]*debian\)$/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)}
MIRROR=${MIRROR:-http://deb.debian.org/debian}

if [ "$(id -u)" != 0 ]; then
    echo "setup.sh: needs root (debootstrap, chroot, mount)" >&2
    exit 2
fi
command -v debootstrap >/dev/null || apt-get install -y debootstrap

if [ ! -x "$TREE/usr/bin/suricata" ]; then
    mkdir -p "$TREE"
    debootstrap --variant=minbase trixie "$TREE" "$MIRROR"
    cat > "$TREE/etc/apt/sources.list.d/backports.sources" <<EOF
Types: deb
URIs: $MIRROR
Suites: trixie-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    chroot "$TREE" apt-get update
    DEBIAN_FRONTEND=noninteractive chroot "$TREE" apt-get install -y --no-install-recommends \
        -t trixie-backports suricata
fi

mountpoint -q "$TREE/tmp" || mount --bind /tmp "$TREE/tmp"
# The checkout too, at the same path: the tests read traces from it.
REPO=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$TREE$REPO"
mountpoint -q "$TREE$REPO" || mount --bind "$REPO" "$TREE$REPO"
mountpoint -q "$TREE/proc" || mount -t proc proc "$TREE/proc"

mkdir -p "$ROOT/wrapper"
cat > "$ROOT/wrapper/suricata" <<EOF
#!/bin/sh
# Suricata 8 from $TREE (tools/suricata8/setup.sh); paths must be under /tmp or $REPO.
exec chroot "$TREE" /usr/bin/suricata "\$@"
EOF
chmod +x "$ROOT/wrapper/suricata"
"$ROOT/wrapper/suricata" -V
