#!/usr/bin/env bash
# Builds the shipping artifact: a self-contained Native AOT `smartcam` with its native libraries (OpenCV,
# ONNX Runtime) beside it, for linux-x64 or linux-arm64 (default: the build machine's), in out/smartcam/ for the
# build machine's architecture and out/smartcam-ARCH/ for the other (or the folder given).
#   scripts/publish.sh [--arch x64|arm64] [OUTDIR]
# arm64 is cross-compiled (docs/arm64.md): Native AOT's linux-arm64 ILCompiler with clang/lld against an arm64
# Debian root (scripts/arm64-sysroot.sh), ONNX Runtime's arm64 library from the same NuGet package, and
# OpenCvSharpExtern built from source (scripts/build-opencv-arm64.sh), both cached outside the checkout.
# Needs clang, lld and zlib1g-dev (installed here if missing); arm64 also root (mmdebstrap).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
case "$(uname -m)" in aarch64|arm64) native=arm64 ;; *) native=x64 ;; esac
arch=$native
if [ "${1:-}" = --arch ]; then arch=${2:-}; shift 2 || true; fi
case "$arch" in x64|arm64) ;; *) echo "publish: --arch '$arch': expected x64 or arm64" >&2; exit 2 ;; esac
# out/smartcam is the build for this machine (what the tests, the demo and the image scripts run); a cross build
# goes beside it.
if [ "$arch" = "$native" ]; then out=${1:-$root/out/smartcam}; else out=${1:-$root/out/smartcam-$arch}; fi
extra=()
[ "$arch" = x64 ] && [ "$native" != x64 ] && { echo "publish: x64 is built on an x64 machine (only arm64 is cross-compiled)" >&2; exit 2; }
missing=()
for p in clang lld zlib1g-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ "$arch" = arm64 ]; then
  sysroot=$(bash "$root/scripts/arm64-sysroot.sh")
  extern=$(bash "$root/scripts/build-opencv-arm64.sh")
  # The NativeAOT cross-compile route: the arm64 ILCompiler package, clang targeting aarch64, lld.
  extra=(-p:SysRoot="$sysroot" -p:LinkerFlavor=lld)
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
start=$(date +%s)
dotnet publish "$root/src/SmartCam/SmartCam.csproj" -c Release -r "linux-$arch" \
  -p:PublishAot=true -p:SelfContained=true "${extra[@]}" -o "$out" --nologo >"$log" 2>&1 || status=$?
grep -E "error|warning" "$log" | sed 's/ \[.*//' | sort -u || true
[ "$status" -eq 0 ] && [ -x "$out/smartcam" ] || { tail -20 "$log" >&2; echo "publish: failed" >&2; exit 1; }
# Our own code must stay free of trim/AOT warnings; third-party assemblies are reported, not fatal.
if grep -qE "^[^ ]*/src/SmartCam/[^ ]*: warning" "$log"; then
  echo "publish: trim/AOT warnings from src/SmartCam (see above)" >&2
  exit 1
fi
if [ "$arch" = arm64 ]; then
  install -m 0755 "$extern" "$out/libOpenCvSharpExtern.so"
  bash "$root/scripts/build-opencv-arm64.sh" --check "$out/smartcam" > /dev/null
fi
echo "publish: $out/smartcam (linux-$arch, $(du -sh --exclude='*.dbg' "$out" | cut -f1) with native libraries, $(( $(date +%s) - start )) s)"
