#!/usr/bin/env bash
# One build's closed-loop screen-pop against the grain floor, for comparing builds in one sitting.
#   loadtests/ab-screenpop.sh TREE PORT DATA_DIR SEED_DIR [CUSTOMERS]
# TREE is a checkout with the Release host and load runner built (dotnet build -c Release). Starts that host on PORT
# with DATA_DIR (at a raised priority when allowed), seeds CUSTOMERS (default 20000) into SEED_DIR unless it holds a seed
# already, waits for the delivery backlog to reach 0, runs ../shared/tools/wrk-screenpop.sh twice, prints the host's
# resident memory and stops the host. Run it for each build in turn, on separate data and seed folders.
set -euo pipefail
tree=${1:?checkout}; port=${2:?port}; data=${3:?data folder}; seed=${4:?seed folder}; n=${5:-20000}
script_dir=$(cd "$(dirname "$0")" && pwd)
wrk_screenpop=${WRK_SCREENPOP:-$script_dir/../../shared/tools/wrk-screenpop.sh}
nice=(nice -n -10); "${nice[@]}" true 2>/dev/null || nice=()
cd "$tree"
Logging__LogLevel__Default=Warning "${nice[@]}" dotnet src/CustomerGrains.Host/bin/Release/net10.0/CustomerGrains.Host.dll \
  --environment=Development --urls=http://127.0.0.1:$port --Orleans:SiloPort=$((port + 1)) --Orleans:GatewayPort=$((port + 2)) \
  --Storage:DataDirectory="$data" >"$data.host.log" 2>&1 &
host=$!
trap 'kill $host 2>/dev/null || true' EXIT
until curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null; do
  kill -0 $host 2>/dev/null || { echo "the host stopped; see $data.host.log" >&2; exit 1; }
  sleep 1
done
if [ ! -f "$seed/phones.csv" ]; then
  dotnet run -c Release --no-build --project loadtests/CustomerGrains.LoadTests -- seed --customers "$n" \
    --target "http://127.0.0.1:$port" --data "$seed" --api-key demo-service-key | tail -1
  until [ "$(curl -s -H 'X-Api-Key: demo-admin-key' "http://127.0.0.1:$port/api/diagnostics/delivery" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["behind"])')" = 0 ]; do sleep 2; done
fi
for run in 1 2; do "${nice[@]}" bash "$wrk_screenpop" "http://127.0.0.1:$port" "$seed" 15 32; done
echo "host RSS: $(ps -o rss= -p $host) KB"
