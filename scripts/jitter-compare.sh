#!/usr/bin/env bash
# Wake-up lateness on the loop CPU: `smartcam jitter` (alone and with the pipeline running) next to
# cyclictest (Debian rt-tests) on the same CPU, priority and period; first without load, then under
# `stress-ng --cpu 2`. Needs root (SCHED_FIFO). The results go to docs/realtime.md.
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

run() {
  echo "== $1"
  echo "run                        samples      p50      p99    p99.9      max   (µs)"
  "$smartcam" jitter --config configs/realtime.yaml --seconds "$seconds" | tail -n +3 | sed 's/^/smartcam jitter: /' | cut -c1-80
  cyclic
}

run "no load"
stress-ng --cpu 2 --timeout $((seconds * 4 + 10))s >/dev/null 2>&1 &
stress=$!
trap 'kill $stress 2>/dev/null; wait $stress 2>/dev/null || true' EXIT
sleep 1
run "stress-ng --cpu 2"
