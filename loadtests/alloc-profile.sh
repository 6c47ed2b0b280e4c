#!/usr/bin/env bash
# Where a running host allocates under a closed loop (issue 12's allocation profile):
#   bash loadtests/alloc-profile.sh HOST_PID OUT.nettrace [TOP] -- wrk-arguments...
# runs wrk -t2 -c32 -d14s with the given arguments (a URL, or -s LUA URL) against the host, traces the runtime's
# allocation samples (about one every 100 KB, with stacks) for 10 s of it with dotnet-trace (installed as a global
# tool if missing), then prints the TOP (default 25) types and methods the samples fall in (the Benchmarks project's
# allocations command; a method's share includes its callees').
# Build first: dotnet build -c Release loadtests/CustomerGrains.Benchmarks
set -euo pipefail
pid=${1:?host pid}; out=${2:?trace file}; shift 2
top=25
if [ "${1:-}" != "--" ]; then top=${1:?TOP or --}; shift; fi
[ "${1:-}" = "--" ] || { echo "usage: alloc-profile.sh HOST_PID OUT.nettrace [TOP] -- wrk-arguments..." >&2; exit 2; }
shift
here=$(cd "$(dirname "$0")" && pwd)
trace=${DOTNET_TRACE:-$HOME/.dotnet/tools/dotnet-trace}
[ -x "$trace" ] || dotnet tool install -g dotnet-trace > /dev/null
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
wrk -t2 -c32 -d14s "$@" > /dev/null &
load=$!
trap 'kill $load 2>/dev/null || true' EXIT
sleep 2
"$trace" collect -p "$pid" --providers Microsoft-Windows-DotNETRuntime:0x1:5 --duration 00:00:00:10 -o "$out" > /dev/null
wait $load
dotnet "$here/CustomerGrains.Benchmarks/bin/Release/net10.0/CustomerGrains.Benchmarks.dll" allocations "$out" "$top"
