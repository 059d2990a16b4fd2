#!/usr/bin/env bash
# Tests the OCI image scripts/build-container.sh makes and the fleet manifests (issue 14; run by .ci/run):
#  1. manifests: every deploy/kubernetes/*.yaml validated offline against the Kubernetes API schema
#     (tests/kubernetes/validate_manifests.py, strict), known-bad edits refused; the Prometheus fleet config
#     and alert rules checked and unit-tested with promtool;
#  2. the image: `--version`; `doctor` on a read-only root, once granted nothing (it must say so) and once
#     with the manifest's capabilities and cgroup limits (it must report them); a run of the sample clip whose
#     det. messages a host subscriber receives and validates, and a clean exit on SIGTERM;
#  3. `podman kube play deploy/kubernetes/smartcam-deployment.yaml` (hostPaths pointed at MODELS and MEDIA,
#     host ports on 127.0.0.1): /healthz, the token on /api/status and /metrics, det. messages on the host, the
#     main process's uid and capabilities read from the host's /proc; stopped as a kubelet stops it (SIGTERM
#     and a grace period), the service drives its outputs safe (a `safe` event before its last status) and
#     exits 0; `podman kube down` removes it;
#  4. the same Deployment with a broken ConfigMap: the container exits 2 with the config error as its only
#     log line, no stack trace;
#  5. the arm64 image (issue 30), emulated (`podman run --arch arm64`: binfmt_misc and qemu-user-static): its
#     declared architecture, `--version`, and a run of a 12-frame cut of the sample clip (emulated inference
#     takes seconds a frame) whose det. messages a host subscriber receives and validates, its main process
#     an arm64 program run by the kernel through the qemu-aarch64 interpreter (read from the host's /proc),
#     a clean exit on SIGTERM; when the manifest list IMAGE_NAME:VERSION of `build-container.sh --arch all`
#     exists, that it lists exactly the two images, linux/amd64 and linux/arm64.
#   scripts/test-container.sh [IMAGE]        (default localhost/smartcam:latest; BUILD=1 builds it first,
#                                             with ARM64=1 both: build-container.sh --arch all)
# Environment: MODELS (default models/), MEDIA (default media/), PORT (first of three host ports, 15556),
# ARM64 (auto: part 5 when ARM64_IMAGE exists, 1: part 5 required, 0: skipped), ARM64_IMAGE (default
# IMAGE's repository :latest-arm64).
# Hosts where podman's defaults cannot start a container (a VM with hybrid cgroups: crun refuses them; no
# CAP_SYS_RESOURCE: podman's raised rlimits fail) are detected with one probe run, and runc with explicit
# rlimits is used instead, for `podman run` and (through CONTAINERS_CONF) `podman kube play` (docs/container.md).
# Needs /usr/bin/python3 with python3-zmq, python3-jsonschema, python3-yaml; installs podman, runc, catatonit (the pause
# process podman kube play builds its infra image from) and prometheus (promtool); for part 5 qemu-user-static
# and ffmpeg (mounting binfmt_misc and registering qemu-aarch64 if they are not).
set -euo pipefail
cd "$(dirname "$0")/.."
image=${1:-localhost/smartcam:latest}
models=$(realpath "${MODELS:-models}")
media=$(realpath "${MEDIA:-media}")
port=${PORT:-15556}
arm64=${ARM64:-auto}
arm64_image=${ARM64_IMAGE:-${image%:*}:latest-arm64}
case "$arm64" in auto|0|1) ;; *) echo "test-container: ARM64: '$arm64' is not auto, 0 or 1" >&2; exit 2 ;; esac
say() { echo "test-container: $*"; }
die() { echo "test-container: FAIL: $*" >&2; exit 1; }
[ -f "$models/yolox_nano.onnx" ] && [ -f "$media/vtest.avi" ] || { echo "test-container: need $models/yolox_nano.onnx and $media/vtest.avi (scripts/setup.sh)" >&2; exit 2; }

missing=()
need=(podman runc catatonit prometheus)
[ "$arm64" = 0 ] || need+=(ffmpeg)
for p in "${need[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

tmp=$(mktemp -d)
name=smartcam-test-$$
children=()
cleanup() {
  for c in "${children[@]}"; do kill "$c" 2>/dev/null || true; wait "$c" 2>/dev/null || true; done
  podman rm -f "$name" >/dev/null 2>&1 || true
  for k in "$tmp"/kube-*.yaml; do [ -f "$k" ] && podman kube down "$k" >/dev/null 2>&1 || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

# --- 1. manifests, offline ---------------------------------------------------------------------------
say "manifests: Kubernetes API schema (strict)"
/usr/bin/python3 tests/kubernetes/validate_manifests.py deploy/kubernetes/*.yaml || die "a manifest does not validate"
/usr/bin/python3 tests/kubernetes/validate_manifests.py --self-test deploy/kubernetes/smartcam-daemonset.yaml >"$tmp/self-test.txt" \
  || { cat "$tmp/self-test.txt" >&2; die "the validator accepted a known-bad manifest"; }
say "the validator refuses $(grep -c '^refused' "$tmp/self-test.txt") known-bad edits"
say "Prometheus fleet config and alerts (promtool)"
mkdir -p "$tmp/prometheus/nodes"
cp deploy/prometheus/*.yml "$tmp/prometheus/"
echo "token" > "$tmp/prometheus/smartcam.token"
echo '- targets: ["127.0.0.1:9100"]' > "$tmp/prometheus/nodes/camera-nodes.yml"
promtool check config "$tmp/prometheus/smartcam-fleet.yml" >"$tmp/promtool.txt" 2>&1 || { cat "$tmp/promtool.txt" >&2; die "promtool check config"; }
(cd "$tmp/prometheus" && promtool test rules smartcam-alerts.test.yml) >"$tmp/promtool.txt" 2>&1 || { cat "$tmp/promtool.txt" >&2; die "promtool test rules"; }

if [ "${BUILD:-0}" = 1 ]; then
  if [ "$arm64" = 1 ]; then scripts/build-container.sh --arch all; else scripts/build-container.sh; fi
fi
podman image exists "$image" || die "no image $image (scripts/build-container.sh)"

# --- 2. the image with podman run ----------------------------------------------------------------------
opts=()
if ! podman run --rm "$image" --version >"$tmp/probe.txt" 2>&1; then
  say "podman's defaults cannot start a container here ($(grep -m1 -o -e 'cgroups in hybrid mode[^"]*' -e "setrlimit[^\"]*" "$tmp/probe.txt" || tail -1 "$tmp/probe.txt")): runc with explicit rlimits"
  opts=(--runtime runc --ulimit nofile=4096:4096 --ulimit nproc=4096:4096)
  printf '[containers]\ndefault_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]\n[engine]\nruntime = "runc"\n' > "$tmp/containers.conf"
  export CONTAINERS_CONF=$tmp/containers.conf
fi
version=$(podman run --rm "${opts[@]}" "$image" --version)
say "--version: $version"
[[ "$version" == "smartcam "* ]] || die "--version printed '$version'"

# A field of doctor's JSON report: check NAME's status or found text.
doctor_field() { /usr/bin/python3 -c 'import json,sys; c={c["name"]: c for c in json.load(open(sys.argv[1]))["checks"]}; print(c[sys.argv[2]][sys.argv[3]])' "$@"; }
say "doctor, granted nothing (read-only root, --cap-drop ALL)"
rc=0; podman run --rm "${opts[@]}" --read-only --cap-drop ALL "$image" doctor --json > "$tmp/doctor-bare.json" || rc=$?
[ "$rc" -le 1 ] || die "doctor exited $rc: $(cat "$tmp/doctor-bare.json")"
caps=$(doctor_field "$tmp/doctor-bare.json" capabilities found)
[ "$caps" = "CAP_SYS_NICE no, CAP_IPC_LOCK no" ] || die "doctor without capabilities says '$caps'"
say "doctor says: capabilities: $caps ($(doctor_field "$tmp/doctor-bare.json" capabilities fix))"
say "doctor, granted the manifest's capabilities and cgroup limits (--memory 512m --pids-limit 300 --cpuset-cpus 0)"
rc=0; podman run --rm "${opts[@]}" --read-only --cap-drop ALL --cap-add SYS_NICE,IPC_LOCK --memory 512m --pids-limit 300 --cpuset-cpus 0 \
  "$image" doctor --json > "$tmp/doctor.json" || rc=$?
[ "$rc" -le 1 ] || die "doctor exited $rc: $(cat "$tmp/doctor.json")"
caps=$(doctor_field "$tmp/doctor.json" capabilities found); cg=$(doctor_field "$tmp/doctor.json" cgroup found)
[ "$caps" = "CAP_SYS_NICE yes, CAP_IPC_LOCK yes" ] || die "doctor with SYS_NICE and IPC_LOCK says '$caps'"
[[ "$cg" == *"cpus 0, memory 512 MiB, tasks 300"* ]] || die "doctor's cgroup check says '$cg', expected cpus 0, memory 512 MiB, tasks 300"
say "doctor says: capabilities: $caps; cgroup: $cg ($(doctor_field "$tmp/doctor.json" cgroup status))"

say "run: the sample clip, det. messages on 127.0.0.1:$port"
mkdir -p "$tmp/etc"
cat > "$tmp/etc/smartcam.yaml" <<'YAML'
camera: { id: cam0, source: file:///var/lib/smartcam/media/vtest.avi, loop: true, pace: realtime }
model: { path: /var/lib/smartcam/models/yolox_nano.onnx, family: yolox, labels: /var/lib/smartcam/models/coco80.names }
detect: { score: 0.3, nms_iou: 0.45 }
publish: { endpoint: tcp://0.0.0.0:5556, insecure: true, status_interval_ms: 1000 }
YAML
chmod -R a+rX "$tmp"
/usr/bin/python3 tests/python/collect_messages.py --endpoint "tcp://127.0.0.1:$port" --topic det.cam0 --count 3 --timeout 180 \
  --schema docs/schema/det.v1.schema.json --out "$tmp/det.jsonl" --ready-file "$tmp/det.ready" > "$tmp/det.summary" &
collector=$!; children+=("$collector")
while [ ! -s "$tmp/det.ready" ] && kill -0 "$collector" 2>/dev/null; do sleep 0.1; done
started=$(awk '{print $1}' /proc/uptime)
podman run -d --name "$name" "${opts[@]}" --read-only -p "127.0.0.1:$port:5556" \
  -v "$tmp/etc:/etc/smartcam:ro" -v "$models:/var/lib/smartcam/models:ro" -v "$media:/var/lib/smartcam/media:ro" \
  "$image" run -c /etc/smartcam/smartcam.yaml >/dev/null
wait "$collector" || { podman logs "$name" 2>&1 | tail -20 >&2; die "det. messages: $(cat "$tmp/det.summary")"; }
first=$(/usr/bin/python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["recv_ns"] / 1e9 - float(sys.argv[2]))' "$tmp/det.jsonl" "$started")
podman stop -t 10 "$name" >/dev/null
code=$(podman inspect "$name" --format '{{.State.ExitCode}}')
[ "$code" = 0 ] || { podman logs "$name" 2>&1 | tail -20 >&2; die "the service exited $code on SIGTERM"; }
say "ok: first det. message $(printf '%.2f' "$first") s after podman run; $(wc -l < "$tmp/det.jsonl") det. messages; exit 0 on SIGTERM"
podman rm "$name" >/dev/null

# --- 3. podman kube play of the Deployment -------------------------------------------------------------
# The manifest as a node would get it, with this host's paths and ports. podman 4.3 knows no projected or
# Secret volumes: the Secret's token moves into the ConfigMap. Its last argument 1 puts a typo in the config (detect.scroe).
kube_manifest() {
  /usr/bin/python3 - deploy/kubernetes/smartcam-deployment.yaml "$1" "$models" "$media" "$image" "$((port + 1))" "$((port + 2))" "$2" <<'PY'
import sys, yaml
src, dst, models, media, image, bus, http, broken = sys.argv[1:]
cm, secret, dep = yaml.safe_load_all(open(src))
cm["data"]["http.token"] = secret["stringData"]["http.token"]
if broken == "1":
    cm["metadata"]["name"] += "-broken"; dep["metadata"]["name"] += "-broken"
    cm["data"]["smartcam.yaml"] = cm["data"]["smartcam.yaml"].replace("{ score:", "{ scroe:", 1)
pod = dep["spec"]["template"]["spec"]
for v in pod["volumes"]:
    if v["name"] == "config": v.pop("projected"); v["configMap"] = {"name": cm["metadata"]["name"]}
    if v["name"] == "models": v["hostPath"]["path"] = models
    if v["name"] == "media": v["hostPath"]["path"] = media
c = pod["containers"][0]
c["image"] = image
for p in c["ports"]:
    p.update(hostIP="127.0.0.1", hostPort=int(bus if p["name"] == "bus" else http))
yaml.safe_dump_all([cm, dep], open(dst, "w"), sort_keys=False)
print(secret["stringData"]["http.token"])
PY
}
say "podman kube play deploy/kubernetes/smartcam-deployment.yaml"
token=$(kube_manifest "$tmp/kube-good.yaml" 0)
podman kube play "$tmp/kube-good.yaml" >/dev/null
ctr=$(podman ps -q --filter label=app.kubernetes.io/name=smartcam --filter name=smartcam-pod | sed -n 1p)
[ -n "$ctr" ] || ctr=$(podman ps --format '{{.ID}} {{.Names}}' | awk '$2 ~ /smartcam$/ {print $1; exit}')
[ -n "$ctr" ] || die "kube play started no smartcam container: $(podman ps -a --format '{{.Names}} {{.Status}}' | tr '\n' ';')"
http=http://127.0.0.1:$((port + 2))
ok=0
for _ in $(seq 1 120); do curl -sf "$http/healthz" >/dev/null && { ok=1; break; }; sleep 0.5; done
[ "$ok" = 1 ] || { podman logs "$ctr" 2>&1 | tail -20 >&2; die "kube play: /healthz never answered 200"; }
code=$(curl -s -o /dev/null -w '%{http_code}' "$http/api/status")
[ "$code" = 401 ] || die "kube play: /api/status without the token answered $code, expected 401"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$http/api/status")
[ "$code" = 200 ] || die "kube play: /api/status with the Secret's token answered $code, expected 200"
/usr/bin/python3 tests/python/collect_messages.py --endpoint "tcp://127.0.0.1:$((port + 1))" --topic det.cam0 --count 3 --timeout 120 \
  --schema docs/schema/det.v1.schema.json --out "$tmp/kube-det.jsonl" > "$tmp/kube-det.summary" || die "kube play: det. messages: $(cat "$tmp/kube-det.summary")"
curl -sf -H "Authorization: Bearer $token" "$http/metrics" > "$tmp/metrics.txt" || die "kube play: /metrics with the token failed"
grep -q '^smartcam_frames_processed_total{camera="cam0"} [1-9]' "$tmp/metrics.txt" || die "kube play: /metrics has no processed frames"
promtool check metrics < "$tmp/metrics.txt" >/dev/null 2>&1 || die "kube play: promtool check metrics: $(promtool check metrics < "$tmp/metrics.txt" 2>&1 | head -3)"

# The container's main process as the host sees it: the manifest's uid, and exactly CAP_SYS_NICE (23) and
# CAP_IPC_LOCK (14) effective and in the bounding set: 1<<23 | 1<<14 = 0x804000.
pid=$(podman inspect "$ctr" --format '{{.State.Pid}}')
status=$(cat "/proc/$pid/status")
uids=$(awk '/^Uid:/ {print $2, $3, $4, $5}' <<<"$status")
capeff=$(awk '/^CapEff:/ {print $2}' <<<"$status"); capbnd=$(awk '/^CapBnd:/ {print $2}' <<<"$status")
say "main process $pid ($(awk '/^Name:/ {print $2}' <<<"$status")): Uid $uids, CapEff $capeff, CapBnd $capbnd"
[ "$uids" = "951 951 951 951" ] || die "the main process runs as uids '$uids', expected 951 (runAsUser)"
[ "$capeff" = 0000000000804000 ] || die "CapEff $capeff, expected 0000000000804000 (SYS_NICE, IPC_LOCK)"
[ "$capbnd" = 0000000000804000 ] || die "CapBnd $capbnd, expected 0000000000804000 (drop ALL, add SYS_NICE, IPC_LOCK)"
# SCHED_FIFO then depends on the host: on cgroup v1 with RT group scheduling the container's cgroup needs a
# real-time budget, and podman gives none; the service must say which it got and why (docs/fleet.md).
# (A v1 hierarchy is mounted under the names of its controllers: cpu, or cpu,cpuacct.)
cpucg=$(awk -F: '$2 ~ /(^|,)cpu(,|$)/ {print $2 $3}' "/proc/$pid/cgroup")
budget=$(cat "/sys/fs/cgroup/$cpucg/cpu.rt_runtime_us" 2>/dev/null || echo none)

# Stopping the pod as a kubelet does (SIGTERM, then terminationGracePeriodSeconds): the service drives its outputs
# safe, says so on evt. and sends its last status. podman 4.3's `kube down` alone would SIGKILL it at once
# (strace shows it; docs/container.md#podman-kube-play), so the pod is stopped first and removed after.
cat > "$tmp/stop_watch.py" <<'PY'
import json, sys, zmq
endpoint, ready, out = sys.argv[1:]
s = zmq.Context().socket(zmq.SUB)
for t in ("evt.cam0", "status.cam0"): s.setsockopt_string(zmq.SUBSCRIBE, t)
s.connect(endpoint)
with open(out, "w") as f:
    while s.poll(60000):
        topic, body = s.recv_multipart()
        msg = json.loads(body)
        if topic == b"status.cam0":
            open(ready, "w").close()   # the subscription is live: a status message came through it
            if msg.get("state") == "ended": print("ended", file=f); sys.exit(0)
        else:
            print(json.dumps(msg, separators=(",", ":")), file=f, flush=True)
sys.exit("no status message for 60 s")
PY
/usr/bin/python3 "$tmp/stop_watch.py" "tcp://127.0.0.1:$((port + 1))" "$tmp/stop.ready" "$tmp/stop.jsonl" &
watcher=$!; children+=("$watcher")
while [ ! -e "$tmp/stop.ready" ] && kill -0 "$watcher" 2>/dev/null; do sleep 0.1; done
# The placement outcome is logged once the loop threads have started: wait for it, not for a time.
if [ "$budget" = 0 ]; then
  expect="SCHED_FIFO refused for capture, inference although the process holds CAP_SYS_NICE: its cgroup has no real-time budget"
else
  expect="capture thread fifo 70"
fi
for _ in $(seq 1 300); do podman logs "$ctr" > "$tmp/kube.log" 2>&1; grep -q "$expect" "$tmp/kube.log" && break; sleep 0.1; done
pod=$(podman pod ps -q --filter name='^smartcam-pod')
podman pod stop -t 15 "$pod" >/dev/null
wait "$watcher" || die "pod stop: the last status (ended) never came: $(tail -3 "$tmp/stop.jsonl")"
safe=$(grep '"type":"safe"' "$tmp/stop.jsonl" | tail -1 || true)
[[ "$safe" == *'"output":"lamp"'* && "$safe" == *'"level":"low"'* ]] || die "pod stop: no safe-level event for lamp before the end: $(tail -3 "$tmp/stop.jsonl")"
code=$(podman inspect "$ctr" --format '{{.State.ExitCode}}')
[ "$code" = 0 ] || die "pod stop: the service exited $code on SIGTERM"
podman kube down "$tmp/kube-good.yaml" >/dev/null
grep -q "$expect" "$tmp/kube.log" || die "kube play: the container's cgroup has cpu.rt_runtime_us $budget, but the log lacks '$expect': $(grep Realtime "$tmp/kube.log" | head -5)"
say "cgroup cpu.rt_runtime_us $budget: the service logged '$expect'"
say "ok: kube play: /healthz 200, /api/status 401 without the token and 200 with it, /metrics passes promtool, $(wc -l < "$tmp/kube-det.jsonl") det. messages; uid 951, CapEff = CapBnd = SYS_NICE+IPC_LOCK; pod stop: exit 0, evt. safe (lamp low), then status ended; kube down removed it"

# --- 4. a broken ConfigMap ----------------------------------------------------------------------------
say "podman kube play with a broken ConfigMap (detect.scroe)"
kube_manifest "$tmp/kube-broken.yaml" 1 >/dev/null
podman kube play "$tmp/kube-broken.yaml" >/dev/null
bad=$(podman ps -a --format '{{.ID}} {{.Names}}' | awk '$2 ~ /smartcam-broken/ && $2 !~ /infra/ {print $1; exit}')
[ -n "$bad" ] || die "kube play started no container for the broken Deployment: $(podman ps -a --format '{{.Names}}' | tr '\n' ' ')"
# It exits 2, and podman restarts it (restartPolicy Always, as a kubelet would): its first death is the one read.
# `sed -n 1p`, not `head -1`: with several deaths head exits early, podman dies of SIGPIPE and pipefail fails the run.
code=""
for _ in $(seq 1 120); do
  code=$(podman events --stream=false --filter container="$bad" --filter event=died --format '{{.ContainerExitCode}}' 2>/dev/null | sed -n 1p)
  [ -n "$code" ] && break; sleep 0.5
done
podman logs "$bad" > "$tmp/broken.log" 2>&1 || true
podman pod stop -t 2 "$(podman pod ps -q --filter name='^smartcam-broken-pod')" >/dev/null 2>&1 || true
podman kube down "$tmp/kube-broken.yaml" >/dev/null
[ "$code" = 2 ] || die "the broken config's container exited '${code:-never}', expected 2: $(head -5 "$tmp/broken.log")"
lines=$(grep -c . "$tmp/broken.log" || true)
distinct=$(grep . "$tmp/broken.log" | sort -u)
grep -q -E '^\s+at |Exception' "$tmp/broken.log" && die "the broken config's log has a stack trace: $(head -5 "$tmp/broken.log")"
[ "$(wc -l <<<"$distinct")" = 1 ] || die "the broken config's log has more than one kind of line: $(head -5 "$tmp/broken.log")"
[[ "$distinct" =~ ^smartcam:\ /etc/smartcam/smartcam\.yaml:[0-9]+:[0-9]+:\ detect\.scroe: ]] || die "the error does not name the file and key: $distinct"
say "ok: exit 2, $lines log line(s), each: $distinct"

# --- 5. the arm64 image under emulation ----------------------------------------------------------------
if [ "$arm64" = 0 ] || { [ "$arm64" = auto ] && ! podman image exists "$arm64_image"; }; then
  say "no arm64 image $arm64_image: part 5 skipped (ARM64=1 requires it)"
  say "passed"
  exit 0
fi
podman image exists "$arm64_image" || die "no image $arm64_image (scripts/build-container.sh --arch arm64 or all)"
arm64_start=$(date +%s)
bash scripts/qemu-arm64.sh | sed 's/^/test-container: /'
# An arm64 /proc/cpuinfo, as on a board: qemu-user passes this x86 host's through, on which ONNX Runtime's CPU
# detection can crash at load (scripts/arm64-cpuinfo.sh). runc allows a bind mount over /proc/cpuinfo (as for lxcfs).
arm_cpuinfo=(-v "$(bash scripts/arm64-cpuinfo.sh):/proc/cpuinfo:ro")
platform=$(podman image inspect --format '{{.Os}}/{{.Architecture}}' "$arm64_image")
[ "$platform" = linux/arm64 ] || die "$arm64_image declares $platform, expected linux/arm64"
# The entrypoint's ELF machine (e_machine at offset 18, little endian: 0xb7 = EM_AARCH64), read from the image.
mnt=$(podman image mount "$arm64_image")
machine=$(od -An -tx1 -j18 -N2 "$mnt/opt/smartcam/smartcam" | tr -d ' \n')
podman image unmount "$arm64_image" >/dev/null
[ "$machine" = b700 ] || die "$arm64_image: /opt/smartcam/smartcam has ELF machine 0x$machine, expected b700 (AArch64)"
version=$(podman run --rm --arch arm64 "${opts[@]}" "$arm64_image" --version) || die "$arm64_image --version failed"
[[ "$version" == "smartcam "* ]] || die "arm64 --version printed '$version'"
say "arm64: $arm64_image ($platform, entrypoint EM_AARCH64) --version: $version"

# A short cut of the sample clip: emulated inference takes seconds a frame (docs/arm64.md).
arm_frames=12
mkdir -p "$tmp/media-arm64" "$tmp/etc-arm64"
ffmpeg -nostdin -loglevel error -i "$media/vtest.avi" -frames:v "$arm_frames" -c:v copy -an "$tmp/media-arm64/vtest.avi"
cp "$tmp/etc/smartcam.yaml" "$tmp/etc-arm64/smartcam.yaml"
chmod -R a+rX "$tmp"
say "arm64: run of the first $arm_frames frames (looped), det. messages on 127.0.0.1:$port"
/usr/bin/python3 tests/python/collect_messages.py --endpoint "tcp://127.0.0.1:$port" --topic det.cam0 --count 3 --timeout 240 \
  --schema docs/schema/det.v1.schema.json --out "$tmp/arm-det.jsonl" --ready-file "$tmp/arm-det.ready" > "$tmp/arm-det.summary" &
collector=$!; children+=("$collector")
while [ ! -s "$tmp/arm-det.ready" ] && kill -0 "$collector" 2>/dev/null; do sleep 0.1; done
started=$(awk '{print $1}' /proc/uptime)
podman run -d --name "$name" --arch arm64 "${opts[@]}" "${arm_cpuinfo[@]}" --read-only -p "127.0.0.1:$port:5556" \
  -v "$tmp/etc-arm64:/etc/smartcam:ro" -v "$models:/var/lib/smartcam/models:ro" -v "$tmp/media-arm64:/var/lib/smartcam/media:ro" \
  "$arm64_image" run -c /etc/smartcam/smartcam.yaml >/dev/null
wait "$collector" || { podman logs "$name" 2>&1 | tail -20 >&2; die "arm64: det. messages: $(cat "$tmp/arm-det.summary")"; }
# The main process as the host sees it: the kernel ran it through binfmt_misc's qemu-aarch64 interpreter
# (its /proc/PID/exe), which has the image's arm64 program mapped.
pid=$(podman inspect "$name" --format '{{.State.Pid}}')
exe=$(readlink "/proc/$pid/exe")
interp=$(awk '/^interpreter/ {print $2}' /proc/sys/fs/binfmt_misc/qemu-aarch64)
grep -q ' /opt/smartcam/smartcam$' "/proc/$pid/maps" || die "arm64: process $pid ($exe) has no /opt/smartcam/smartcam mapped"
[ "$(stat -L -c %d:%i "/proc/$pid/exe")" = "$(stat -L -c %d:%i "$interp")" ] || die "arm64: process $pid runs $exe, not the qemu-aarch64 interpreter $interp"
timing=$(/usr/bin/python3 -c '
import json, sys
t = [json.loads(l)["recv_ns"] / 1e9 for l in open(sys.argv[1])]
gaps = [b - a for a, b in zip(t, t[1:])]
print("%.1f s after podman run, then one every %.1f s" % (t[0] - float(sys.argv[2]), sum(gaps) / len(gaps)))' "$tmp/arm-det.jsonl" "$started")
podman stop -t 30 "$name" >/dev/null
code=$(podman inspect "$name" --format '{{.State.ExitCode}}')
[ "$code" = 0 ] || { podman logs "$name" 2>&1 | tail -20 >&2; die "arm64: the service exited $code on SIGTERM"; }
podman rm "$name" >/dev/null
say "ok: arm64: process $pid is $exe (binfmt qemu-aarch64) running /opt/smartcam/smartcam; $(wc -l < "$tmp/arm-det.jsonl") det. messages, the first $timing; exit 0 on SIGTERM"

# The manifest list of `build-container.sh --arch all`, when there is one for this version.
arm_version=$(podman image inspect --format '{{index .Labels "org.opencontainers.image.version"}}' "$arm64_image")
[ -n "$arm_version" ] || die "$arm64_image has no org.opencontainers.image.version label"
arm_version=$(printf '%s' "$arm_version" | tr -c 'A-Za-z0-9_.-' '_')
list=${arm64_image%:*}:$arm_version
if podman manifest exists "$list" 2>/dev/null; then
  listed=$(podman manifest inspect "$list" | /usr/bin/python3 -c 'import json,sys; print(" ".join(sorted("%s/%s=%s" % (m["platform"]["os"], m["platform"]["architecture"], m["digest"]) for m in json.load(sys.stdin)["manifests"])))')
  want=""
  for a in amd64 arm64; do
    d=$(podman image inspect --format '{{.Digest}}' "$list-$a" 2>/dev/null) || die "manifest list $list: no image $list-$a"
    want="$want linux/$a=$d"
  done
  [ "$listed" = "${want# }" ] || die "manifest list $list lists '$listed', expected '${want# }'"
  say "ok: manifest list $list: linux/amd64 and linux/arm64, the digests of $list-amd64 and $list-arm64"
else
  say "no manifest list $list (build-container.sh --arch all makes it): not checked"
fi
say "arm64 part: $(( $(date +%s) - arm64_start )) s"
say "passed"
