#!/usr/bin/env bash
# A local CustomerGrains cluster on loopback: a private PostgreSQL from the installed binaries and N silos.
#
#   deploy/local-cluster.sh start [N] [--tls]
#                                       PostgreSQL, the schema (db migrate), then N silos (default 3); with --tls
#                                       (or CUSTOMERGRAINS_TLS=1) the silos' ports use mutual TLS with a development
#                                       certificate made once by new-cluster-cert under the run directory (tls/cluster.pfx)
#   deploy/local-cluster.sh status      what runs, and whether each silo answers /health/ready
#   deploy/local-cluster.sh stop        stops the silos, then PostgreSQL; leaves no process behind
#
# Everything lives under the run directory (CUSTOMERGRAINS_RUN, default .run/local-cluster): the database,
# one folder and one log per silo, the pid files. Data is kept across stop/start; delete the folder to wipe it.
# Silo i (1..N) serves HTTP on 127.0.0.1:$((5080+i)), the silo port 11110+i and the gateway 30000+i.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
run="${CUSTOMERGRAINS_RUN:-$root/.run/local-cluster}"
pg_bin="${CUSTOMERGRAINS_PG_BIN:-/usr/lib/postgresql/15/bin}"
pg_port="${CUSTOMERGRAINS_PG_PORT:-55432}"
pg_data="$run/postgres"
host_dll="$root/src/CustomerGrains.Host/bin/Release/net10.0/CustomerGrains.Host.dll"
connection="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=customergrains"
tls="${CUSTOMERGRAINS_TLS:-0}"
tls_pfx="$run/tls/cluster.pfx"

# PostgreSQL refuses to run as root: then it runs as the system user postgres (created by the Debian package).
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

http_port() { echo $((5080 + $1)); }

silo_settings() {
  local i="$1"
  # Development on loopback: the demo users and keys of the README work against the local cluster.
  echo "--environment=Development" "--urls=http://127.0.0.1:$(http_port "$i")" \
    "--Storage:Mode=Postgres" "--Storage:Postgres:ConnectionString=$connection" \
    "--Storage:Postgres:MigrateAtStart=false" \
    "--Orleans:ClusterId=customergrains-local-cluster" \
    "--Orleans:SiloPort=$((11110 + i))" "--Orleans:GatewayPort=$((30000 + i))" \
    "--Orleans:Membership:ProbeTimeout=00:00:02" "--Orleans:Membership:NumMissedProbesLimit=3" \
    "--Orleans:Membership:IAmAliveTablePublishTimeout=00:00:05" "--Orleans:Membership:TableRefreshTimeout=00:00:02" \
    "--Orleans:Membership:DeathVoteExpirationTimeout=00:00:20"
  if [ "$tls" = 1 ]; then
    echo "--Orleans:Tls:Enabled=true" "--Orleans:Tls:CertificatePath=$tls_pfx"
  fi
}

# A development certificate for the whole cluster, made once and kept with the cluster's data.
make_certificate() {
  if [ ! -f "$tls_pfx" ]; then
    dotnet "$host_dll" new-cluster-cert --out "$run/tls" --subject customergrains-local-cluster >"$run/tls.log" 2>&1 \
      || { cat "$run/tls.log" >&2; exit 1; }
  fi
  echo "tls: on, every silo presents $tls_pfx; a client needs CustomerGrains:Client:Tls:Enabled=true and CustomerGrains:Client:Tls:CertificatePath=$tls_pfx"
}

pg_running() { [ -f "$pg_data/postmaster.pid" ] && as_pg "$pg_bin/pg_ctl" status -D "$pg_data" >/dev/null 2>&1; }

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

ready() { curl -sf "http://127.0.0.1:$(http_port "$1")/health/ready" >/dev/null 2>&1; }

start_postgres() {
  if [ ! -x "$pg_bin/initdb" ]; then
    echo "PostgreSQL 15 is not installed at $pg_bin: apt-get install -y postgresql-15 (or set CUSTOMERGRAINS_PG_BIN)" >&2
    exit 1
  fi
  mkdir -p "$pg_data"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$pg_data"
  chmod 700 "$pg_data"
  if [ ! -f "$pg_data/PG_VERSION" ]; then
    as_pg "$pg_bin/initdb" -D "$pg_data" -U postgres --auth=trust -E UTF8 >"$run/initdb.log" 2>&1
  fi
  if pg_running; then
    echo "postgres: already running on port $pg_port"
  else
    as_pg "$pg_bin/pg_ctl" start -w -t 60 -D "$pg_data" -l "$pg_data/server.log" \
      -o "-p $pg_port -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=300" >/dev/null
    echo "postgres: started on port $pg_port (log $pg_data/server.log)"
  fi
  if [ "$(as_pg "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'customergrains'")" != 1 ]; then
    as_pg "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -qc "CREATE DATABASE customergrains" >/dev/null
  fi
}

start() {
  local n=3
  for arg in "$@"; do
    case "$arg" in
      --tls) tls=1 ;;
      *[!0-9]*|'') echo "usage: $0 start [N] [--tls]" >&2; exit 2 ;;
      *) n="$arg" ;;
    esac
  done
  mkdir -p "$run"
  echo "building the host (Release)..."
  dotnet build "$root/src/CustomerGrains.Host/CustomerGrains.Host.csproj" -c Release -v q -nologo >"$run/build.log" 2>&1 \
    || { cat "$run/build.log" >&2; exit 1; }
  if [ "$tls" = 1 ]; then make_certificate; fi
  start_postgres
  dotnet "$host_dll" db migrate --Storage:Mode=Postgres "--Storage:Postgres:ConnectionString=$connection"
  echo "$n" >"$run/silos"
  for i in $(seq 1 "$n"); do
    if alive "$run/silo-$i.pid"; then echo "silo $i: already running"; continue; fi
    mkdir -p "$run/silo-$i"
    # shellcheck disable=SC2046 # the settings are words on purpose
    (cd "$run/silo-$i" && exec nohup dotnet "$host_dll" $(silo_settings "$i") >"$run/silo-$i.log" 2>&1 </dev/null) &
    echo $! >"$run/silo-$i.pid"
  done
  for i in $(seq 1 "$n"); do
    for _ in $(seq 1 240); do
      ready "$i" && break
      alive "$run/silo-$i.pid" || { echo "silo $i exited; see $run/silo-$i.log" >&2; tail -n 30 "$run/silo-$i.log" >&2; exit 1; }
      sleep 0.5
    done
    ready "$i" || { echo "silo $i is not ready after 120 s; see $run/silo-$i.log" >&2; exit 1; }
    echo "silo $i: ready at http://127.0.0.1:$(http_port "$i") (gateway 127.0.0.1:$((30000 + i)), log $run/silo-$i.log)"
  done
}

stop() {
  local pids=()
  for pidfile in "$run"/silo-*.pid; do
    [ -f "$pidfile" ] || continue
    if alive "$pidfile"; then kill -TERM "$(cat "$pidfile")"; pids+=("$pidfile"); fi
  done
  for pidfile in "${pids[@]}"; do
    for _ in $(seq 1 120); do alive "$pidfile" || break; sleep 0.5; done
    if alive "$pidfile"; then echo "$(basename "$pidfile" .pid) did not stop in 60 s: killed"; kill -KILL "$(cat "$pidfile")"; fi
    echo "$(basename "$pidfile" .pid): stopped"
  done
  rm -f "$run"/silo-*.pid
  # The silos first: a silo whose database is gone cannot leave the cluster cleanly.
  if pg_running; then
    as_pg "$pg_bin/pg_ctl" stop -w -t 60 -m fast -D "$pg_data" >/dev/null
    echo "postgres: stopped"
  fi
}

status() {
  if pg_running; then echo "postgres: running on port $pg_port"; else echo "postgres: stopped"; fi
  local n
  n="$(cat "$run/silos" 2>/dev/null || echo 0)"
  for i in $(seq 1 "$n"); do
    if ! alive "$run/silo-$i.pid"; then echo "silo $i: stopped"
    elif ready "$i"; then echo "silo $i: ready at http://127.0.0.1:$(http_port "$i")"
    else echo "silo $i: running, not ready"; fi
  done
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start [N] [--tls] | stop | status" >&2; exit 2 ;;
esac
