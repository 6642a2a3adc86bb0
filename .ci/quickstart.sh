#!/usr/bin/env bash
# Runs every command of the README's "Quick start" section as written, on a
# fresh clone of this repository, so that the quick start cannot go stale.
# The fenced ```sh blocks of that section are extracted line by line:
#  - `go run . serve --demo` runs in the background until /readyz answers,
#    then is stopped (ETHICSOPS_ADDR puts it on a free port; the command is
#    unchanged);
#  - a `go test ./...` line runs as written but narrowed with -run to a few
#    fast tests in every package: .ci/run has already run the whole suite
#    (with -race, on SQLite and MariaDB) just before this step, so what this
#    adds is that the command itself works on a fresh clone;
#  - anything else runs as written.
# A command that fails, or a server that is not ready in 10 minutes (the
# first build of a fresh clone compiles everything), fails the script.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
export PATH="$PATH:/usr/local/go/bin"
narrow="${QUICKSTART_TEST_RUN:-^(TestValidate|TestRegisterPerHour|TestRegisterPerHourSetting|TestMasking)$}"

tmp="$(mktemp -d)"
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill -- -"$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

# The Quick start section: from its heading to the next level-2 heading.
mapfile -t cmds < <(awk '
  /^## / { inqs = ($0 == "## Quick start") ; next }
  inqs && /^```sh$/ { inblock = 1; next }
  inqs && inblock && /^```/ { inblock = 0; next }
  inqs && inblock && NF { print }
' "$repo/README.md")
[ "${#cmds[@]}" -gt 0 ] || { echo "quickstart: no sh blocks in README's Quick start"; exit 1; }

git clone -q "$repo" "$tmp/clone"
cd "$tmp/clone"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"

for line in "${cmds[@]}"; do
  cmd="${line%%#*}"                       # drop the trailing comment
  cmd="$(echo "$cmd" | sed 's/[[:space:]]*$//')"
  [ -n "$cmd" ] || continue
  case "$cmd" in
    *"serve --demo")
      echo "quickstart \$ $cmd   (background, until /readyz answers)"
      set -m
      ETHICSOPS_ADDR="127.0.0.1:$port" bash -c "$cmd" >"$tmp/serve.log" 2>&1 &
      pid=$!
      set +m
      ok=""
      for _ in $(seq 1 600); do
        if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then ok=1; break; fi
        kill -0 "$pid" 2>/dev/null || break
        sleep 1
      done
      [ -n "$ok" ] || { cat "$tmp/serve.log"; echo "quickstart: '$cmd' did not become ready"; exit 1; }
      grep -q "listening on" "$tmp/serve.log" || { cat "$tmp/serve.log"; echo "quickstart: the server did not say where it listens"; exit 1; }
      kill -- -"$pid" 2>/dev/null || kill "$pid"
      wait "$pid" 2>/dev/null || true
      pid=""
      echo "quickstart: ready on :$port, stopped"
      ;;
    *"go test "*)
      echo "quickstart \$ $cmd -run '$narrow'"
      bash -c "$cmd -count=1 -run '$narrow'"
      ;;
    *)
      echo "quickstart \$ $cmd"
      bash -c "$cmd"
      ;;
  esac
done
echo "quickstart: ${#cmds[@]} commands of the README's Quick start ran"
