#!/usr/bin/env bash
# The host's garbage collections during a screen-pop spike (issue 12's profile of the warm p99):
#   bash loadtests/gc-spike.sh HOST_PID URL SEED_DIR OUT_DIR [RATE] [SECONDS]
# traces the GC events of the running host (dotnet-trace, installed as a global tool if missing) while the load runner
# runs screenpop-spike at RATE (default 2000/s) for SECONDS (default 30) against URL with the seed's numbers, then
# prints the spike's figures, the host's CPU time and allocated bytes over the run, and every collection with its pause,
# promoted bytes and mark time on older generations (the Benchmarks project's gc-pauses command).
# Build first: dotnet build -c Release loadtests/CustomerGrains.LoadTests && dotnet build -c Release loadtests/CustomerGrains.Benchmarks
set -euo pipefail
pid=${1:?host pid}; url=${2:?host url}; seed=${3:?seed folder}; out=${4:?output folder}; rate=${5:-2000}; secs=${6:-30}
here=$(cd "$(dirname "$0")" && pwd); root=$(dirname "$here")
trace=${DOTNET_TRACE:-$HOME/.dotnet/tools/dotnet-trace}
[ -x "$trace" ] || dotnet tool install -g dotnet-trace > /dev/null
mkdir -p "$out"
source "$here/closed-loop.sh"
export METRICS_URL="$url/metrics"
cpu() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
"$trace" collect -p "$pid" --providers Microsoft-Windows-DotNETRuntime:0x1:4 --duration "00:00:$((secs + 12))" \
  -o "$out/gc.nettrace" > "$out/trace.log" 2>&1 &
tracer=$!
sleep 2
a0=$(allocated); c0=$(cpu)
dotnet "$root/loadtests/CustomerGrains.LoadTests/bin/Release/net10.0/CustomerGrains.LoadTests.dll" run screenpop-spike --rate "$rate" \
  --ramp 5s --duration "${secs}s" --target "$url" --data "$seed" --api-key "${API_KEY:-demo-agent1-key}" --baseline none \
  --floors off --no-thresholds --out "$out/spike" > "$out/spike.txt" 2>&1
a1=$(allocated); c1=$(cpu)
wait "$tracer"
grep '^| screenpop-spike' "$out/spike.txt"
echo "host CPU $(( (c1 - c0) / $(getconf CLK_TCK) )) s, allocated $(( (${a1%.*} - ${a0%.*}) / 1000000 )) MB, RSS $(( $(ps -o rss= -p "$pid") / 1024 )) MB"
dotnet "$root/loadtests/CustomerGrains.Benchmarks/bin/Release/net10.0/CustomerGrains.Benchmarks.dll" gc-pauses "$out/gc.nettrace" | tee "$out/gc.txt" | tail -4
