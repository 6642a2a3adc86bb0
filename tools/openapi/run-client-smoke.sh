#!/usr/bin/env bash
# Generates a TypeScript client from docs/swagger.json with
# swagger-typescript-api, type-checks smoke.ts against it (tsc, strict) and
# runs it with node against the real server: built from this tree, started
# with `serve --demo` on SQLite in a temporary directory on a free port.
set -euo pipefail
cd "$(dirname "$0")"
export PATH="$PATH:/usr/local/go/bin"
[ -x node_modules/.bin/tsc ] || npm ci --no-audit --no-fund

rm -rf gen build
node_modules/.bin/swagger-typescript-api generate -p ../../docs/swagger.json -o gen -n api.ts --enum-style=union --silent
node_modules/.bin/tsc -p tsconfig.json

tmp="$(mktemp -d)"
pid=""
cleanup() { if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi; rm -rf "$tmp"; }
trap cleanup EXIT
(cd ../.. && go build -o "$tmp/ethicsops" .)
port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
ETHICSOPS_ADDR="127.0.0.1:$port" ETHICSOPS_DATA_DIR="$tmp/data" "$tmp/ethicsops" serve --demo >"$tmp/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 120); do
  curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { cat "$tmp/server.log"; echo "server exited"; exit 1; }
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null || { cat "$tmp/server.log"; echo "server not ready"; exit 1; }
ETHICSOPS_BASE_URL="http://127.0.0.1:$port" node build/smoke.js || { tail -n 30 "$tmp/server.log"; exit 1; }
