#!/usr/bin/env bash
# Builds an OCI image of the SmartCam service from Debian packages only, offline from any image registry
# (issue 14): mmdebstrap extracts just the runtime libraries the Native AOT binary and its native libraries
# link against (found with ldd: libOpenCvSharpExtern.so needs GTK 3 for its highgui, plus libatomic1 and
# libdrm2; libonnxruntime.so needs libstdc++6), no shell, no apt, no dpkg; the tree is tarred and
# `podman import`ed with the image config set by --change. Nothing is pulled from a registry.
#
#   scripts/build-container.sh      → localhost/smartcam:VERSION and localhost/smartcam:latest
#                                     (VERSION: <Version> of SmartCam.csproj, + date and commit)
# Then:
#   podman run --rm localhost/smartcam --version
#   podman run --rm --read-only -v /path/to/models:/var/lib/smartcam/models:ro localhost/smartcam doctor
#   podman run -d --read-only -v CONFIG_DIR:/etc/smartcam:ro -v MODELS:/var/lib/smartcam/models:ro \
#       -p 5556:5556 localhost/smartcam run -c /etc/smartcam/smartcam.yaml
#
# The image: /opt/smartcam/smartcam (entrypoint) and its native libraries, user smartcam (uid 951, as
# rootfs/etc/sysusers.d/smartcam.conf), config from /etc/smartcam (mount it), models from the volume
# /var/lib/smartcam/models; nothing is written to the root filesystem (run it with --read-only).
# Needs root (mmdebstrap --mode=root); installs mmdebstrap and podman if missing.
# Environment: SKIP_PUBLISH=1 to reuse out/smartcam/ (default when out/smartcam/smartcam exists),
# IMAGE_MIRROR (default http://deb.debian.org/debian), IMAGE_VERSION (default VERSION+DATE.COMMIT),
# CONTAINER_OUT (default out/container: the apt cache and the rootfs tarball), IMAGE_NAME (localhost/smartcam),
# SIZE_LIMIT_MB (default 250: a bigger image fails the build).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=${CONTAINER_OUT:-$root/out/container}
mirror=${IMAGE_MIRROR:-http://deb.debian.org/debian}
name=${IMAGE_NAME:-localhost/smartcam}
start=$(date +%s)
say() { echo "build-container: $*"; }

[ "$(id -u)" -eq 0 ] || { echo "build-container: needs root (mmdebstrap --mode=root)" >&2; exit 1; }
tools=(mmdebstrap podman)
missing=()
for p in "${tools[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

# The Native AOT binary and its native libraries (not rebuilt when they are there).
if [ "${SKIP_PUBLISH:-}" != 0 ] && [ -x out/smartcam/smartcam ]; then :; else bash scripts/publish.sh; fi
for f in smartcam libOpenCvSharpExtern.so libonnxruntime.so; do
  [ -f "out/smartcam/$f" ] || { echo "build-container: out/smartcam/$f missing (scripts/publish.sh)" >&2; exit 1; }
done

base_version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' src/SmartCam/SmartCam.csproj)
commit=$(git rev-parse --short=8 HEAD 2>/dev/null || echo unknown)
version=${IMAGE_VERSION:-"$base_version-$(date -u +%Y%m%d).$commit"}
# An OCI tag allows [A-Za-z0-9_.-] only (no '+').
tag=$(printf '%s' "$version" | tr -c 'A-Za-z0-9_.-' '_')
say "version $version (tag $tag)"

work=$out/work
release_cache() { mountpoint -q "$work/staging/var/cache/apt/archives" 2>/dev/null && umount "$work/staging/var/cache/apt/archives" || true; mountpoint -q "$work/rootfs/var/cache/apt/archives" 2>/dev/null && umount "$work/rootfs/var/cache/apt/archives" || true; }
trap release_cache EXIT
release_cache
rm -rf "$work"
mkdir -p "$work/payload" "$out/apt-cache"

# The service's files.
payload=$work/payload
install -d "$payload/opt/smartcam" "$payload/etc/smartcam" "$payload/var/lib/smartcam/models" "$payload/var/lib/smartcam/media" "$payload/tmp"
for f in out/smartcam/*; do case "$f" in *.dbg) ;; *) cp "$f" "$payload/opt/smartcam/" ;; esac; done
chmod 0755 "$payload"/opt/smartcam/*
chmod 1777 "$payload/tmp"
# Users without shadow/passwd packages: root and the service's fixed ids (sysusers.d/smartcam.conf; video is 44 on Debian).
uid=$(awk '$1=="u" && $2=="smartcam" {print $3}' rootfs/etc/sysusers.d/smartcam.conf)
gpio_gid=$(awk '$1=="g" && $2=="gpio" {print $3}' rootfs/etc/sysusers.d/smartcam.conf)
[ -n "$uid" ] && [ -n "$gpio_gid" ] || { echo "build-container: no smartcam uid / gpio gid in rootfs/etc/sysusers.d/smartcam.conf" >&2; exit 1; }
install -d "$payload/etc"
printf 'root:x:0:0:root:/root:/usr/sbin/nologin\nsmartcam:x:%s:%s:SmartCam service:/var/lib/smartcam:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' "$uid" "$uid" > "$payload/etc/passwd"
printf 'root:x:0:\nvideo:x:44:smartcam\n%s:x:%s:smartcam\nsmartcam:x:%s:\nnogroup:x:65534:\n' gpio "$gpio_gid" "$uid" > "$payload/etc/group"
cat > "$payload/etc/smartcam-release" <<REL
NAME="SmartCam"
IMAGE_VERSION="$version"
BUILT="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
COMMIT="$commit"
VARIANT="container"
REL

# Runtime packages: what `ldd` lists for the binary and its native libraries, by package (libgtk-3-0 brings
# most of them). Extracted only (no maintainer scripts, no dpkg database): a staging tree, not the image.
packages=libc6,libstdc++6,libgcc-s1,libatomic1,libdrm2,libgtk-3-0

say "runtime packages (mmdebstrap --variant=extract)"
# The apt cache is unmounted in the extract hook, before mmdebstrap's cleanup empties it.
mmdebstrap --mode=root --variant=extract --format=directory \
  --components=main --include="$packages" \
  --aptopt='Acquire::Retries "3"' --aptopt='APT::Install-Recommends "false"' \
  --setup-hook='mkdir -p "$1/var/cache/apt/archives"' \
  --setup-hook="mount --bind '$out/apt-cache' \"\$1/var/cache/apt/archives\"" \
  --extract-hook='umount "$1/var/cache/apt/archives"' \
  bookworm "$work/staging" \
  "deb $mirror bookworm main" "deb $mirror bookworm-updates main" "deb ${mirror%/debian}/debian-security bookworm-security main"

# The image holds only the shared libraries the binary and its native libraries load (their ldd closure,
# resolved by the staging tree's own dynamic loader), not the packages' programs, data, icons or locales:
# GTK is linked by OpenCV's highgui but never initialised by a headless service.
say "library closure"
cp -a "$payload/opt" "$work/staging/"
closure=$(for f in /opt/smartcam/smartcam /opt/smartcam/libOpenCvSharpExtern.so /opt/smartcam/libonnxruntime.so /opt/smartcam/libonnxruntime_providers_shared.so; do
  [ -e "$work/staging$f" ] || continue
  LD_LIBRARY_PATH=/opt/smartcam chroot "$work/staging" /lib64/ld-linux-x86-64.so.2 --list "$f"
done 2>&1)
if grep -q 'not found' <<<"$closure"; then echo "build-container: unresolved libraries:" >&2; grep 'not found' <<<"$closure" | sort -u >&2; exit 1; fi
rootfs=$work/rootfs
cp -a "$payload" "$rootfs"
libs=$( { awk '$2=="=>" && $3 ~ /^\// {print $3}' <<<"$closure"; echo /lib64/ld-linux-x86-64.so.2; } | grep -v '^/opt/smartcam/' | sort -u)
# A path inside the staging tree with its symbolic links followed there (absolute targets stay inside it).
resolve() { local p=$1 t n=0; while [ -L "$work/staging$p" ] && [ $n -lt 40 ]; do t=$(readlink "$work/staging$p"); case "$t" in /*) p=$t ;; *) p=$(dirname "$p")/$t ;; esac; n=$((n+1)); done; echo "$work/staging$p"; }
for l in $libs; do install -D -m 0644 "$(resolve "$l")" "$rootfs$l"; done
chmod 0755 "$rootfs/lib64/ld-linux-x86-64.so.2"
# Their copyright files (the licences the image is distributed under).
( cd "$work/staging" && find usr/share/doc -name copyright -print0 | xargs -0 -I{} install -D -m 0644 {} "$rootfs/{}" )
say "$(wc -w <<<"$libs") libraries, $(du -sm "$rootfs" | cut -f1) MB in the tree"

say "podman import"
tar --numeric-owner -C "$work/rootfs" -cf "$out/rootfs.tar" .
podman image rm -f "$name:$tag" "$name:latest" >/dev/null 2>&1 || true
podman import \
  --change "USER $uid:$uid" \
  --change 'WORKDIR /var/lib/smartcam' \
  --change 'ENV LD_LIBRARY_PATH=/opt/smartcam' \
  --change 'ENV DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1' \
  --change 'ENV ORT_DISABLE_TELEMETRY=1' \
  --change 'ENTRYPOINT ["/opt/smartcam/smartcam"]' \
  --change 'CMD ["run", "-c", "/etc/smartcam/smartcam.yaml"]' \
  --change 'VOLUME ["/var/lib/smartcam/models", "/etc/smartcam"]' \
  --change 'EXPOSE 5556/tcp' --change 'EXPOSE 8080/tcp' \
  --change "LABEL org.opencontainers.image.title=smartcam org.opencontainers.image.version=$version org.opencontainers.image.revision=$commit org.opencontainers.image.description=SmartCam_real-time_detection_service" \
  --message "smartcam $version (scripts/build-container.sh)" \
  "$out/rootfs.tar" "$name:$tag" >/dev/null
podman tag "$name:$tag" "$name:latest"
rm -f "$out/rootfs.tar"

elapsed=$(( $(date +%s) - start ))
size=$(podman image inspect --format '{{.Size}}' "$name:$tag")
limit=${SIZE_LIMIT_MB:-250}
[ $(( size / 1000000 )) -le "$limit" ] || { echo "build-container: $name:$tag is $(( size / 1000000 )) MB, over SIZE_LIMIT_MB=$limit" >&2; exit 1; }
say "built $name:$tag and $name:latest: $(( size / 1000000 )) MB (${size} bytes), in ${elapsed} s"
