#!/usr/bin/env bash
# A three-node MariaDB Galera cluster on loopback, for the Galera chaos tests
# (chaos/galera_test.go) and for trying ethicsops against a cluster by hand.
#
#   chaos/galera.sh start        start the cluster (a fresh one when no node runs;
#                                the missing nodes when some do); waits until
#                                wsrep_cluster_size=3 and every node is ready
#   chaos/galera.sh stop         shut every node down and remove the base directory
#   chaos/galera.sh status       one line per node: port, pid, wsrep state
#   chaos/galera.sh kill N       SIGKILL node N (1-3): a crash, not a shutdown
#   chaos/galera.sh restart N    start node N again (after kill or a crash): it
#                                recovers its position and rejoins by IST
#   chaos/galera.sh wait N       wait until node N is Synced and ready
#
# Node N listens for SQL on 127.0.0.1:$((GALERA_PORT_BASE+N)) (3311-3313), for
# group communication on 4567+N*10, for IST on 4568+N*10 and for SST (rsync)
# on 4569+N*10. Root connects over TCP without a password. Everything lives
# under GALERA_BASE (default /tmp/ethicsops-galera); stop removes it. Runs as
# root (mariadbd --user=mysql) or as the user owning GALERA_BASE.
set -euo pipefail

BASE="${GALERA_BASE:-/tmp/ethicsops-galera}"
PORT_BASE="${GALERA_PORT_BASE:-3310}"
MARIADBD="${MARIADBD:-/usr/sbin/mariadbd}"
PROVIDER="${GALERA_PROVIDER:-/usr/lib/galera/libgalera_smm.so}"
NODES=(1 2 3)

die() { echo "galera.sh: $*" >&2; exit 1; }
port() { echo $((PORT_BASE + $1)); }
gport() { echo $((4567 + $1 * 10)); }
dir() { echo "$BASE/node$1"; }
pidof_node() { # the node's mariadbd, as launch started it
  local f; f="$(dir "$1")/launch.pid"
  [ -s "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && cat "$f"
}
sql() { # sql N statement: one value, empty when the node does not answer
  mariadb -uroot -h127.0.0.1 -P"$(port "$1")" --connect-timeout=2 -N -B -e "$2" 2>/dev/null || true
}
status_var() { sql "$1" "SHOW GLOBAL STATUS LIKE '$2'" | awk '{print $2}'; }
cluster_addr() {
  local a="" n
  for n in "${NODES[@]}"; do a="${a:+$a,}127.0.0.1:$(gport "$n")"; done
  echo "gcomm://$a"
}

preflight() {
  [ -x "$MARIADBD" ] || die "$MARIADBD not found (apt-get install mariadb-server)"
  [ -f "$PROVIDER" ] || die "$PROVIDER not found (apt-get install galera-4)"
  command -v rsync >/dev/null || die "rsync not found (apt-get install rsync): the SST method needs it"
  if [ "$(id -u)" = 0 ]; then RUNAS=mysql; else RUNAS="$(id -un)"; fi
}

config() { # config N: writes the node's my.cnf
  local n=$1 d; d="$(dir "$n")"
  cat >"$d/my.cnf" <<EOF
[mariadbd]
datadir=$d/data
socket=$d/mariadbd.sock
pid-file=$d/mariadbd.pid
log-error=$d/error.log
bind-address=127.0.0.1
port=$(port "$n")
user=$RUNAS
innodb_buffer_pool_size=64M
innodb_log_file_size=48M
# Galera needs row-based events and interleaved auto-increment locks.
binlog_format=ROW
default_storage_engine=InnoDB
innodb_autoinc_lock_mode=2
innodb_flush_log_at_trx_commit=2
max_connections=400
wsrep_on=ON
wsrep_provider=$PROVIDER
wsrep_cluster_name=ethicsops
wsrep_cluster_address=$(cluster_addr)
wsrep_node_name=node$n
wsrep_node_address=127.0.0.1:$(gport "$n")
wsrep_provider_options="gmcast.listen_addr=tcp://127.0.0.1:$(gport "$n");ist.recv_addr=127.0.0.1:$(($(gport "$n") + 1));gcache.size=128M"
wsrep_sst_method=rsync
wsrep_sst_receive_address=127.0.0.1:$(($(gport "$n") + 2))
wsrep_slave_threads=2
EOF
}

init_node() { # init_node N: a fresh data directory
  local n=$1 d; d="$(dir "$n")"
  rm -rf "$d"
  mkdir -p "$d/data"
  config "$n"
  mariadb-install-db --defaults-file="$d/my.cnf" --user="$RUNAS" --datadir="$d/data" \
    --auth-root-authentication-method=normal --skip-test-db >"$d/install.log" 2>&1 ||
    { cat "$d/install.log" >&2; die "mariadb-install-db failed for node $n"; }
  chown -R "$RUNAS" "$d"
}

launch() { # launch N [extra mariadbd arguments]
  local n=$1 d; shift; d="$(dir "$n")"
  [ -n "$(pidof_node "$n")" ] && return 0
  setsid "$MARIADBD" --defaults-file="$d/my.cnf" "$@" >>"$d/error.log" 2>&1 </dev/null &
  echo $! >"$d/launch.pid"
  disown || true
}

wait_ready() { # wait_ready N [seconds]: Synced and ready
  local n=$1 limit=${2:-120} i
  for ((i = 0; i < limit * 2; i++)); do
    if [ "$(status_var "$n" wsrep_ready)" = ON ] && [ "$(status_var "$n" wsrep_local_state_comment)" = Synced ]; then
      return 0
    fi
    if [ $i -gt 4 ] && [ -z "$(pidof_node "$n")" ]; then
      tail -n 30 "$(dir "$n")/error.log" >&2
      die "node $n exited while starting"
    fi
    sleep 0.5
  done
  tail -n 30 "$(dir "$n")/error.log" >&2
  die "node $n not ready after ${limit}s"
}

wait_size() { # wait_size N: until every running node sees a cluster of N
  local want=$1 i n ok
  for ((i = 0; i < 240; i++)); do
    ok=1
    for n in "${NODES[@]}"; do
      [ -z "$(pidof_node "$n")" ] && continue
      [ "$(status_var "$n" wsrep_cluster_size)" = "$want" ] || ok=0
    done
    [ $ok = 1 ] && return 0
    sleep 0.5
  done
  die "cluster size did not reach $want"
}

recovered_position() { # the position InnoDB recovered, for a restart after a crash
  local n=$1 d log; d="$(dir "$n")"
  log="$d/recover.log"
  rm -f "$log"
  "$MARIADBD" --defaults-file="$d/my.cnf" --wsrep-recover --log-error="$log" >/dev/null 2>&1 || true
  sed -n 's/.*WSREP: Recovered position: *\([^ ]*\).*/\1/p' "$log" | tail -n 1
}

start() {
  preflight
  local running=() n
  for n in "${NODES[@]}"; do [ -n "$(pidof_node "$n")" ] && running+=("$n"); done
  if [ ${#running[@]} = 0 ]; then
    mkdir -p "$BASE"
    for n in "${NODES[@]}"; do init_node "$n"; done
    launch 1 --wsrep-new-cluster
    wait_ready 1
    # Root from 127.0.0.1 without a password, whatever the name resolution;
    # the grants replicate to the joiners through their SST.
    mariadb -uroot -S "$(dir 1)/mariadbd.sock" -e "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1'; GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;"
    # One joiner at a time: two rsync SSTs from one donor queue anyway.
    for n in 2 3; do launch "$n"; wait_ready "$n"; done
  else
    for n in "${NODES[@]}"; do
      [ -n "$(pidof_node "$n")" ] || restart "$n"
    done
  fi
  wait_size 3
  status
}

restart() {
  preflight
  local n=$1 pos
  [ -d "$(dir "$n")/data" ] || die "node $n has no data directory: run start"
  if [ -n "$(pidof_node "$n")" ]; then wait_ready "$n"; return 0; fi
  pos="$(recovered_position "$n")"
  if [ -n "$pos" ]; then launch "$n" --wsrep-start-position="$pos"; else launch "$n"; fi
  wait_ready "$n"
}

kill_node() {
  local n=$1 pid
  pid="$(pidof_node "$n")" || true
  [ -n "$pid" ] || die "node $n is not running"
  kill -KILL "$pid"
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
}

stop() {
  local n pid
  for n in "${NODES[@]}"; do
    pid="$(pidof_node "$n")" || true
    [ -n "$pid" ] && kill -TERM "$pid"
  done
  for n in "${NODES[@]}"; do
    pid="$(pidof_node "$n")" || true
    for ((i = 0; i < 120 && ${#pid} > 0; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; fi
  done
  rm -rf "$BASE"
}

status() {
  local n pid
  for n in "${NODES[@]}"; do
    pid="$(pidof_node "$n")" || true
    if [ -z "$pid" ]; then
      echo "node$n 127.0.0.1:$(port "$n") down"
      continue
    fi
    echo "node$n 127.0.0.1:$(port "$n") pid $pid state $(status_var "$n" wsrep_local_state_comment) ready $(status_var "$n" wsrep_ready) cluster_size $(status_var "$n" wsrep_cluster_size)"
  done
}

node_arg() {
  case "${1:-}" in 1 | 2 | 3) ;; *) die "node must be 1, 2 or 3" ;; esac
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  kill) node_arg "${2:-}"; kill_node "$2" ;;
  restart) node_arg "${2:-}"; restart "$2" ;;
  wait) node_arg "${2:-}"; wait_ready "$2" ;;
  *) die "usage: $0 start|stop|status|kill N|restart N|wait N" ;;
esac
