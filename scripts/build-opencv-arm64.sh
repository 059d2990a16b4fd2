#!/usr/bin/env bash
# libOpenCvSharpExtern.so for linux-arm64, which no NuGet package carries: OpenCvSharp's own extern sources at
# the version the managed package expects (src/OpenCvSharpExtern/, see its README.md), cross-compiled with clang
# against Debian 12's arm64 OpenCV 4.6 (scripts/arm64-sysroot.sh). Only the modules SmartCam calls are built:
# core, imgproc, imgcodecs, videoio (FFmpeg 5.1 inside). Cached outside the checkout, keyed by the sources, this
# script and the sysroot; prints the library's path.
#   scripts/build-opencv-arm64.sh
# Then checks that every OpenCvSharp entry point BINARY names (default: none; publish.sh passes the arm64
# smartcam) is exported by the library, so a call into a module that was not built fails here and not on a box:
#   scripts/build-opencv-arm64.sh --check BINARY
# Environment: SMARTCAM_CACHE (default ~/.cache/smartcam). Needs clang and lld. About 15 s on 2 cores, cold.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cache=${SMARTCAM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/smartcam}
src=$here/src/OpenCvSharpExtern
sysroot=$(bash "$here/scripts/arm64-sysroot.sh")
target=(--target=aarch64-linux-gnu "--sysroot=$sysroot")
# Headers of modules that are not built are left out: opencv.hpp includes what opencv_modules.hpp names, and our
# copy (found before the sysroot's) names only the four. include_opencv.h's own switches do the rest.
cflags=(-O2 -fPIC -std=c++17 -w -DNO_CONTRIB -DNO_HIGHGUI -DNO_VIDEO -DNO_STITCHING -DNO_ML -DNO_BARCODE
        "-I$src/modules" "-I$sysroot/usr/include/opencv4")
units=(core imgproc imgcodecs videoio std_string std_vector)
libs=(-lopencv_videoio -lopencv_imgcodecs -lopencv_imgproc -lopencv_core)

key=$( { cat "$0"; basename "$sysroot"; for f in "$src"/*.cpp "$src"/*.h "$src"/modules/opencv2/*; do sha256sum < "$f"; done; } | sha256sum | cut -c1-12)
out=$cache/arm64/opencvsharp-extern-$key
lib=$out/libOpenCvSharpExtern.so

if [ ! -f "$lib" ]; then
  for tool in clang++ ld.lld; do command -v "$tool" >/dev/null || { echo "build-opencv-arm64: $tool missing (apt-get install clang lld)" >&2; exit 1; }; done
  rm -rf "$cache"/arm64/opencvsharp-extern-*
  mkdir -p "$out/obj"
  start=$(date +%s)
  pids=()
  for u in "${units[@]}"; do
    clang++ "${target[@]}" "${cflags[@]}" -c "$src/$u.cpp" -o "$out/obj/$u.o" 2> "$out/obj/$u.log" & pids+=($!)
  done
  failed=0
  for i in "${!pids[@]}"; do wait "${pids[$i]}" || { failed=1; head -20 "$out/obj/${units[$i]}.log" >&2; }; done
  [ "$failed" = 0 ] || { rm -rf "$out"; echo "build-opencv-arm64: compiling failed" >&2; exit 1; }
  # --no-undefined: every symbol the extern uses resolves in the four OpenCV modules, or the link fails here.
  clang++ "${target[@]}" -fuse-ld=lld -shared -Wl,--no-undefined -Wl,-soname,libOpenCvSharpExtern.so \
    -Wl,-rpath-link,"$sysroot/usr/lib/aarch64-linux-gnu:$sysroot/lib/aarch64-linux-gnu" \
    -o "$lib.tmp" "$out"/obj/*.o "-L$sysroot/usr/lib/aarch64-linux-gnu" "${libs[@]}" -s
  mv "$lib.tmp" "$lib"
  rm -rf "$out/obj"
  echo "build-opencv-arm64: $lib ($(du -k "$lib" | cut -f1) KB, $(( $(date +%s) - start )) s)" >&2
fi

if [ "${1:-}" = --check ]; then
  binary=${2:?--check BINARY}
  packages=${NUGET_PACKAGES:-$HOME/.nuget/packages}
  managed=$(ls "$packages"/opencvsharp4/*/lib/netstandard2.1/OpenCvSharp.dll 2>/dev/null | tail -1)
  x64=$(ls "$packages"/opencvsharp4.official.runtime.linux-x64/*/runtimes/linux-x64/native/libOpenCvSharpExtern.so 2>/dev/null | tail -1)
  [ -n "$managed" ] && [ -n "$x64" ] || { echo "build-opencv-arm64: OpenCvSharp's packages are not in the NuGet cache (restore first)" >&2; exit 1; }
  # OpenCvSharp's P/Invoke entry points: names in its managed assembly that its x64 extern exports (core_Mat_new1,
  # redirectError); those the Native AOT binary binds are in its string table. FFmpeg's (LibAv) are optional.
  tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
  strings -n 4 "$managed" | sort -u > "$tmp/managed"
  nm -D --defined-only "$x64" | awk '{ print $3 }' | sort -u > "$tmp/x64"
  strings -n 4 "$binary" | sort -u > "$tmp/binary"
  nm -D --defined-only "$lib" | awk '{ print $3 }' | sort -u > "$tmp/exports"
  comm -12 "$tmp/managed" "$tmp/x64" | comm -12 - "$tmp/binary" | grep -E '^[a-z]' > "$tmp/needed"
  missing=$(comm -23 "$tmp/needed" "$tmp/exports")
  [ -z "$missing" ] || { echo "build-opencv-arm64: $binary calls OpenCvSharpExtern functions the arm64 build lacks: $(echo $missing)" >&2; exit 1; }
  echo "build-opencv-arm64: all $(wc -l < "$tmp/needed") OpenCvSharpExtern entry points $(basename "$binary") names are exported" >&2
fi
echo "$lib"
