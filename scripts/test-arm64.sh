#!/usr/bin/env bash
# The linux-arm64 build, proven on an x64 machine: runs the arm64 binary (out/smartcam-arm64/, built by
# scripts/publish.sh --arch arm64) as a real arm64 process under qemu-user emulation (binfmt_misc, the arm64
# Debian root of scripts/arm64-sysroot.sh as QEMU_LD_PREFIX) and checks it against the x64 binary (out/smartcam/):
#   - --version prints the same line; validate accepts configs/demo.yaml; doctor prints its report (its exit
#     status reflects this host, so it is recorded, not judged); a broken config (detect.score: 3.5) exits 2
#     with one line naming the key, the same line as x64;
#   - the first FRAMES frames of media/vtest.avi through the yolox_nano model, each binary publishing on its own
#     loopback port to tests/python/collect_messages.py (schema-checked, until the run's "ended" status), and
#     tests/python/arch_compare.py (self-tested first) requires the arm64 run's boxes to match x64's frame by
#     frame (>= 99 % of x64's boxes at IoU >= 0.9, same class; docs/arm64.md#testing-under-emulation);
#   - the same for one JPEG still (media/messi5.jpg), which goes through OpenCV's imgcodecs instead of videoio;
#   - the arm64 clip run serves HTTP: /healthz and /metrics answer while it runs.
# Times and sizes are reported, never judged. Last line: "test-arm64: ok: ..." or "test-arm64: FAIL: ..." (exit 1).
#   scripts/test-arm64.sh                  (as root: it may install packages and register binfmt_misc handlers)
# Environment: FRAMES (default 48) clip length; SKIP_PUBLISH=1 reuses out/smartcam-arm64/ when it holds a binary
# (otherwise scripts/publish.sh --arch arm64 builds it); out/smartcam/ is published (--arch x64) only when missing;
# KEEP=1 keeps the work folder (logs, clip, messages).
# Installs (when missing): qemu-user-static (apt), `file`; mounts binfmt_misc and registers qemu-aarch64 there.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
FRAMES=${FRAMES:-48}
X64_DIR=out/smartcam
ARM_DIR=out/smartcam-arm64
CLIP_SOURCE=media/vtest.avi
STILL_SOURCE=media/messi5.jpg
MODEL=models/yolox_nano.onnx
X64_SECONDS_PER_FRAME=5      # timeouts only (a wedged run must not hang CI); never judged
ARM_SECONDS_PER_FRAME=30     # emulated inference is ~4 s a frame on a CI core
RUN_SLACK_SECONDS=120        # start-up (model load under emulation) and the end
PY=/usr/bin/python3          # Debian's python: python3-zmq, python3-jsonschema
say() { echo "test-arm64: $*"; }
die() { say "FAIL: $*"; exit 1; }
case "$FRAMES" in ''|*[!0-9]*|0) echo "test-arm64: FRAMES=$FRAMES: expected a whole number of frames above 0" >&2; exit 2 ;; esac
[ "$(id -u)" -eq 0 ] || { echo "test-arm64: run as root (it installs qemu-user-static and registers binfmt_misc)" >&2; exit 2; }

work=$(mktemp -d /tmp/smartcam-arm64-test.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  if [ "${KEEP:-0}" = 1 ]; then say "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# 1. qemu-user-static and the binfmt_misc handler (each step only when it is not done yet), and `file`.
bash scripts/qemu-arm64.sh | sed 's/^/test-arm64: /'
command -v file > /dev/null || { apt-get update -q > /dev/null; DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends file > /dev/null; }

# 2. The two builds.
if [ "${SKIP_PUBLISH:-0}" = 1 ] && [ -x "$ARM_DIR/smartcam" ]; then say "SKIP_PUBLISH=1: using $ARM_DIR as it is"
else say "publishing $ARM_DIR (scripts/publish.sh --arch arm64)"; bash scripts/publish.sh --arch arm64; fi
if [ -x "$X64_DIR/smartcam" ]; then say "using $X64_DIR as it is"
else say "publishing $X64_DIR (scripts/publish.sh --arch x64)"; bash scripts/publish.sh --arch x64; fi
x64=$root/$X64_DIR/smartcam
arm=$root/$ARM_DIR/smartcam
export QEMU_LD_PREFIX
QEMU_LD_PREFIX=$(bash scripts/arm64-sysroot.sh)
say "QEMU_LD_PREFIX=$QEMU_LD_PREFIX"
# The arm64 program sees an arm64 /proc/cpuinfo, as on a board (qemu-user passes this x86 host's through, on which
# ONNX Runtime's CPU detection can crash: scripts/arm64-cpuinfo.sh). $arm runs it so, in a private mount namespace;
# unshare and sh exec, so it stays one process that timeout and kill reach.
cpuinfo=$(bash scripts/arm64-cpuinfo.sh)
arm_bin=$arm
arm=$work/smartcam-arm64
printf '#!/bin/sh\nexec unshare --mount --propagation private sh -c '"'"'mount --bind "$0" /proc/cpuinfo && exec "$@"'"'"' %q %q "$@"\n' "$cpuinfo" "$arm_bin" > "$arm"
chmod +x "$arm"
say "/proc/cpuinfo for the arm64 program: $cpuinfo ($(grep -c '^processor' "$cpuinfo") Cortex-A76 entries)"

failures=()
check() { # NAME RESULT(0 = ok) DETAIL
  if [ "$2" = 0 ]; then say "  ok    $1: $3"; else say "  FAIL  $1: $3"; failures+=("$1"); fi
}

# 3. The command line under emulation.
kind=$(file -b "$arm_bin")
kind=${kind%%, BuildID*}
case "$kind" in *"ARM aarch64"*) r=0 ;; *) r=1 ;; esac
check "arm64 binary" $r "$kind"
x64_version=$("$x64" --version 2>&1) || true
arm_version=$("$arm" --version 2>&1) || true
[ -n "$arm_version" ] && [ "$arm_version" = "$x64_version" ] && r=0 || r=1
[ "$r" = 0 ] || hint=" (both must be built from the same commit: publish them again)"
check "--version" $r "arm64 '$arm_version', x64 '$x64_version'${hint:-}"
r=0; "$arm" validate --config configs/demo.yaml > "$work/validate.log" 2>&1 || r=$?
check "validate configs/demo.yaml" $r "exit $r; $(grep -m1 '^config' "$work/validate.log" || tail -1 "$work/validate.log")"
doctor_rc=0; "$arm" doctor > "$work/doctor.log" 2>&1 || doctor_rc=$?
summary=$(grep -E '^[0-9]+ failed, [0-9]+ warnings, [0-9]+ passed$' "$work/doctor.log" || true)
trace=$(grep -E -m1 '^Unhandled exception|^   at |Exception: ' "$work/doctor.log" || true)
[ -n "$summary" ] && [ -z "$trace" ] && r=0 || r=1
check "doctor" $r "exit $doctor_rc (this host's state, not judged), '${summary:-no summary line}'${trace:+, stack trace: $trace}"
[ "$r" = 0 ] || sed 's/^/    /' "$work/doctor.log" | tail -20

# The clip run's config; the broken one differs in detect.score only.
clip=$work/clip.avi
ffmpeg -v error -nostdin -i "$CLIP_SOURCE" -frames:v "$FRAMES" -c:v copy -y "$clip"
clip_frames=$(ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames -of csv=p=0 "$clip")
[ "$clip_frames" = "$FRAMES" ] || die "the cut clip $clip has $clip_frames frames, expected $FRAMES"
free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
config() { # PORT SCORE [SOURCE] > config
  printf 'camera:\n  id: cam0\n  source: file://%s\n  loop: false\n  pace: max\n' "${3:-$clip}"
  printf 'model:\n  path: %s/%s\n  family: yolox\n  labels: %s/models/coco80.names\n' "$root" "$MODEL" "$root"
  printf 'detect:\n  score: %s\n  nms_iou: 0.45\n' "$2"
  # collect_messages.py --until-ended subscribes twice (det.cam0, status.cam0): start once both are in.
  printf 'publish:\n  endpoint: tcp://127.0.0.1:%s\n  wait_for_subscribers: 2\n  wait_timeout_ms: 60000\n' "$1"
}
config 5556 3.5 > "$work/broken.yaml"
x64_r=0; "$x64" validate --config "$work/broken.yaml" > "$work/broken-x64.log" 2>&1 || x64_r=$?
arm_r=0; "$arm" validate --config "$work/broken.yaml" > "$work/broken-arm64.log" 2>&1 || arm_r=$?
lines=$(wc -l < "$work/broken-arm64.log")
[ "$arm_r" = 2 ] && [ "$lines" = 1 ] && grep -q 'detect\.score' "$work/broken-arm64.log" \
  && cmp -s "$work/broken-x64.log" "$work/broken-arm64.log" && r=0 || r=1
check "broken config (detect.score: 3.5)" $r "exit $arm_r (x64 $x64_r), $lines line(s): $(head -1 "$work/broken-arm64.log")"
[ "$r" = 0 ] || { echo "    x64 said:"; sed 's/^/    /' "$work/broken-x64.log"; }

# 4. The same clip through both builds, each to its own subscriber. ZeroMQ connects before the binary starts
# (wait_for_subscribers), so every frame's message arrives; the run's "ended" status ends the subscriber.
ns() { date +%s%N; }
clip_run() { # NAME SECONDS_PER_FRAME BINARY [SOURCE FRAMES] → $work/NAME.jsonl, NAME.log, NAME.summary; sets run_rc, sub_rc, run_ms
  local name=$1 source=${4:-$clip} frames=${5:-$FRAMES} port t0 sub
  local limit=$(( $2 * frames + RUN_SLACK_SECONDS ))
  port=$(free_port)
  config "$port" 0.3 "$source" > "$work/$name.yaml"
  "$PY" tests/python/collect_messages.py --endpoint "tcp://127.0.0.1:$port" --topic det.cam0 --count 100000 --until-ended \
    --timeout $(( limit + 30 )) --schema docs/schema/det.v1.schema.json --out "$work/$name.jsonl" > "$work/$name.summary" 2>&1 &
  sub=$!; pids+=("$sub")
  # The arm64 clip run also serves HTTP (Kestrel from the shared framework), asked while it runs.
  local http_port=
  if [ "$name" = arm64 ]; then http_port=$(free_port); printf 'http:\n  listen: 127.0.0.1:%s\n' "$http_port" >> "$work/$name.yaml"; fi
  t0=$(ns)
  timeout "$limit" "$3" run --config "$work/$name.yaml" > "$work/$name.log" 2>&1 &
  local run=$!; pids+=("$run")
  if [ -n "$http_port" ]; then
    until curl -sf -o "$work/healthz.json" "http://127.0.0.1:$http_port/healthz" || ! kill -0 "$run" 2>/dev/null; do sleep 0.2; done
    # /metrics carries a camera's figures from its first status message on (status every second).
    until { curl -sf -o "$work/metrics.txt" "http://127.0.0.1:$http_port/metrics" && grep -q '^smartcam_frames_processed_total{camera="cam0"}' "$work/metrics.txt"; } \
      || ! kill -0 "$run" 2>/dev/null; do sleep 0.2; done
    grep -q '"cam0"' "$work/healthz.json" 2>/dev/null && grep -q '^smartcam_frames_processed_total{camera="cam0"}' "$work/metrics.txt" 2>/dev/null && r=0 || r=1
    check "arm64 HTTP (/healthz, /metrics)" $r "$(cat "$work/healthz.json" 2>/dev/null || echo 'no answer'); $(grep -m1 '^smartcam_frames_processed_total' "$work/metrics.txt" 2>/dev/null || echo 'no metrics')"
  fi
  run_rc=0; wait "$run" || run_rc=$?
  run_ms=$(( ($(ns) - t0) / 1000000 ))
  # A run that failed may never send "ended": its subscriber is stopped, not waited out.
  [ "$run_rc" = 0 ] || kill "$sub" 2>/dev/null || true
  sub_rc=0; wait "$sub" || sub_rc=$?
  pids=()
  local got; got=$(wc -l < "$work/$name.jsonl")
  [ "$run_rc" = 0 ] && [ "$sub_rc" = 0 ] && [ "$got" = "$frames" ] && r=0 || r=1
  check "$name run" $r "exit $run_rc in $run_ms ms, subscriber exit $sub_rc, $got det. messages (of $frames): $(cat "$work/$name.summary")"
  [ "$r" = 0 ] || { echo "    $name log, last lines:"; tail -15 "$work/$name.log" | sed 's/^/    /'; }
}
median_infer() { # LOG → the run's median inference in ms, from its summary line ("median ... infer N µs")
  grep -o 'infer [0-9]* µs' "$1" | tail -1 | awk '{ printf "%.1f ms", $2 / 1000 }' | grep . || echo '? ms'; }
say "clip: the first $FRAMES frames of $CLIP_SOURCE ($clip_frames counted by ffprobe), $MODEL, detect score 0.3, NMS 0.45"
clip_run x64 "$X64_SECONDS_PER_FRAME" "$x64"; x64_ms=$run_ms
clip_run arm64 "$ARM_SECONDS_PER_FRAME" "$arm"; arm_ms=$run_ms

# 5. The comparison, its own verdicts checked first.
r=0; "$PY" tests/python/arch_compare.py --self-test > "$work/self-test.log" 2>&1 || r=$?
check "arch_compare.py --self-test" $r "$(tail -1 "$work/self-test.log")"
[ "$r" = 0 ] || sed 's/^/    /' "$work/self-test.log"
r=0; compared=$("$PY" tests/python/arch_compare.py --reference "$work/x64.jsonl" --candidate "$work/arm64.jsonl" --frames "$FRAMES" 2>&1) || r=$?
check "arm64 vs x64 detections" $r "$compared"
# A JPEG still: the arm64 OpenCV's imgcodecs decodes it through Debian's libjpeg-turbo (the clip went through
# videoio and FFmpeg); one frame, the same bar.
clip_run x64-still "$X64_SECONDS_PER_FRAME" "$x64" "$root/$STILL_SOURCE" 1
clip_run arm64-still "$ARM_SECONDS_PER_FRAME" "$arm" "$root/$STILL_SOURCE" 1
r=0; still=$("$PY" tests/python/arch_compare.py --reference "$work/x64-still.jsonl" --candidate "$work/arm64-still.jsonl" --frames 1 2>&1) || r=$?
check "arm64 vs x64 detections on $STILL_SOURCE" $r "$still"

# 6. Figures: reported, not judged.
size() { local b; b=$(stat -c %s "$ARM_DIR/$1" 2>/dev/null) && awk -v f="$1" -v b="$b" 'BEGIN { printf "%s %.1f MiB", f, b / 1048576 }' || echo "$1 missing"; }
sizes="$(size smartcam), $(size libOpenCvSharpExtern.so), $(size libonnxruntime.so)"
per_frame() { awk -v ms="$1" -v n="$FRAMES" 'BEGIN { printf "%.0f ms", ms / n }'; }
figures="arm64 (emulated) $(per_frame "$arm_ms")/frame over the run, median infer $(median_infer "$work/arm64.log"); x64 $(per_frame "$x64_ms")/frame, median infer $(median_infer "$work/x64.log"); $sizes; doctor exit $doctor_rc; total ${SECONDS} s"
match=$(sed -n 's/^arch-compare: [A-Za-z]*: //p' <<< "$compared" | head -1)
if [ ${#failures[@]} -gt 0 ]; then say "FAIL: ${failures[*]}; $figures"; exit 1; fi
say "ok: $match; $figures"
