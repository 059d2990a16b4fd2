#!/usr/bin/env bash
# Soak test: runs the service for HOURS on the sample footage looped at its own 10 fps, with a
# zone, a line, two rules and two `driver: log` outputs, and a python3-zmq subscriber reading every
# message. Every SOAK_INTERVAL_S seconds (default 60) it samples the process into OUTDIR/soak.csv:
# RSS, open fds, threads, GCs, frames processed and dropped, capture->publish p50/p99 (from the
# status. message) and messages received. At the end OUTDIR/summary.txt has the least-squares
# slope per hour of RSS, fds, threads and GCs, and the drop rate.
#   scripts/soak.sh HOURS [OUTDIR]          # e.g. scripts/soak.sh 1 /tmp/soak
#   SOAK_INTERVAL_S=10 scripts/soak.sh 0.05 # a 3-minute smoke run: checks the mechanics; its RSS slope
#                                           # fails the bound (the first pass of the file adds ~3 MB)
# Binary: SMARTCAM_BIN, else out/smartcam/smartcam (scripts/publish.sh). Port: SOAK_PORT (5780).
# SOAK_WARMUP_S (default 300, a few passes of the file): the first seconds left out of the fit (start-up growth is no leak).
# Exit: 0 all slopes within their bounds (scripts/soak_monitor.py, BOUNDS_PER_HOUR), 3 a slope
# exceeded its bound, 2 bad use, the service died or stopped publishing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
usage() { echo "usage: scripts/soak.sh HOURS [OUTDIR]  (HOURS: a positive number, e.g. 1 or 0.05)" >&2; exit 2; }
[ $# -ge 1 ] && [ $# -le 2 ] || usage
[[ "$1" =~ ^[0-9]*\.?[0-9]+$ ]] || usage
duration_s=$(awk -v h="$1" 'BEGIN { printf "%d", h * 3600 }')
[ "$duration_s" -gt 0 ] || usage
out=${2:-$root/out/soak}
interval=${SOAK_INTERVAL_S:-60}
warmup=${SOAK_WARMUP_S:-300}
port=${SOAK_PORT:-5780}
bin=${SMARTCAM_BIN:-$root/out/smartcam/smartcam}
[ -x "$bin" ] || { echo "soak: $bin is not an executable (run scripts/publish.sh or set SMARTCAM_BIN)" >&2; exit 2; }
for f in media/vtest.avi models/yolox_nano.onnx models/coco80.names; do
  [ -f "$root/$f" ] || { echo "soak: $root/$f is missing (run scripts/setup.sh)" >&2; exit 2; }
done
mkdir -p "$out"
out=$(cd "$out" && pwd)

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do
    # The service stops on SIGTERM within its linger time; anything still there after 10 s is killed.
    for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  pids=()
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

cat >"$out/soak.yaml" <<YAML
# Written by scripts/soak.sh: configs/actuation.yaml, looped, on port $port.
camera:
  id: cam0
  source: file://$root/media/vtest.avi
  loop: true
  pace: realtime
model:
  path: $root/models/yolox_nano.onnx
  family: yolox
  labels: $root/models/coco80.names
detect:
  score: 0.3
  nms_iou: 0.45
publish:
  endpoint: tcp://127.0.0.1:$port
tracking:
  anchor: bottom_center
zones:
  middle: { polygon: [[0.40, 0.30], [0.60, 0.30], [0.60, 0.60], [0.40, 0.60]], loiter_s: 5 }
lines:
  gate: { points: [[0.50, 0.25], [0.50, 0.75]] }
outputs:
  lamp:   { driver: log, safe: low }
  beacon: { driver: log, safe: low }
actuation:
  watchdog_ms: 2000
rules:
  - name: someone-in-the-middle
    when: { labels: [person], zone: middle, min_score: 0.5, min_frames: 3 }
    then: { output: lamp, hold_ms: 1000 }
  - name: walked-through-the-gate
    when: { labels: [person], line: gate }
    then: { output: beacon, pulse_ms: 300, cooldown_ms: 1000 }
YAML

echo "soak: $bin for ${duration_s} s, sampling every ${interval} s into $out/soak.csv"
"$bin" run --config "$out/soak.yaml" >"$out/smartcam.log" 2>&1 &
service=$!
pids+=("$service")
rm -f "$out/ready"
set +e
/usr/bin/python3 "$root/scripts/soak_monitor.py" --pid "$service" --endpoint "tcp://127.0.0.1:$port" \
  --interval "$interval" --duration "$duration_s" --warmup "$warmup" \
  --csv "$out/soak.csv" --summary "$out/summary.txt" --ready-file "$out/ready" &
monitor=$!
pids+=("$monitor")
wait "$monitor"
status=$?
set -e
pids=("$service")
echo "soak: exit $status (summary: $out/summary.txt, service log: $out/smartcam.log)"
exit "$status"
