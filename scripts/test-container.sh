#!/usr/bin/env bash
# Smoke test of the OCI image scripts/build-container.sh makes (issue 14): `--version`, `doctor` on a read-only
# root, and a real run (the sample clip through the sample model, config from a mounted /etc/smartcam) whose
# det. messages a subscriber on the host receives and validates against docs/schema/det.v1.schema.json.
#   scripts/test-container.sh [IMAGE]        (default localhost/smartcam:latest)
# Environment: MODELS (default models/), MEDIA (default media/), PORT (host port for the bus, 15556),
# PODMAN_RUN_OPTS: extra `podman run` options. In a VM with hybrid cgroups (v1 plus a v2 mount) crun refuses to
# start containers ("cgroups in hybrid mode not supported") and, without CAP_SYS_RESOURCE, podman's default
# rlimits fail ("setrlimit `RLIMIT_NOFILE`: Operation not permitted"); there:
#   PODMAN_RUN_OPTS="--runtime runc --ulimit nofile=4096:4096 --ulimit nproc=4096:4096" scripts/test-container.sh
# KUBE=1 also plays deploy/kubernetes/smartcam-deployment.yaml with `podman kube play` (hostPaths pointed at
# MODELS and MEDIA, host ports 127.0.0.1:PORT+1 and :PORT+2 added, and, since podman 4.3 knows no projected or
# secret volumes, the Secret's token moved into the ConfigMap), then checks /healthz, a token-less /api/status
# (401) and det. messages. PODMAN_RUN_OPTS does not reach kube play: use CONTAINERS_CONF there.
# Needs /usr/bin/python3 with python3-zmq, python3-jsonschema and python3-yaml (tests/python/collect_messages.py).
set -euo pipefail
cd "$(dirname "$0")/.."
image=${1:-localhost/smartcam:latest}
models=$(realpath "${MODELS:-models}")
media=$(realpath "${MEDIA:-media}")
port=${PORT:-15556}
read -r -a opts <<<"${PODMAN_RUN_OPTS:-}"
name=smartcam-test-$$
tmp=$(mktemp -d)
cleanup() {
  podman rm -f "$name" >/dev/null 2>&1 || true
  [ -f "$tmp/kube.yaml" ] && podman kube down "$tmp/kube.yaml" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
say() { echo "test-container: $*"; }
[ -f "$models/yolox_nano.onnx" ] && [ -f "$media/vtest.avi" ] || { echo "test-container: need $models/yolox_nano.onnx and $media/vtest.avi (scripts/setup.sh)" >&2; exit 2; }

say "--version"
podman run --rm "${opts[@]}" "$image" --version

say "doctor (read-only root; exit 1 is expected on a host that is not PREEMPT_RT)"
rc=0; podman run --rm "${opts[@]}" --read-only -v "$models:/var/lib/smartcam/models:ro" "$image" doctor --json > "$tmp/doctor.json" || rc=$?
[ "$rc" -le 1 ] && /usr/bin/python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/doctor.json" \
  || { echo "test-container: doctor exited $rc, or printed no JSON report:" >&2; cat "$tmp/doctor.json" >&2; exit 1; }
say "doctor exited $rc"

say "run: the sample clip, det. messages on 127.0.0.1:$port"
mkdir -p "$tmp/etc"
cat > "$tmp/etc/smartcam.yaml" <<'YAML'
camera: { id: cam0, source: file:///var/lib/smartcam/media/vtest.avi, loop: true, pace: realtime }
model: { path: /var/lib/smartcam/models/yolox_nano.onnx, family: yolox, labels: /var/lib/smartcam/models/coco80.names }
detect: { score: 0.3, nms_iou: 0.45 }
publish: { endpoint: tcp://0.0.0.0:5556, insecure: true, status_interval_ms: 1000 }
YAML
chmod -R a+rX "$tmp"
podman run -d --name "$name" "${opts[@]}" --read-only -p "127.0.0.1:$port:5556" \
  -v "$tmp/etc:/etc/smartcam:ro" -v "$models:/var/lib/smartcam/models:ro" -v "$media:/var/lib/smartcam/media:ro" \
  "$image" run -c /etc/smartcam/smartcam.yaml >/dev/null
if ! /usr/bin/python3 tests/python/collect_messages.py --endpoint "tcp://127.0.0.1:$port" --topic det.cam0 --count 3 --timeout 120 \
    --schema docs/schema/det.v1.schema.json --out "$tmp/det.jsonl"; then
  podman logs "$name" 2>&1 | tail -20 >&2; exit 1
fi
podman stop -t 10 "$name" >/dev/null
code=$(podman inspect "$name" --format '{{.State.ExitCode}}')
[ "$code" = 0 ] || { echo "test-container: the service exited $code on SIGTERM" >&2; podman logs "$name" 2>&1 | tail -20 >&2; exit 1; }
say "ok: $(wc -l < "$tmp/det.jsonl") det. messages received, clean exit on SIGTERM"

[ "${KUBE:-0}" = 1 ] || exit 0
say "podman kube play deploy/kubernetes/smartcam-deployment.yaml"
/usr/bin/python3 - deploy/kubernetes/smartcam-deployment.yaml "$tmp/kube.yaml" "$models" "$media" "$image" "$((port + 1))" "$((port + 2))" <<'PY'
import sys, yaml
src, dst, models, media, image, bus, http = sys.argv[1:]
cm, secret, dep = yaml.safe_load_all(open(src))
cm["data"]["http.token"] = secret["stringData"]["http.token"]
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
PY
podman kube play "$tmp/kube.yaml" >/dev/null
ok=0
for _ in $(seq 1 30); do curl -sf "http://127.0.0.1:$((port + 2))/healthz" >/dev/null && { ok=1; break; }; sleep 1; done
[ "$ok" = 1 ] || { echo "test-container: kube play: /healthz never answered 200" >&2; podman pod logs "$(podman pod ps -q | head -1)" 2>&1 | tail -20 >&2; exit 1; }
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$((port + 2))/api/status")
[ "$code" = 401 ] || { echo "test-container: kube play: /api/status without the token answered $code, expected 401" >&2; exit 1; }
/usr/bin/python3 tests/python/collect_messages.py --endpoint "tcp://127.0.0.1:$((port + 1))" --topic det.cam0 --count 3 --timeout 120 \
  --schema docs/schema/det.v1.schema.json --out "$tmp/kube-det.jsonl"
podman kube down "$tmp/kube.yaml" >/dev/null
say "ok: kube play: /healthz 200, /api/status 401 without the token, $(wc -l < "$tmp/kube-det.jsonl") det. messages"
