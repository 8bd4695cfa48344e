#!/usr/bin/env bash
# Installs the Debian packages given as arguments that are not installed yet.
# Installs nothing (and needs no root or network) when all are present.
set -euo pipefail
missing=()
for p in "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "coatkmc: installing missing packages: ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >&2 || true
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
