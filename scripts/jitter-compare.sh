#!/usr/bin/env bash
# Wake-up lateness on the loop CPU: `smartcam jitter` (alone and with the pipeline running) next to
# cyclictest (Debian rt-tests) on the same CPU, priority and period; first without load, then under
# `stress-ng --cpu 2`. Then the pipeline's own loop lateness (`smartcam bench`, capture paced at
# 25 fps, loop threads SCHED_FIFO on CPU 1) under the same conditions. Needs root (SCHED_FIFO).
# The results go to docs/realtime.md.
#   scripts/jitter-compare.sh [SECONDS]   (default 10 per run)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
for p in rt-tests stress-ng; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$p" >/dev/null
done
smartcam=${SMARTCAM_BIN:-src/SmartCam/bin/Release/net10.0/linux-x64/smartcam}
[ -x "$smartcam" ] || dotnet build src/SmartCam/SmartCam.csproj -c Release -v quiet --nologo

# cyclictest's histogram (one line per µs bucket) → p50/p99/p99.9/max, as smartcam jitter reports them.
cyclic() {
  cyclictest -m -q -p 90 -a 1 -t 1 -i 1000 -l $((seconds * 1000)) -h 20000 2>/dev/null | awk '
    /^[0-9]/ { n[$1 + 0] += $2; total += $2 }
    /^# Max Latencies/ { max = $4 + 0 }
    END {
      split("0.5 0.99 0.999", q, " "); seen = 0; k = 1
      for (us = 0; us <= 20000 && k <= 3; us++) { seen += n[us]; while (k <= 3 && seen >= q[k] * total) { v[k] = us; k++ } }
      printf "%-24s %9d %8d %8d %8d %8d\n", "cyclictest", total, v[1], v[2], v[3], max }'
}

# The running pipeline's loop lateness, from `smartcam bench` (frames for the same number of seconds at 25 fps).
lateness() {
  "$smartcam" bench --config configs/realtime.yaml --frames $((seconds * 25)) --warmup 25 --bare 50 --json 2>/dev/null | tail -1 | /usr/bin/python3 -c '
import json, sys
r = json.load(sys.stdin)
for loop, l in r["lateness_us"].items():
    print("%-24s %9d %8d %8d %8d %8d" % ("pipeline " + loop + " loop", r["frames"], l["p50"], l["p99"], l["p999"], l["max"]))
print("%-24s %d of %d frames missed the %d us period; loop-thread page faults %d minor, %d major" % ("pipeline deadline",
      r["deadline"]["misses"], r["frames"], r["deadline"]["period_us"], r["page_faults"]["loop_minor"], r["page_faults"]["loop_major"]))'
}

run() {
  echo "== $1"
  echo "run                        samples      p50      p99    p99.9      max   (µs)"
  "$smartcam" jitter --config configs/realtime.yaml --seconds "$seconds" | tail -n +3 | sed 's/^/smartcam jitter: /' | cut -c1-80
  cyclic
  lateness
}

run "no load"
stress-ng --cpu 2 --timeout $((seconds * 6 + 30))s >/dev/null 2>&1 &
stress=$!
trap 'kill $stress 2>/dev/null; wait $stress 2>/dev/null || true' EXIT
sleep 1
run "stress-ng --cpu 2"
