#!/usr/bin/env bash
# libOpenCvSharpExtern.so for linux-arm64, which no NuGet package carries, built from source and cached outside the
# checkout; prints the library's path.
#   scripts/build-opencv-arm64.sh
# Two steps, each cached (keyed by this script, the sysroot and, for the extern, its sources):
#  1. OpenCV from Debian 12's own source package (`apt-get source opencv`, Debian's patches applied), cross-compiled
#     by clang for aarch64 with only the modules SmartCam calls: core, imgproc, imgcodecs (JPEG, PNG) and videoio
#     (FFmpeg 5.1), as static libraries. Debian's arm64 binary packages would do too, but their imgcodecs and videoio
#     bring GDAL, GDCM, OpenEXR and GStreamer: 240 MB of libraries in the container (docs/arm64.md).
#  2. OpenCvSharp's extern at the version the managed package expects (src/OpenCvSharpExtern/, see its README.md)
#     compiled against it and linked with OpenCV inside, as the x64 extern is: the library needs only FFmpeg's,
#     libjpeg's and libpng's shared libraries from Debian.
# Then checks that every OpenCvSharp entry point BINARY names is exported by the library, so a call into a module
# that was not built fails here and not on a box (publish.sh passes the arm64 smartcam):
#   scripts/build-opencv-arm64.sh --check BINARY
# Environment: SMARTCAM_CACHE (default ~/.cache/smartcam), IMAGE_MIRROR (default http://deb.debian.org/debian).
# Needs root (the sysroot); installs clang, lld, cmake, ninja-build and dpkg-dev if missing. Cold on 2 cores: about
# 5 min for OpenCV (130 MB of source), 10 s for the extern.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cache=${SMARTCAM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/smartcam}
mirror=${IMAGE_MIRROR:-http://deb.debian.org/debian}
src=$here/src/OpenCvSharpExtern
say() { echo "build-opencv-arm64: $*" >&2; }

missing=()
for p in clang lld cmake ninja-build dpkg-dev; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
sysroot=$(bash "$here/scripts/arm64-sysroot.sh")
lib_dir=$sysroot/usr/lib/aarch64-linux-gnu
target=(--target=aarch64-linux-gnu "--sysroot=$sysroot")

# --- 1. OpenCV, static, four modules -------------------------------------------------------------------------
# OpenCV's build options: everything SmartCam does not call is off (GUI, the other image formats and capture
# backends, threading and BLAS back ends: SmartCam runs OpenCV on one thread per stage, Cv2.SetNumThreads(1)).
opencv_options=(
  -DBUILD_LIST=core,imgproc,imgcodecs,videoio -DBUILD_SHARED_LIBS=OFF -DCMAKE_POSITION_INDEPENDENT_CODE=ON
  -DBUILD_TESTS=OFF -DBUILD_PERF_TESTS=OFF -DBUILD_EXAMPLES=OFF -DBUILD_opencv_apps=OFF -DBUILD_DOCS=OFF -DBUILD_JAVA=OFF
  -DBUILD_opencv_python2=OFF -DBUILD_opencv_python3=OFF -DOPENCV_GENERATE_PKGCONFIG=OFF -DENABLE_PRECOMPILED_HEADERS=OFF
  -DWITH_FFMPEG=ON -DOPENCV_FFMPEG_SKIP_BUILD_CHECK=ON -DWITH_JPEG=ON -DWITH_PNG=ON -DBUILD_JPEG=OFF -DBUILD_PNG=OFF -DBUILD_ZLIB=OFF
  -DWITH_GSTREAMER=OFF -DWITH_V4L=OFF -DWITH_GTK=OFF -DWITH_QT=OFF -DWITH_TIFF=OFF -DWITH_WEBP=OFF -DWITH_OPENEXR=OFF
  -DWITH_JASPER=OFF -DWITH_OPENJPEG=OFF -DWITH_GDAL=OFF -DWITH_GDCM=OFF -DWITH_1394=OFF -DWITH_GPHOTO2=OFF -DWITH_AVIF=OFF
  -DWITH_SPNG=OFF -DWITH_IMGCODEC_HDR=OFF -DWITH_IMGCODEC_SUNRASTER=OFF -DWITH_IMGCODEC_PFM=OFF -DWITH_IMGCODEC_PXM=OFF
  -DWITH_TBB=OFF -DWITH_OPENMP=OFF -DWITH_LAPACK=OFF -DWITH_EIGEN=OFF -DWITH_OPENCL=OFF -DWITH_VA=OFF -DWITH_VA_INTEL=OFF
  -DWITH_PROTOBUF=OFF -DWITH_ITT=OFF -DWITH_IPP=OFF -DWITH_CAROTENE=OFF -DWITH_QUIRC=OFF -DWITH_ADE=OFF -DWITH_VTK=OFF
  -DWITH_CUDA=OFF -DWITH_FREETYPE=OFF -DWITH_OBSENSOR=OFF -DCV_TRACE=OFF
)
opencv_key=$( { sed -n '/^# --- 1\./,/^# --- 2\./p' "$0"; basename "$sysroot"; } | sha256sum | cut -c1-12)
opencv=$cache/arm64/opencv-$opencv_key
if [ ! -f "$opencv/.complete" ]; then
  rm -rf "$cache"/arm64/opencv-* "$cache/arm64/opencv-build"
  start=$(date +%s)
  work=$cache/arm64/opencv-build
  mkdir -p "$work/apt/lists/partial" "$work/apt/cache"
  # The source package through apt with a private state (the build machine's sources and lists are left alone).
  echo "deb-src $mirror bookworm main" > "$work/apt/sources.list"
  echo "deb-src ${mirror%/debian}/debian-security bookworm-security main" >> "$work/apt/sources.list"
  apt_private=(-o Dir::Etc::SourceList="$work/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
               -o Dir::State::Lists="$work/apt/lists" -o Dir::Cache="$work/apt/cache" -o Acquire::Retries=3)
  apt-get "${apt_private[@]}" update -q > "$work/apt.log" 2>&1 || { tail -5 "$work/apt.log" >&2; say "apt-get update of the source index failed"; exit 1; }
  ( cd "$work" && apt-get "${apt_private[@]}" source --download-only -q opencv >> "$work/apt.log" 2>&1 ) \
    || { tail -5 "$work/apt.log" >&2; say "apt-get source opencv failed"; exit 1; }
  dsc=$(ls "$work"/opencv_*.dsc)
  ( cd "$work" && dpkg-source -x "$dsc" source > /dev/null 2>&1 ) || { say "dpkg-source -x $dsc failed"; exit 1; }
  version=$(basename "$dsc" .dsc | sed 's/^opencv_//')
  cat > "$work/aarch64.cmake" <<EOF
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER clang)
set(CMAKE_CXX_COMPILER clang++)
set(CMAKE_C_COMPILER_TARGET aarch64-linux-gnu)
set(CMAKE_CXX_COMPILER_TARGET aarch64-linux-gnu)
set(CMAKE_SYSROOT $sysroot)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
set(CMAKE_EXE_LINKER_FLAGS_INIT "-fuse-ld=lld")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "-fuse-ld=lld")
EOF
  # FFmpeg is found through pkg-config, in the sysroot.
  PKG_CONFIG_SYSROOT_DIR=$sysroot PKG_CONFIG_LIBDIR=$lib_dir/pkgconfig:$sysroot/usr/share/pkgconfig \
    cmake -G Ninja -S "$work/source" -B "$work/build" -DCMAKE_TOOLCHAIN_FILE="$work/aarch64.cmake" \
      -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$opencv" "${opencv_options[@]}" > "$work/cmake.log" 2>&1 \
    || { tail -20 "$work/cmake.log" >&2; say "cmake failed ($work/cmake.log)"; exit 1; }
  grep -q "FFMPEG: *YES" "$work/cmake.log" || { say "OpenCV's cmake found no FFmpeg in the sysroot ($work/cmake.log)"; exit 1; }
  ninja -C "$work/build" install > "$work/ninja.log" 2>&1 || { grep -m5 -B2 -A8 "error" "$work/ninja.log" >&2; say "the OpenCV build failed ($work/ninja.log)"; exit 1; }
  echo "$version" > "$opencv/VERSION"
  touch "$opencv/.complete"
  rm -rf "$work"
  say "OpenCV $version for arm64 (core, imgproc, imgcodecs, videoio; static) in $opencv, $(( $(date +%s) - start )) s"
fi

# --- 2. OpenCvSharpExtern -----------------------------------------------------------------------------------
cflags=(-O2 -fPIC -std=c++17 -w -DNO_CONTRIB -DNO_HIGHGUI -DNO_VIDEO -DNO_STITCHING -DNO_ML -DNO_BARCODE "-I$opencv/include/opencv4")
units=(core imgproc imgcodecs videoio std_string std_vector)
key=$( { cat "$0"; basename "$opencv"; for f in "$src"/*.cpp "$src"/*.h; do sha256sum < "$f"; done; } | sha256sum | cut -c1-12)
out=$cache/arm64/opencvsharp-extern-$key
lib=$out/libOpenCvSharpExtern.so
if [ ! -f "$lib" ]; then
  rm -rf "$cache"/arm64/opencvsharp-extern-*
  mkdir -p "$out/obj"
  start=$(date +%s)
  pids=()
  for u in "${units[@]}"; do
    clang++ "${target[@]}" "${cflags[@]}" -c "$src/$u.cpp" -o "$out/obj/$u.o" 2> "$out/obj/$u.log" & pids+=($!)
  done
  failed=0
  for i in "${!pids[@]}"; do wait "${pids[$i]}" || { failed=1; head -20 "$out/obj/${units[$i]}.log" >&2; }; done
  [ "$failed" = 0 ] || { rm -rf "$out"; say "compiling failed"; exit 1; }
  # OpenCV inside (its symbols not exported), FFmpeg, libjpeg and libpng from the box. --no-undefined: every
  # symbol resolves at build time.
  clang++ "${target[@]}" -fuse-ld=lld -shared -s -Wl,--no-undefined -Wl,--exclude-libs,ALL -Wl,-soname,libOpenCvSharpExtern.so \
    -Wl,-rpath-link,"$lib_dir:$sysroot/lib/aarch64-linux-gnu" -o "$lib.tmp" "$out"/obj/*.o \
    "$opencv"/lib/libopencv_videoio.a "$opencv"/lib/libopencv_imgcodecs.a "$opencv"/lib/libopencv_imgproc.a "$opencv"/lib/libopencv_core.a \
    "-L$lib_dir" -lavformat -lavcodec -lswscale -lavutil -ljpeg -lpng16 "$lib_dir/libz.a" -ldl -lpthread -lm
  mv "$lib.tmp" "$lib"
  rm -rf "$out/obj"
  say "$lib ($(du -k "$lib" | cut -f1) KB, OpenCV $(cat "$opencv/VERSION"), $(( $(date +%s) - start )) s)"
fi

if [ "${1:-}" = --check ]; then
  binary=${2:?--check BINARY}
  packages=${NUGET_PACKAGES:-$HOME/.nuget/packages}
  managed=$(ls "$packages"/opencvsharp4/*/lib/netstandard2.1/OpenCvSharp.dll 2>/dev/null | tail -1)
  x64=$(ls "$packages"/opencvsharp4.official.runtime.linux-x64/*/runtimes/linux-x64/native/libOpenCvSharpExtern.so 2>/dev/null | tail -1)
  [ -n "$managed" ] && [ -n "$x64" ] || { say "OpenCvSharp's packages are not in the NuGet cache (restore first)"; exit 1; }
  # OpenCvSharp's P/Invoke entry points: names in its managed assembly that its x64 extern exports (core_Mat_new1,
  # redirectError); those the Native AOT binary binds are in its string table. FFmpeg's (LibAv) are optional.
  tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
  strings -n 4 "$managed" | sort -u > "$tmp/managed"
  nm -D --defined-only "$x64" | awk '{ print $3 }' | sort -u > "$tmp/x64"
  strings -n 4 "$binary" | sort -u > "$tmp/binary"
  nm -D --defined-only "$lib" | awk '{ print $3 }' | sort -u > "$tmp/exports"
  comm -12 "$tmp/managed" "$tmp/x64" | comm -12 - "$tmp/binary" | grep -E '^[a-z]' > "$tmp/needed"
  missing=$(comm -23 "$tmp/needed" "$tmp/exports")
  [ -z "$missing" ] || { say "$binary calls OpenCvSharpExtern functions the arm64 build lacks: $(echo $missing)"; exit 1; }
  say "all $(wc -l < "$tmp/needed") OpenCvSharpExtern entry points $(basename "$binary") names are exported"
fi
echo "$lib"
