#!/usr/bin/env bash
# For a machine with an NVIDIA GPU: builds the gpu flavour (-p:OnnxRuntimeFlavor=gpu, into bin-gpu/), then runs
# `smartcam validate` and `smartcam bench` with `model.provider: cuda` on the demo footage and model, and says whether
# the session ran on the CUDA execution provider. Also benches `cpu` for comparison. Exit 0 only when CUDA was used.
#   scripts/gpu-check.sh            (FRAMES=N for the bench, default 2000)
# Needs the NVIDIA driver, CUDA 13 and cuDNN 9 where the loader finds them (docs/configuration.md#accelerators).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
frames=${FRAMES:-2000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if command -v nvidia-smi >/dev/null; then
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | sed 's/^/gpu-check: GPU /'
else
  echo "gpu-check: nvidia-smi not found: no NVIDIA driver here, so CUDA cannot start (the check goes on, to show the error)"
fi
ldconfig=$(command -v ldconfig || echo /sbin/ldconfig)
for lib in libcuda.so.1 libcudart.so.13 libcublas.so.13 libcublasLt.so.13 libcurand.so.10 libcudnn.so.9; do
  "$ldconfig" -p | grep -q "$lib" || echo "gpu-check: $lib is not in the ld.so cache (fine if LD_LIBRARY_PATH has it)"
done

[ -f "$root/models/yolox_nano.onnx" ] && [ -f "$root/media/vtest.avi" ] || "$root/scripts/setup.sh"
echo "gpu-check: dotnet build src/SmartCam -c Release -p:OnnxRuntimeFlavor=gpu"
dotnet build "$root/src/SmartCam/SmartCam.csproj" -c Release -p:OnnxRuntimeFlavor=gpu --nologo -v quiet
bin=$root/src/SmartCam/bin-gpu/Release/net10.0/linux-x64/smartcam

# configs/demo.yaml (validate) and configs/bench.yaml (bench: its own port, no waiting for a subscriber), with the
# provider set and their relative paths made absolute, as they now live in a temporary folder.
for name in demo bench; do
  for provider in cuda cpu; do
    sed -e "s#\.\./#$root/#g" -e "s#^model:#model:\n  provider: $provider#" "$root/configs/$name.yaml" >"$work/$name-$provider.yaml"
  done
done

status=0
echo "=== smartcam validate, provider cuda"
"$bin" validate --config "$work/demo-cuda.yaml" 2>"$work/validate.err" | tee "$work/validate.out" || status=$?
cat "$work/validate.err"
[ "$status" -eq 0 ] || { echo "gpu-check: validate failed (exit $status): CUDA was NOT used"; exit 1; }

echo "=== smartcam bench --frames $frames, provider cuda"
"$bin" bench --config "$work/bench-cuda.yaml" --frames "$frames" 2>"$work/bench.err" | tee "$work/bench-cuda.out" || { cat "$work/bench.err"; echo "gpu-check: bench failed: CUDA was NOT used"; exit 1; }
cat "$work/bench.err"
echo "=== smartcam bench --frames $((frames / 4)), provider cpu (for comparison)"
"$bin" bench --config "$work/bench-cpu.yaml" --frames "$((frames / 4))" --json >"$work/bench-cpu.out"

summary() { python3 -c '
import json, sys
r = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
print("%5s: session on %s; %s fps, bare session.Run p50 %s us" % (r["provider"], ", ".join(r["providers"]), r["fps"], r["latency_us"]["bare_session_run"]["p50"]))
' "$1"; }
echo "=== result"
summary "$work/bench-cuda.out"
summary "$work/bench-cpu.out"
# ONNX Runtime warns when it places some nodes on CPU (shape computations usually): not a failure, said here.
grep -h "not assigned to the preferred execution providers" "$work/validate.err" "$work/bench.err" | head -1 | sed 's/^/gpu-check: onnxruntime: /' || true
if grep -q "session on CUDAExecutionProvider" "$work/validate.out" && grep -q '"providers":\["CUDAExecutionProvider"' "$work/bench-cuda.out"; then
  echo "gpu-check: CUDA execution provider USED (validate and bench sessions were created with CUDAExecutionProvider first)"
else
  echo "gpu-check: CUDA execution provider NOT used"
  exit 1
fi
