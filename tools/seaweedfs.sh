#!/usr/bin/env bash
# Builds SeaweedFS's `weed` (one binary: master, volume, filer and the S3
# gateway) for the tests of the S3 file store, from the Go module proxy, and
# keeps it between runs on this machine. Prints the binary's path on stdout;
# the build's output goes to stderr.
#
#   export ETHICSOPS_TEST_WEED="$(tools/seaweedfs.sh)"
#
# `go install pkg@version` refuses the module (its go.mod has replace
# directives), so the module is downloaded and built in its own directory,
# where its go.mod and go.sum pin every dependency. The first build takes
# minutes on two cores; later runs find the binary in the cache.
set -euo pipefail
export PATH="$PATH:/usr/local/go/bin"

MODULE=github.com/seaweedfs/seaweedfs
VERSION=v0.0.0-20261109003541-7506e5f91cd6 # 2026-11-09
CACHE="${ETHICSOPS_CACHE_DIR:-$HOME/.cache/ethicsops}"
BIN="$CACHE/weed-20261109"

works() { [ -x "$1" ] && "$1" version >/dev/null 2>&1; }

if works "$BIN"; then
  echo "$BIN"
  exit 0
fi
mkdir -p "$CACHE"
# One build at a time on this machine; a second run waits and then finds it.
exec 9>"$CACHE/weed.lock"
flock 9
if works "$BIN"; then
  echo "$BIN"
  exit 0
fi
dir="$(go mod download -json "$MODULE@$VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
if [ -z "$dir" ] || [ ! -d "$dir/weed" ]; then
  echo "seaweedfs.sh: go mod download $MODULE@$VERSION gave no source directory" >&2
  exit 1
fi
start=$(date +%s)
echo "seaweedfs.sh: building weed from $dir (minutes on a small machine)" >&2
(cd "$dir" && go build -o "$BIN.tmp.$$" ./weed) >&2
mv "$BIN.tmp.$$" "$BIN"
echo "seaweedfs.sh: built $BIN in $(( $(date +%s) - start )) s" >&2
echo "$BIN"
