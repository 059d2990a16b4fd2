#!/usr/bin/env bash
# Reproduces docs/benchmarks.md on this machine: the Native AOT binary's `smartcam bench` (three runs,
# 10 000 frames each, FRAMES=N to change), the same with and without live viewers, the publish→receive latency seen by a python3-zmq subscriber,
# and the many-cameras bench of configs/multicam.yaml (three runs, SECONDS_PER_WINDOW=S, default 20).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
scripts/publish.sh >/dev/null
bin=out/smartcam/smartcam
for i in 1 2 3; do
  echo "=== smartcam bench --config configs/bench.yaml --frames ${FRAMES:-10000} (run $i)"
  "$bin" bench --config configs/bench.yaml --frames "${FRAMES:-10000}"
done

# The loop with live viewers (docs/benchmarks.md#viewers): no viewer and three (one MJPEG, two live pages), alternated.
for i in 1 2 3; do
  for v in 0 3; do
    echo "=== smartcam bench --config configs/bench.yaml --frames ${FRAMES:-10000} --viewers $v (run $i)"
    "$bin" bench --config configs/bench.yaml --frames "${FRAMES:-10000}" --viewers "$v" --json
  done
done

echo "=== subscriber-side latency: vtest.avi, pace: max, one python3-zmq subscriber"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed -e "s|file://\.\./|file://$PWD/|; s|\.\./models|$PWD/models|g; s|tcp://127.0.0.1:5556|tcp://127.0.0.1:5558|" configs/demo.yaml >"$tmp/latency.yaml"
for i in 1 2 3; do
  /usr/bin/python3 scripts/subscriber_latency.py --endpoint tcp://127.0.0.1:5558 --count 795 --ready-file "$tmp/ready" >"$tmp/out" &
  sub=$!
  while [ ! -f "$tmp/ready" ]; do sleep 0.05; done
  "$bin" run --config "$tmp/latency.yaml" 2>/dev/null
  wait "$sub"
  rm -f "$tmp/ready"
  echo "run $i: $(cat "$tmp/out")"
done

echo "=== many cameras, one detector: smartcam bench --config configs/multicam.yaml --seconds ${SECONDS_PER_WINDOW:-20}"
for i in 1 2 3; do
  echo "--- run $i"
  "$bin" bench --config configs/multicam.yaml --seconds "${SECONDS_PER_WINDOW:-20}"
done
