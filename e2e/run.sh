#!/usr/bin/env bash
# Browser tests of the mobile web client: installs Debian's chromium and the
# npm packages when missing, builds the server once, runs node --test.
# Screenshots (phone size) land in e2e/artifacts/.
set -euo pipefail
cd "$(dirname "$0")"
export PATH="$PATH:/usr/local/go/bin"

if [ ! -x /usr/bin/chromium ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
# A font with Chinese glyphs, so that the screenshots are readable (optional).
if ! fc-list 2>/dev/null | grep -qiE 'wqy|noto.*cjk'; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-zenhei >/dev/null 2>&1 || echo "no CJK font: screenshots will show boxes"
fi
# Installed again whenever the lockfile names a package node_modules lacks
# (a package added since the last install, such as axe-core).
pkgs() { grep -o '"node_modules/[^"]*"' "$1" 2>/dev/null | sort -u; }
if [ ! -d node_modules/playwright-core ] || [ "$(pkgs package-lock.json)" != "$(pkgs node_modules/.package-lock.json)" ]; then
  npm ci --no-audit --no-fund || npm install --no-audit --no-fund
fi

bin="$(mktemp -d)/ethicsops"
trap 'rm -rf "$(dirname "$bin")"' EXIT
(cd .. && go build -o "$bin" .)
mkdir -p artifacts
ETHICSOPS_BIN="$bin" node --test --test-concurrency=1 --test-timeout=600000 tests/
