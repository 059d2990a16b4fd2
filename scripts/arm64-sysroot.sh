#!/usr/bin/env bash
# An arm64 (aarch64) Debian 12 root for cross-building and emulating SmartCam on a linux-x64 machine
# (docs/arm64.md), made with mmdebstrap from Debian packages and cached outside the checkout. Prints its path.
#   scripts/arm64-sysroot.sh
# It is three things at once: the sysroot Native AOT's clang/lld link against (libc6-dev, libgcc-12-dev,
# libstdc++-12-dev), the libraries scripts/build-opencv-arm64.sh builds OpenCV against (FFmpeg 5.1, libjpeg-turbo,
# libpng, zlib: the -dev packages of Debian 12's own OpenCV build), and the library root qemu-aarch64-static runs the
# arm64 binary in (QEMU_LD_PREFIX). Why mmdebstrap and not dpkg multiarch: nothing is installed on the build machine
# and its apt state is untouched; the packages are only extracted (no maintainer scripts run for a foreign
# architecture), which these libraries do not need.
# Environment: SMARTCAM_CACHE (default ~/.cache/smartcam), IMAGE_MIRROR (default http://deb.debian.org/debian).
# Needs root (mmdebstrap --mode=root); installs mmdebstrap if missing. About 30 s and 100 MB of packages cold.
set -euo pipefail
cache=${SMARTCAM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/smartcam}
mirror=${IMAGE_MIRROR:-http://deb.debian.org/debian}
packages=libc6-dev,libgcc-12-dev,libstdc++-12-dev,libavcodec-dev,libavformat-dev,libavutil-dev,libswscale-dev,libjpeg62-turbo-dev,libpng-dev,zlib1g-dev
# The root is rebuilt when this script (its package list) changes.
key=$(sha256sum "$0" | cut -c1-12)
root=$cache/arm64/sysroot-$key
if [ -f "$root/.complete" ]; then echo "$root"; exit 0; fi

[ "$(id -u)" -eq 0 ] || { echo "arm64-sysroot: needs root (mmdebstrap --mode=root)" >&2; exit 1; }
if ! dpkg-query -W -f='${Status}' mmdebstrap 2>/dev/null | grep -q "ok installed"; then
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends mmdebstrap >/dev/null
fi
mkdir -p "$cache/arm64/apt-cache"
rm -rf "$cache"/arm64/sysroot-*
start=$(date +%s)
# The apt cache is unmounted in the extract hook, before mmdebstrap's cleanup empties it.
mmdebstrap --mode=root --variant=extract --format=directory --architectures=arm64 \
  --components=main --include="$packages" \
  --aptopt='Acquire::Retries "3"' --aptopt='APT::Install-Recommends "false"' \
  --setup-hook='mkdir -p "$1/var/cache/apt/archives"' \
  --setup-hook="mount --bind '$cache/arm64/apt-cache' \"\$1/var/cache/apt/archives\"" \
  --extract-hook='umount "$1/var/cache/apt/archives"' \
  bookworm "$root" \
  "deb $mirror bookworm main" "deb $mirror bookworm-updates main" "deb ${mirror%/debian}/debian-security bookworm-security main" \
  > "$cache/arm64/mmdebstrap.log" 2>&1 || { tail -20 "$cache/arm64/mmdebstrap.log" >&2; echo "arm64-sysroot: mmdebstrap failed" >&2; exit 1; }
touch "$root/.complete"
echo "arm64-sysroot: $root ($(du -sm "$root" | cut -f1) MB, $(( $(date +%s) - start )) s)" >&2
echo "$root"
