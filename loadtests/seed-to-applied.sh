#!/usr/bin/env bash
# Time from the start of the 100k-customer seed until every seeded event is applied, and the host CPU it took.
# Starts the Release host on a fresh data directory, seeds through the public API, polls the delivery backlog once a
# second (GET /api/diagnostics/delivery) and reads the host's CPU time from /proc, then kills the host.
#
#   bash loadtests/seed-to-applied.sh OUT_DIR [PORT] [host options...]
#
# Prints: the seed's own "acknowledged in" line; applied (first zero backlog after the seed ended, seconds from its
# start); host CPU seconds until then; the host's resident memory when ready (empty), when applied and 30 s later
# (flush timers settled), and per customer = (settled - empty) / customers. OUT_DIR/trace.txt has one line a second: time, backlog, CPU ticks in it.
# Build first: dotnet build -c Release src/CustomerGrains.Host && dotnet build -c Release loadtests/CustomerGrains.LoadTests
# Optional: CUSTOMERS (default 100000), LIMIT (give up after this many seconds, default 300), KEEP_HOST=1 (leave the host
# running and write its process id to OUT_DIR/host.pid, for measurements on the seeded host; loadtests/scale-curve.sh).
set -u
out=$1; port=${2:-5181}; shift $(( $# >= 2 ? 2 : 1 ))
customers=${CUSTOMERS:-100000}; limit=${LIMIT:-300}
rm -rf "$out"; mkdir -p "$out"
Logging__LogLevel__Default=Warning dotnet run -c Release --no-build --project src/CustomerGrains.Host -- \
  --Storage:DataDirectory="$out/data" --Urls="http://127.0.0.1:$port" "$@" > "$out/host.log" 2>&1 &
run=$!
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/health/ready" > /dev/null 2>&1 && break; sleep 0.5; done
host=$(pgrep -P "$run" | head -1)
cpu() { awk '{print $14 + $15}' "/proc/$host/stat"; }
rss() { awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$host/status"; }
rss_empty=$(rss)
start=$(date +%s.%N); cpu0=$(cpu); last=$cpu0
dotnet run -c Release --no-build --project loadtests/CustomerGrains.LoadTests -- seed --customers "$customers" \
  --data "$out/seed" --target "http://127.0.0.1:$port" > "$out/seed.log" 2>&1 &
seed=$!
seeded=""; applied=""; cpu_applied=""
while :; do
  sleep 1
  t=$(echo "$(date +%s.%N) - $start" | bc)
  if [ -z "$seeded" ] && ! kill -0 "$seed" 2> /dev/null; then seeded=$t; fi
  behind=$(curl -s -H 'X-Api-Key: demo-admin-key' "http://127.0.0.1:$port/api/diagnostics/delivery" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["behind"])' 2> /dev/null)
  now=$(cpu); echo "$t behind=$behind cpu_ticks=$((now - last))" >> "$out/trace.txt"; last=$now
  if [ -n "$seeded" ] && [ "$behind" = 0 ]; then applied=$t; cpu_applied=$(( (now - cpu0) / 100 )); break; fi
  if (( $(echo "$t > $limit" | bc) )); then break; fi
done
grep -o "acknowledged in [0-9.]* s ([0-9]* events/s)" "$out/seed.log"
rss_applied=$(rss); sleep 30; rss_settled=$(rss)
echo "applied=${applied:-not within ${limit} s} host_cpu_s=${cpu_applied:-$(( ($(cpu) - cpu0) / 100 ))}"
echo "rss_mb empty=$rss_empty applied=$rss_applied settled=$rss_settled per_customer_kb=$(( (rss_settled - rss_empty) * 1024 / customers ))"
kill "$seed" 2> /dev/null
if [ -n "${KEEP_HOST:-}" ]; then echo "$host" > "$out/host.pid"; exit 0; fi
kill -9 "$host"; kill "$run" 2> /dev/null
wait 2> /dev/null
