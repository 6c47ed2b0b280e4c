# Closed-loop helpers shared by ab-screenpop.sh, scale-curve.sh and gc-spike.sh (source this file; measure needs wrk,
# all need python3 or curl).
#   screenpop_lua PHONES_CSV LUA_FILE API_KEY SAMPLE   writes a wrk script cycling over SAMPLE numbers of the seed's
#                                                      phones.csv, drawn at random (seed 1), as GET /api/screenpop?ani=
#   measure HOST_PID CONNECTIONS SECONDS LABEL wrk-arguments...
#       one wrk closed loop; prints the rate, the p99 and the host's CPU time per request (utime + stime of HOST_PID over
#       the loop divided by the requests): on a shared machine the rate moves with the neighbours' load, the CPU per
#       request much less. With METRICS_URL set (the host's /metrics, read from the same machine) it also prints the
#       bytes the host allocated per request (the runtime's total-allocated counter over the loop, divided by the requests).

screenpop_lua() {
  python3 - "$1" "$2" "$3" "$4" <<'PY'
import random, sys
rows = [l.split(',', 1)[0] for l in open(sys.argv[1])][1:]
random.seed(1); s = random.sample(rows, min(int(sys.argv[4]), len(rows)))
open(sys.argv[2], 'w').write('anis = {' + ','.join('"%s"' % r.replace('+', '%2B') for r in s) + '}\n' + '''
c = 0
request = function()
  c = c + 1
  return wrk.format("GET", "/api/screenpop?ani=" .. anis[(c % #anis) + 1], {["X-Api-Key"]="KEY"})
end
'''.replace('KEY', sys.argv[3]))
PY
}

require_wrk() { command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }; }

measure() {
  require_wrk
  local pid=$1 conns=$2 secs=$3 label=$4; shift 4
  local before after out allocated_before allocated_after
  allocated_before=$(allocated)
  before=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  out=$(wrk -t2 -c"$conns" -d"${secs}s" --latency "$@")
  after=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  allocated_after=$(allocated)
  python3 - "$label" "$before" "$after" "$(getconf CLK_TCK)" "$out" "$allocated_before" "$allocated_after" <<'PY'
import re, sys
label, before, after, hz, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
allocated = (float(sys.argv[7]) - float(sys.argv[6])) if sys.argv[6] and sys.argv[7] else None
rate = float(re.search(r'Requests/sec:\s+([\d.]+)', out).group(1))
requests = int(re.search(r'(\d+) requests in', out).group(1))
p99 = re.search(r'\s99%\s+(\S+)', out).group(1)
bad = re.search(r'Non-2xx or 3xx responses: (\d+)', out)
print(f"{label:10} {rate:9.0f}/s  p99 {p99:>9}  host CPU {(after - before) / hz * 1e6 / requests:7.1f} us/request"
      + (f"  allocated {allocated / requests / 1024:5.1f} KB/request" if allocated is not None else "")
      + (f"  NOT 2xx: {bad.group(1)}" if bad else ""))
PY
}

# The host's bytes allocated since it started, from METRICS_URL (its /metrics); empty without it.
allocated() {
  [ -n "${METRICS_URL:-}" ] || return 0
  curl -sf "$METRICS_URL" | awk '/^dotnet_gc_heap_total_allocated_bytes/ && !seen {print $2; seen = 1}'
}
