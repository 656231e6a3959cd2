#!/usr/bin/env bash
# Install what dnsguard needs on Debian 12 (bookworm). Safe to run again: it
# skips what is done.
#
#   scripts/install.sh          Suricata 7 (bookworm-backports) and a virtualenv
#                               with the package: what `make run` needs.
#   scripts/install.sh --test   the same, plus the test fixtures: Zeek 7.0.11
#                               from ../shared/zeek when no `zeek` is on PATH
#                               (under /opt/zeek), btest, and headless Chromium
#                               for the HTML report tests.
#
# The Zeek build in ../shared is a test fixture, never part of the product:
# on a sensor, Zeek comes from Security Onion or Zeek's own packages.
set -euo pipefail

VENV=${VENV:-.venv}
WITH_TESTS=0
[ "${1:-}" = "--test" ] && WITH_TESTS=1
need_root() { if [ "$(id -u)" -ne 0 ]; then echo "sudo"; fi; }
SUDO=$(need_root)
# Wait for another apt/dpkg (unattended-upgrades, a parallel job) instead of failing.
APT=(env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -y -qq)
apt_updated=0
apt_update() {
  if [ "$apt_updated" -eq 0 ]; then $SUDO "${APT[@]}" update; apt_updated=1; fi
}

suricata_ok() {
  command -v suricata >/dev/null 2>&1 || return 1
  local major
  major=$(suricata -V 2>/dev/null | sed -n 's/.*version \([0-9]*\)\..*/\1/p')
  [ -n "$major" ] && [ "$major" -ge 7 ]
}

if ! suricata_ok; then
  echo "== installing Suricata 7 from bookworm-backports"
  src=/etc/apt/sources.list.d/bookworm-backports.sources
  if [ ! -f "$src" ]; then
    # Reuse the mirror this machine already uses for bookworm.
    mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
    if [ -z "$mirror" ]; then
      mirror=$(awk '$1 == "deb" && $3 ~ /^bookworm/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
    fi
    [ -n "$mirror" ] || { echo "cannot find the Debian mirror in /etc/apt; add bookworm-backports by hand" >&2; exit 1; }
    printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      "$mirror" | $SUDO tee "$src" >/dev/null
  fi
  apt_update
  $SUDO "${APT[@]}" install -t bookworm-backports suricata
fi

if [ "$WITH_TESTS" -eq 1 ]; then
  # Zeek for the btests: the user's own when it is on PATH, else the
  # prebuilt 7.0.11 test fixture (its README lists the runtime packages).
  if ! command -v zeek >/dev/null 2>&1 && [ ! -x /opt/zeek/bin/zeek ]; then
    tarball=$(ls ../shared/zeek/zeek-*-debian12-amd64.tar.xz 2>/dev/null | head -1 || true)
    if [ -z "$tarball" ]; then
      echo "no zeek on PATH and no Zeek build in ../shared/zeek: the btests need one" >&2
      exit 1
    fi
    echo "== installing the Zeek test fixture $(basename "$tarball") under /opt/zeek"
    apt_update
    $SUDO "${APT[@]}" install libpcap0.8 libssl3 zlib1g libmaxminddb0 libkrb5-3 libsqlite3-0
    $SUDO tar -C /opt -xJf "$tarball"
  fi
  # Headless Chromium: the tests render the HTML triage report and check its plots.
  if ! command -v chromium >/dev/null 2>&1; then
    echo "== installing Chromium (HTML report tests only)"
    apt_update
    $SUDO "${APT[@]}" install chromium
  fi
  # openssl: the Zeek TLS tests make their own CA and certificates.
  if ! command -v openssl >/dev/null 2>&1; then
    apt_update
    $SUDO "${APT[@]}" install openssl
  fi
fi

if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
  apt_update
  $SUDO "${APT[@]}" install python3-venv
fi

if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
stamp="$VENV/.dnsguard-installed"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  "$VENV/bin/python" -m pip install -q --upgrade pip
  "$VENV/bin/python" -m pip install -q -e '.[test]'
  touch "$stamp"
fi
zeek_version=$( (command -v zeek >/dev/null 2>&1 && zeek --version) || (/opt/zeek/bin/zeek --version 2>/dev/null) || echo "no zeek")
echo "== ready: $(suricata -V 2>/dev/null | head -1); $("$VENV/bin/dnsguard" --version); $zeek_version"
