#!/usr/bin/env bash
# One build's closed-loop screen-pop against the grain floor, for comparing builds in one sitting.
#   loadtests/ab-screenpop.sh TREE PORT DATA_DIR SEED_DIR [CUSTOMERS] [SECONDS] [CONNECTIONS]
# TREE is a checkout with the Release host and load runner built (dotnet build -c Release). Starts that host on PORT
# with DATA_DIR, seeds CUSTOMERS (default 20000) into it when DATA_DIR is new (the seed's files go to SEED_DIR), waits
# for the delivery backlog to reach 0, warms 5,000 sampled phone numbers, then twice: GET /api/screenpop (as the demo
# agent) and GET /api/ping/grain (an empty grain call behind the same authentication), each a wrk closed loop of
# SECONDS (default 15) with CONNECTIONS (default 32). For each it prints the rate, the p99, the host's CPU time per
# request (utime + stime of the host process over the loop, divided by the requests) and the bytes the host allocated
# per request (its /metrics): on a shared machine the rate moves with the neighbours' load, the two costs per request
# much less. Then the host's resident memory. Run it for each build in turn, each on its own DATA_DIR (a copy of one
# seeded folder gives both builds the same customers).
set -euo pipefail
tree=${1:?checkout}; port=${2:?port}; data=${3:?data folder}; seed=${4:?seed folder}; n=${5:-20000}; secs=${6:-15}; conns=${7:-32}
source "$(dirname "$0")/closed-loop.sh"
require_wrk
agent_key=${CUSTOMERGRAINS_API_KEY:-demo-agent1-key}
fresh=0; [ -d "$data" ] || fresh=1
cd "$tree"
Logging__LogLevel__Default=Warning dotnet src/CustomerGrains.Host/bin/Release/net10.0/CustomerGrains.Host.dll \
  --environment=Development --urls=http://127.0.0.1:$port --Orleans:SiloPort=$((port + 1)) --Orleans:GatewayPort=$((port + 2)) \
  --Storage:DataDirectory="$data" >"$data.host.log" 2>&1 &
host=$!
lua=$(mktemp --suffix .lua)
trap 'kill $host 2>/dev/null || true; wait $host 2>/dev/null || true; rm -f "$lua"' EXIT
until curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null; do
  kill -0 $host 2>/dev/null || { echo "the host stopped; see $data.host.log" >&2; exit 1; }
  sleep 1
done
if [ $fresh = 1 ]; then
  dotnet run -c Release --no-build --project loadtests/CustomerGrains.LoadTests -- seed --customers "$n" \
    --target "http://127.0.0.1:$port" --data "$seed" --api-key demo-service-key | tail -1
  until [ "$(curl -s -H 'X-Api-Key: demo-admin-key' "http://127.0.0.1:$port/api/diagnostics/delivery" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["behind"])')" = 0 ]; do sleep 2; done
fi
export METRICS_URL=http://127.0.0.1:$port/metrics
screenpop_lua "$seed/phones.csv" "$lua" "$agent_key" 5000
wrk -t2 -c"$conns" -d10s -s "$lua" "http://127.0.0.1:$port" >/dev/null 2>&1
for run in 1 2; do
  measure $host "$conns" "$secs" screenpop -s "$lua" "http://127.0.0.1:$port"
  measure $host "$conns" "$secs" ping/grain -H "X-Api-Key: $agent_key" "http://127.0.0.1:$port/api/ping/grain"
done
echo "host RSS: $(ps -o rss= -p $host) KB"
