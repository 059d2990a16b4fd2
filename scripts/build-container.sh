#!/usr/bin/env bash
# Builds an OCI image of the SmartCam service from Debian packages only, offline from any image registry
# (issues 14, 30), for amd64, arm64 or both: mmdebstrap extracts just the runtime libraries the Native AOT
# binary and its native libraries link against, no shell, no apt, no dpkg; the tree is tarred and
# `podman import`ed with the image config set by --change and its architecture set by --arch. Nothing is
# pulled from a registry.
#   amd64: out/smartcam/ (scripts/publish.sh); libOpenCvSharpExtern.so is OpenCvSharp's static build, whose
#          highgui needs GTK 3, plus libatomic1 and libdrm2; libonnxruntime.so needs libstdc++6.
#   arm64: out/smartcam-arm64/ (scripts/publish.sh --arch arm64); its libOpenCvSharpExtern.so has OpenCV inside
#          (scripts/build-opencv-arm64.sh) and links Debian's FFmpeg 5.1, libjpeg-turbo and libpng. The closure
#          is resolved by the staging tree's own aarch64 loader run under qemu-user (binfmt_misc).
#
#   scripts/build-container.sh [--arch amd64|arm64|all] [--save DIR]
#     (no --arch, or amd64) → localhost/smartcam:VERSION, :VERSION-amd64 and :latest (amd64)
#     arm64                 → localhost/smartcam:VERSION-arm64 and :latest-arm64
#     all                   → both images (:VERSION-amd64, :latest; :VERSION-arm64, :latest-arm64) and the
#                             OCI image index (manifest list) localhost/smartcam:VERSION holding both
#     --save DIR            → also writes what it built to DIR as an OCI archive (layers gzipped as pushed):
#                             DIR/smartcam-VERSION-ARCH.oci.tar, with all the index and both images in
#                             DIR/smartcam-VERSION.oci.tar (skopeo copy --all oci-archive:... docker://...)
#   (VERSION: <Version> of SmartCam.csproj, + date and commit)
# Then:
#   podman run --rm localhost/smartcam --version
#   podman run --rm --arch arm64 localhost/smartcam:latest-arm64 --version     (emulated: binfmt + qemu-user)
#   podman run --rm --read-only -v /path/to/models:/var/lib/smartcam/models:ro localhost/smartcam doctor
#   podman run -d --read-only -v CONFIG_DIR:/etc/smartcam:ro -v MODELS:/var/lib/smartcam/models:ro \
#       -p 5556:5556 localhost/smartcam run -c /etc/smartcam/smartcam.yaml
#   podman manifest push --all localhost/smartcam:VERSION docker://REGISTRY/smartcam:VERSION   (docs/container.md)
#
# The image: /opt/smartcam/smartcam (entrypoint) and its native libraries, user smartcam (uid 951, as
# rootfs/etc/sysusers.d/smartcam.conf), config from /etc/smartcam (mount it), models from the volume
# /var/lib/smartcam/models; nothing is written to the root filesystem (run it with --read-only).
# Needs root (mmdebstrap --mode=root); installs mmdebstrap and podman if missing, and for arm64
# qemu-user-static, mounting binfmt_misc and registering qemu-aarch64 if they are not.
# Environment: SKIP_PUBLISH=1 to reuse out/smartcam/ or out/smartcam-arm64/ (default when the binary exists),
# IMAGE_MIRROR (default http://deb.debian.org/debian), IMAGE_VERSION (default VERSION+DATE.COMMIT),
# CONTAINER_OUT (default out/container: the amd64 apt cache, the work trees, the rootfs tarball), IMAGE_NAME
# (localhost/smartcam), SMARTCAM_CACHE (default ~/.cache/smartcam: the arm64 apt cache, shared with
# scripts/arm64-sysroot.sh), SIZE_LIMIT_MB (default 250: a bigger image fails the build), SIZE_LIMIT_MB_ARM64
# (default SIZE_LIMIT_MB: the arm64 image's limit, see docs/container.md#sizes).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=${CONTAINER_OUT:-$root/out/container}
mirror=${IMAGE_MIRROR:-http://deb.debian.org/debian}
name=${IMAGE_NAME:-localhost/smartcam}
cache=${SMARTCAM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/smartcam}
limit=${SIZE_LIMIT_MB:-250}
limit_arm64=${SIZE_LIMIT_MB_ARM64:-$limit}
say() { echo "build-container: $*"; }
usage() { echo "usage: scripts/build-container.sh [--arch amd64|arm64|all] [--save DIR]" >&2; exit 2; }

arch=amd64 save=""
while [ $# -gt 0 ]; do
  case "$1" in
    --arch) [ $# -ge 2 ] || usage; arch=$2; shift 2 ;;
    --arch=*) arch=${1#--arch=}; shift ;;
    --save) [ $# -ge 2 ] || usage; save=$2; shift 2 ;;
    --save=*) save=${1#--save=}; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-container: unknown argument '$1'" >&2; usage ;;
  esac
done
case "$arch" in
  amd64|arm64) arches=("$arch") ;;
  all) arches=(amd64 arm64) ;;
  *) echo "build-container: --arch: '$arch' is not amd64, arm64 or all" >&2; exit 2 ;;
esac
for n in "$limit" "$limit_arm64"; do [[ "$n" =~ ^[0-9]+$ ]] || { echo "build-container: SIZE_LIMIT_MB: '$n' is not a number of MB" >&2; exit 2; }; done

[ "$(id -u)" -eq 0 ] || { echo "build-container: needs root (mmdebstrap --mode=root)" >&2; exit 1; }
tools=(mmdebstrap podman)
missing=()
for p in "${tools[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
if [[ " ${arches[*]} " == *" arm64 "* ]]; then
  # The arm64 loader runs under qemu-user, in the chroot too: binfmt_misc with the F flag (Debian's qemu-aarch64.conf).
  bash scripts/qemu-arm64.sh | sed 's/^/build-container: /'
fi

base_version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' src/SmartCam/SmartCam.csproj)
commit=$(git rev-parse --short=8 HEAD 2>/dev/null || echo unknown)
version=${IMAGE_VERSION:-"$base_version-$(date -u +%Y%m%d).$commit"}
# An OCI tag allows [A-Za-z0-9_.-] only (no '+').
tag=$(printf '%s' "$version" | tr -c 'A-Za-z0-9_.-' '_')
say "version $version (tag $tag), ${arches[*]}"
uid=$(awk '$1=="u" && $2=="smartcam" {print $3}' rootfs/etc/sysusers.d/smartcam.conf)
gpio_gid=$(awk '$1=="g" && $2=="gpio" {print $3}' rootfs/etc/sysusers.d/smartcam.conf)
[ -n "$uid" ] && [ -n "$gpio_gid" ] || { echo "build-container: no smartcam uid / gpio gid in rootfs/etc/sysusers.d/smartcam.conf" >&2; exit 1; }
[ -z "$save" ] || mkdir -p "$save"

work=""
release_cache() {
  [ -n "$work" ] || return 0
  mountpoint -q "$work/staging/var/cache/apt/archives" 2>/dev/null && umount "$work/staging/var/cache/apt/archives" || true
  mountpoint -q "$work/rootfs/var/cache/apt/archives" 2>/dev/null && umount "$work/rootfs/var/cache/apt/archives" || true
  rm -f "$out/rootfs.tar"
}
trap release_cache EXIT

# One image: build_image ARCH → $name:$tag-ARCH; prints nothing, sets image_size (bytes) and image_secs.
build_image() {
  local a=$1 src publish packages loader apt_cache lim start
  start=$(date +%s)
  case "$a" in
    amd64)
      src=out/smartcam publish=(bash scripts/publish.sh) loader=/lib64/ld-linux-x86-64.so.2
      apt_cache=$out/apt-cache work=$out/work lim=$limit
      # What `ldd` lists for the binary and its native libraries, by package (libgtk-3-0 brings most of them).
      packages=libc6,libstdc++6,libgcc-s1,libatomic1,libdrm2,libgtk-3-0,libssl3 ;;
    arm64)
      src=out/smartcam-arm64 publish=(bash scripts/publish.sh --arch arm64) loader=/lib/ld-linux-aarch64.so.1
      apt_cache=$cache/arm64/apt-cache work=$out/work-arm64 lim=$limit_arm64
      # What the extern links besides libstdc++ (readelf -d): FFmpeg 5.1, libjpeg-turbo, libpng.
      packages=libc6,libstdc++6,libgcc-s1,libavformat59,libavcodec59,libswscale6,libavutil57,libjpeg62-turbo,libpng16-16,libssl3 ;;
  esac
  say "[$a] from $src/"

  # The Native AOT binary and its native libraries (not rebuilt when they are there).
  if [ "${SKIP_PUBLISH:-}" != 0 ] && [ -x "$src/smartcam" ]; then :; else "${publish[@]}"; fi
  for f in smartcam libOpenCvSharpExtern.so libonnxruntime.so; do
    [ -f "$src/$f" ] || { echo "build-container: $src/$f missing (${publish[*]})" >&2; exit 1; }
  done
  local want; want=$([ "$a" = amd64 ] && echo X86-64 || echo AArch64)
  readelf -h "$src/smartcam" | grep -q "Machine:.*$want" || { echo "build-container: $src/smartcam is not a $want binary: $(readelf -h "$src/smartcam" | grep Machine:)" >&2; exit 1; }

  release_cache
  rm -rf "$work"
  mkdir -p "$work/payload" "$apt_cache"

  # The service's files.
  local payload=$work/payload
  install -d "$payload/opt/smartcam" "$payload/etc/smartcam" "$payload/var/lib/smartcam/models" "$payload/var/lib/smartcam/media" "$payload/tmp"
  for f in "$src"/*; do case "$f" in *.dbg) ;; *) cp "$f" "$payload/opt/smartcam/" ;; esac; done
  chmod 0755 "$payload"/opt/smartcam/*
  chmod 1777 "$payload/tmp"
  # Users without shadow/passwd packages: root and the service's fixed ids (sysusers.d/smartcam.conf; video is 44 on Debian).
  printf 'root:x:0:0:root:/root:/usr/sbin/nologin\nsmartcam:x:%s:%s:SmartCam service:/var/lib/smartcam:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' "$uid" "$uid" > "$payload/etc/passwd"
  printf 'root:x:0:\nvideo:x:44:smartcam\n%s:x:%s:smartcam\nsmartcam:x:%s:\nnogroup:x:65534:\n' gpio "$gpio_gid" "$uid" > "$payload/etc/group"
  # VARIANT="container" is ApplianceImage.ContainerVariant: the binary reports this version but does not hold the pod
  # to the appliance's own rules (plain HTTP only on the loopback; docs/http.md#security).
  cat > "$payload/etc/smartcam-release" <<REL
NAME="SmartCam"
IMAGE_VERSION="$version"
ARCHITECTURE="$a"
BUILT="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
COMMIT="$commit"
VARIANT="container"
REL

  # Runtime packages, extracted only (no maintainer scripts, no dpkg database): a staging tree, not the image.
  say "[$a] runtime packages (mmdebstrap --variant=extract)"
  # The apt cache is unmounted in the extract hook, before mmdebstrap's cleanup empties it.
  mmdebstrap --mode=root --variant=extract --format=directory --architectures="$a" \
    --components=main --include="$packages" \
    --aptopt='Acquire::Retries "3"' --aptopt='APT::Install-Recommends "false"' \
    --setup-hook='mkdir -p "$1/var/cache/apt/archives"' \
    --setup-hook="mount --bind '$apt_cache' \"\$1/var/cache/apt/archives\"" \
    --extract-hook='umount "$1/var/cache/apt/archives"' \
    bookworm "$work/staging" \
    "deb $mirror bookworm main" "deb $mirror bookworm-updates main" "deb ${mirror%/debian}/debian-security bookworm-security main"
  # The image holds only the shared libraries the binary and its native libraries load (their ldd closure,
  # resolved by the staging tree's own dynamic loader: for arm64 it runs under qemu-user through binfmt_misc),
  # not the packages' programs, data, icons or locales (amd64: GTK is linked by OpenCV's highgui but never
  # initialised by a headless service).
  say "[$a] library closure ($loader --list)"
  cp -a "$payload/opt" "$work/staging/"
  # The binary also loads libraries by name at run time, which `--list` cannot see: .NET's crypto shim (linked
  # into the Native AOT binary) dlopens OpenSSL 3 for SHA-256 (the config's hash) and TLS (http.tls, MQTT over TLS),
  # and aborts with "No usable version of libssl was found" without it. Their closure is taken as well.
  local closure dlopened
  dlopened=$(cd "$work/staging" && find usr/lib lib -maxdepth 2 -name 'libssl.so.3' 2>/dev/null | head -1)
  [ -n "$dlopened" ] || { echo "build-container: [$a] libssl.so.3 not in the staging tree (package libssl3)" >&2; exit 1; }
  closure=$(for f in /opt/smartcam/smartcam /opt/smartcam/libOpenCvSharpExtern.so /opt/smartcam/libonnxruntime.so /opt/smartcam/libonnxruntime_providers_shared.so "/$dlopened"; do
    [ -e "$work/staging$f" ] || continue
    LD_LIBRARY_PATH=/opt/smartcam chroot "$work/staging" "$loader" --list "$f" || echo "$f: $loader --list failed: not found"
  done 2>&1)
  if grep -q 'not found' <<<"$closure"; then echo "build-container: [$a] unresolved libraries:" >&2; grep 'not found' <<<"$closure" | sort -u >&2; exit 1; fi
  local rootfs=$work/rootfs libs l
  cp -a "$payload" "$rootfs"
  libs=$( { awk '$2=="=>" && $3 ~ /^\// {print $3}' <<<"$closure"; echo "$loader"; echo "/$dlopened"; } | grep -v '^/opt/smartcam/' | sort -u)
  for l in $libs; do install -D -m 0644 "$(resolve "$work/staging" "$l")" "$rootfs$l"; done
  chmod 0755 "$rootfs$loader"
  # Their copyright files (the licences the image is distributed under).
  ( cd "$work/staging" && find usr/share/doc -name copyright -print0 | xargs -0 -I{} install -D -m 0644 {} "$rootfs/{}" )
  say "[$a] $(wc -w <<<"$libs") libraries, $(du -sm "$rootfs" | cut -f1) MB in the tree ($(du -sm "$rootfs/opt/smartcam" | cut -f1) MB of it /opt/smartcam)"
  # The ten biggest libraries, for the size report (docs/container.md#sizes).
  for l in $libs; do echo "$(stat -c %s "$rootfs$l") $l"; done | sort -rn | head -10 \
    | awk -v a="$a" '{printf "build-container: [%s]   %6.1f MB %s\n", a, $1/1e6, $2}'

  say "[$a] podman import"
  local image=$name:$tag-$a
  tar --numeric-owner -C "$rootfs" -cf "$out/rootfs.tar" .
  podman image rm -f "$image" >/dev/null 2>&1 || true
  podman import --quiet --arch "$a" --os linux \
    --change "USER $uid:$uid" \
    --change 'WORKDIR /var/lib/smartcam' \
    --change 'ENV LD_LIBRARY_PATH=/opt/smartcam' \
    --change 'ENV DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1' \
    --change 'ENV ORT_DISABLE_TELEMETRY=1' \
    --change 'ENTRYPOINT ["/opt/smartcam/smartcam"]' \
    --change 'CMD ["run", "-c", "/etc/smartcam/smartcam.yaml"]' \
    --change 'VOLUME ["/var/lib/smartcam/models", "/etc/smartcam"]' \
    --change 'EXPOSE 5556/tcp' --change 'EXPOSE 8080/tcp' \
    --change 'LABEL org.opencontainers.image.title=smartcam' \
    --change "LABEL org.opencontainers.image.version=$version" \
    --change "LABEL org.opencontainers.image.revision=$commit" \
    --change 'LABEL org.opencontainers.image.description=SmartCam real-time detection service' \
    --message "smartcam $version $a (scripts/build-container.sh)" \
    "$out/rootfs.tar" "$image" >/dev/null
  rm -f "$out/rootfs.tar"
  local got; got=$(podman image inspect --format '{{.Os}}/{{.Architecture}}' "$image")
  [ "$got" = "linux/$a" ] || { echo "build-container: $image declares $got, not linux/$a" >&2; exit 1; }

  image_size=$(podman image inspect --format '{{.Size}}' "$image")
  image_secs=$(( $(date +%s) - start ))
  [ $(( image_size / 1000000 )) -le "$lim" ] || {
    echo "build-container: $image is $(( image_size / 1000000 )) MB, over $([ "$a" = arm64 ] && echo SIZE_LIMIT_MB_ARM64 || echo SIZE_LIMIT_MB)=$lim (the biggest libraries are listed above; docs/container.md#sizes)" >&2; exit 1; }
  say "[$a] built $image ($got): $(( image_size / 1000000 )) MB (${image_size} bytes), in ${image_secs} s"
}

# A path inside a staging tree with its symbolic links followed there (absolute targets stay inside it).
resolve() { local s=$1 p=$2 t n=0; while [ -L "$s$p" ] && [ $n -lt 40 ]; do t=$(readlink "$s$p"); case "$t" in /*) p=$t ;; *) p=$(dirname "$p")/$t ;; esac; n=$((n+1)); done; echo "$s$p"; }

# An image written to --save DIR as an OCI archive.
save_image() { local ref=$1 file; file=$save/smartcam-${ref##*:}.oci.tar; rm -f "$file"; podman save --format oci-archive -o "$file" "$ref" >/dev/null; say "saved $ref to $file ($(( $(stat -c %s "$file") / 1000000 )) MB)"; }

summary=()
for a in "${arches[@]}"; do
  build_image "$a"
  summary+=("$a $(( image_size / 1000000 )) MB in ${image_secs} s;")
  case "$a" in
    amd64)
      # Today's tags: the plain version and :latest are the amd64 image (scripts/test-container.sh, .ci/run).
      podman image rm -f "$name:latest" >/dev/null 2>&1 || true
      podman tag "$name:$tag-amd64" "$name:latest"
      [ "$arch" = all ] || { podman manifest rm "$name:$tag" >/dev/null 2>&1 || true; podman image rm -f "$name:$tag" >/dev/null 2>&1 || true; podman tag "$name:$tag-amd64" "$name:$tag"; } ;;
    arm64)
      podman image rm -f "$name:latest-arm64" >/dev/null 2>&1 || true
      podman tag "$name:$tag-arm64" "$name:latest-arm64" ;;
  esac
  [ -z "$save" ] || [ "$arch" = all ] || save_image "$name:$tag-$a"
done

if [ "$arch" = all ]; then
  # The OCI image index: one name, each node's runtime picks its platform's entry.
  say "manifest list $name:$tag"
  podman manifest rm "$name:$tag" >/dev/null 2>&1 || true
  podman image rm -f "$name:$tag" >/dev/null 2>&1 || true
  podman manifest create "$name:$tag" >/dev/null
  for a in "${arches[@]}"; do podman manifest add --os linux --arch "$a" "$name:$tag" "containers-storage:$name:$tag-$a" >/dev/null; done
  platforms=$(podman manifest inspect "$name:$tag" | /usr/bin/python3 -c 'import json,sys; print(" ".join(sorted(m["platform"]["os"] + "/" + m["platform"]["architecture"] for m in json.load(sys.stdin)["manifests"])))')
  [ "$platforms" = "linux/amd64 linux/arm64" ] || { echo "build-container: $name:$tag lists '$platforms', expected linux/amd64 linux/arm64" >&2; exit 1; }
  say "manifest list $name:$tag: $platforms"
  if [ -n "$save" ]; then
    rm -f "$save/smartcam-$tag.oci.tar"
    podman manifest push --quiet --all --format oci "$name:$tag" "oci-archive:$save/smartcam-$tag.oci.tar" >/dev/null
    say "saved the index $name:$tag to $save/smartcam-$tag.oci.tar ($(( $(stat -c %s "$save/smartcam-$tag.oci.tar") / 1000000 )) MB)"
  fi
fi
case "$arch" in
  amd64) tags="$name:$tag $name:$tag-amd64 $name:latest" ;;
  arm64) tags="$name:$tag-arm64 $name:latest-arm64" ;;
  all) tags="$name:$tag (manifest list) $name:$tag-amd64 $name:latest $name:$tag-arm64 $name:latest-arm64" ;;
esac
say "done: ${summary[*]} tags: $tags"
