#!/usr/bin/env bash
# Installs Debian's chromium for the dashboard's browser tests when it is missing (CI runs as
# root). No browser is downloaded from anywhere but the distribution's own package archive.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  echo "== chromium: $(/usr/bin/chromium --version 2>/dev/null || echo present)"
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "== chromium missing and cannot apt-get install it (not root or no apt): dashboard browser tests will skip"
  exit 0
fi
echo "== installing chromium (apt-get)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
/usr/bin/chromium --version || true
