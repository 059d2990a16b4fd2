#!/usr/bin/env bash
# MQTT benchmarks (docs/mqtt.md#measured, docs/benchmarks.md#mqtt), against Debian's mosquitto on a free port:
#   1. outage: the service runs the sample clip looping at PACE (default realtime: the file's 10 fps) with the actuation
#      scene; after WARM s the broker is stopped for OUTAGE s (default 10) and started again, RUNS times. Reported per
#      outage, from the service's own log: events waiting at the reconnect, how long after the broker was back the
#      service reconnected, and how long the outbox took to drain (all acknowledged).
#   2. dead broker: `smartcam bench` on the same scene with the mqtt: section pointing at a port nobody listens on, and
#      without mqtt:, BENCH_RUNS times each: the loop threads' bytes per frame and capture→publish latency.
#   scripts/bench-mqtt.sh [--runs N] [--outage S] [--pace realtime|max] [--bench-runs N] [--frames N]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=3 outage=10 pace=realtime warm=8 bench_runs=3 frames=1000
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --outage) outage=$2; shift 2 ;;
    --pace) pace=$2; shift 2 ;;
    --bench-runs) bench_runs=$2; shift 2 ;;
    --frames) frames=$2; shift 2 ;;
    *) echo "bench-mqtt: unknown option $1" >&2; exit 2 ;;
  esac
done
bin=${SMARTCAM_BIN:-out/smartcam/smartcam}
[ -x "$bin" ] || { echo "bench-mqtt: $bin missing: run scripts/publish.sh first" >&2; exit 2; }
command -v mosquitto >/dev/null || { echo "bench-mqtt: mosquitto missing: run scripts/setup.sh" >&2; exit 2; }

work=$(mktemp -d /tmp/smartcam-bench-mqtt.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

port=$(free_port)
cat >"$work/mosquitto.conf" <<EOF
user $(id -un)
listener $port 127.0.0.1
allow_anonymous true
persistence true
persistence_location $work/
EOF
broker=
start_broker() {
  mosquitto -c "$work/mosquitto.conf" >>"$work/mosquitto.log" 2>&1 &
  broker=$!
  pids+=("$broker")
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return; sleep 0.1; done
  echo "bench-mqtt: mosquitto did not start" >&2; exit 1
}
stop_broker() { kill -TERM "$broker"; wait "$broker" 2>/dev/null || true; }

scene() { # $1: mqtt url (or empty), $2: pace
  sed -e "s|../media|$PWD/media|; s|../models|$PWD/models|g; s|loop: false|loop: true|; s|pace: realtime|pace: $2|; s|tcp://127.0.0.1:5558|tcp://127.0.0.1:$(free_port)|" configs/actuation.yaml
  if [ -n "$1" ]; then printf '\nmqtt:\n  url: %s\n  client_id: bench\n  outbox: { path: %s/outbox }\n' "$1" "$work"; fi
}

echo "--- outage: ${runs} x ${outage} s with the clip at pace $pace ($bin, $(nproc) CPUs)"
start_broker
scene "mqtt://127.0.0.1:$port" "$pace" >"$work/outage.yaml"
"$bin" run --config "$work/outage.yaml" >"$work/service.log" 2>&1 &
service=$!
pids+=("$service")
sleep "$warm"
for r in $(seq "$runs"); do
  stop_broker
  down=$(date +%s.%N)
  sleep "$outage"
  start_broker
  up=$(date +%s.%N)
  # Wait for this outage's drain line (the reconnect backoff is at most 5 s).
  for _ in $(seq 300); do [ "$(grep -c 'outbox drained' "$work/service.log")" -ge "$r" ] && break; sleep 0.1; done
  drained=$(grep 'outbox drained' "$work/service.log" | sed -n "${r}p")
  connected=$(grep 'MQTT: connected to' "$work/service.log" | sed -n "$((r + 1))p")
  connected_at=$(date -d "$(date +%F) ${connected%% *}" +%s.%N)
  printf 'outage %d: down %.1f s; reconnected %.1f s after the broker was back; %s\n' "$r" "$(echo "$up - $down" | bc)" \
    "$(echo "$connected_at - $up" | bc)" "${drained#*MQTT: }"
  sleep "$warm"
done
kill -TERM "$service"; wait "$service" || true
stop_broker

echo "--- dead broker: smartcam bench --frames $frames, $bench_runs runs each, mqtt: to a port nobody listens on, then no mqtt:"
dead=$(free_port)
scene "mqtt://127.0.0.1:$dead" max >"$work/dead.yaml"
scene "" max >"$work/none.yaml"
for r in $(seq "$bench_runs"); do
  for cfg in dead none; do
    rm -rf "$work/outbox"
    "$bin" bench --config "$work/$cfg.yaml" --frames "$frames" --warmup 100 --json >"$work/$cfg-$r.json" 2>"$work/$cfg-$r.err" ||
      { cat "$work/$cfg-$r.err" >&2; exit 1; }
    /usr/bin/python3 - "$work/$cfg-$r.json" "$cfg" "$r" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
lat = r["latency_us"]["capture_to_publish"]
print(f"{sys.argv[2]:4} run {sys.argv[3]}: fps {r['fps']}, capture→publish p50 {lat['p50']} µs p99 {lat['p99']} µs max {lat['max']} µs, "
      f"loop threads {r['bytes_per_frame_pipeline']} B/frame (capture/infer/publish bytes {r['bytes_allocated']}), process {r['bytes_per_frame_process']} B/frame, gen0 GCs {r['gc']['gen0']}")
EOF
  done
done
