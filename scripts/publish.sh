#!/usr/bin/env bash
# Builds the shipping artifact: a self-contained Native AOT linux-x64 `smartcam` with its native
# libraries (OpenCV, ONNX Runtime) beside it, in out/smartcam/ (or the folder given).
#   scripts/publish.sh [OUTDIR]
# Needs clang, lld and zlib1g-dev (installed here if missing).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/out/smartcam}
missing=()
for p in clang lld zlib1g-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet publish "$root/src/SmartCam/SmartCam.csproj" -c Release -r linux-x64 \
  -p:PublishAot=true -p:SelfContained=true -o "$out" --nologo >"$log" 2>&1 || status=$?
grep -E "error|warning" "$log" | sed 's/ \[.*//' | sort -u || true
[ "$status" -eq 0 ] && [ -x "$out/smartcam" ] || { tail -20 "$log" >&2; echo "publish: failed" >&2; exit 1; }
# Our own code must stay free of trim/AOT warnings; third-party assemblies are reported, not fatal.
if grep -qE "^[^ ]*/src/SmartCam/[^ ]*: warning" "$log"; then
  echo "publish: trim/AOT warnings from src/SmartCam (see above)" >&2
  exit 1
fi
echo "publish: $out/smartcam ($(du -sh "$out" | cut -f1) with native libraries)"
