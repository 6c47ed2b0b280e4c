#!/usr/bin/env bash
# One point of the cost curve by customer count (issue 12, item 6) on the embedded default, from an empty host:
#   bash loadtests/scale-curve.sh CUSTOMERS OUT_DIR [PORT]
# 1. seed and apply: loadtests/seed-to-applied.sh (acknowledged rate, time to applied, host CPU, resident memory empty,
#    applied and settled, KB per customer), with Orleans' collection age raised to 2 hours so that every seeded customer
#    stays active for the warm measurements;
# 2. warm lookups: the load runner's screenpop-spike at RATE (default 2000/s) for 30 s, Zipf over every phone number;
# 3. closed loop: wrk over 200,000 numbers drawn uniformly (all of them below that), /api/screenpop then
#    /api/ping/grain, 15 s each with 32 connections (rate, p99, host CPU per request);
# 4. cold lookups: the host restarted on the same data folder, then the runner's cold-start at 300/s for 30 s.
# Build first: dotnet build -c Release src/CustomerGrains.Host && dotnet build -c Release loadtests/CustomerGrains.LoadTests
# Reports land in OUT_DIR (spike/, cold/, seed.log, host.log, summary.txt); LIMIT bounds the wait for applied (s).
set -euo pipefail
n=${1:?customers}; out=${2:?output folder}; port=${3:-5181}; rate=${RATE:-2000}
here=$(cd "$(dirname "$0")" && pwd); root=$(dirname "$here")
source "$here/closed-loop.sh"
cd "$root"
url="http://127.0.0.1:$port"
runner() { dotnet run -c Release --no-build --project loadtests/CustomerGrains.LoadTests -- "$@"; }
host_args=(--Orleans:Collection:CollectionAge=02:00:00)
{
  echo "== $n customers"
  CUSTOMERS=$n LIMIT=${LIMIT:-3600} KEEP_HOST=1 bash loadtests/seed-to-applied.sh "$out" "$port" "${host_args[@]}"
  host=$(cat "$out/host.pid")
  runner run screenpop-spike --rate "$rate" --duration 30s --target "$url" --data "$out/seed" --baseline none \
    --floors off --no-thresholds --api-key demo-agent1-key --out "$out/spike"
  lua="$out/anis.lua"; screenpop_lua "$out/seed/phones.csv" "$lua" demo-agent1-key 200000
  measure "$host" 32 15 screenpop -s "$lua" "$url"
  measure "$host" 32 15 ping/grain -H "X-Api-Key: demo-agent1-key" "$url/api/ping/grain"
  echo "host RSS after the warm runs: $(( $(ps -o rss= -p "$host") / 1024 )) MB"
  kill -9 "$host"; sleep 1
  Logging__LogLevel__Default=Warning dotnet src/CustomerGrains.Host/bin/Release/net10.0/CustomerGrains.Host.dll \
    --environment=Development --urls="$url" --Storage:DataDirectory="$out/data" "${host_args[@]}" > "$out/host-cold.log" 2>&1 &
  cold=$!
  until curl -sf "$url/health/ready" > /dev/null; do kill -0 $cold || exit 1; sleep 0.5; done
  runner run cold-start --rate 300 --duration 30s --target "$url" --data "$out/seed" --baseline none --floors off \
    --no-thresholds --api-key demo-agent1-key --out "$out/cold"
  kill -9 $cold
} 2>&1 | tee "$out.summary.txt"
