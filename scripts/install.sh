#!/usr/bin/env bash
# Install what dnsguard needs on Debian 12 (bookworm): Suricata 7 from
# bookworm-backports when it is missing or older, and a virtualenv with the
# package and its test tools. Safe to run again: it skips what is done.
set -euo pipefail

VENV=${VENV:-.venv}
need_root() { if [ "$(id -u)" -ne 0 ]; then echo "sudo"; fi; }
SUDO=$(need_root)

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
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq -t bookworm-backports suricata
fi

# Headless Chromium: the tests render the HTML triage report and check its plots.
if ! command -v chromium >/dev/null 2>&1; then
  echo "== installing Chromium (HTML report tests)"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium
fi

if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv
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
echo "== ready: $(suricata -V 2>/dev/null | head -1); $("$VENV/bin/dnsguard" --version)"
