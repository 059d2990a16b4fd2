#!/usr/bin/env bash
# Makes a signed RAUC update bundle (docs/updates.md) of the root filesystem scripts/build-image.sh built
# (out/image/root.ext4): a verity bundle (the box refuses plain ones) with the image version in its
# manifest. The filesystem is shrunk to its contents first (the box grows it to the slot: resize=true).
#   scripts/build-bundle.sh [--arch amd64|arm64] [OUT]   (default out/image/smartcam-VERSION.raucb; for arm64 the
#                                   image of build-image.sh --arch arm64 in out/image-arm64/, compatible smartcam-aarch64)
# Environment: ROOT_EXT4 (default out/image/root.ext4), BUNDLE_VERSION (default out/image/VERSION),
# BUNDLE_COMPATIBLE (default smartcam-x86_64 or smartcam-aarch64 by --arch, as the image's /etc/rauc/system.conf:
# scripts/image/arch.sh), RAUC_CERT and RAUC_KEY (the
# signing certificate and key, PEM files or PKCS#11 URIs; default: the development ones from
# scripts/image/dev-keys.sh), RAUC_KEYRING (CA certificates to check the signature against right away),
# BUNDLE_ZSTD_LEVEL (squashfs zstd level, default 15: 12x the time of level 3 for a 12 % smaller bundle).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
say() { echo "build-bundle: $*"; }
start=$(date +%s)

for p in rauc squashfs-tools e2fsprogs openssl; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" && continue
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  say "installing $p"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "$p" >/dev/null 2>&1 \
    || { $sudo apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "$p" >/dev/null; }
done

arch=amd64
if [ "${1:-}" = --arch ]; then arch=${2:-}; shift; [ $# -eq 0 ] || shift; fi
. scripts/image/arch.sh
image_arch "$arch" || { echo "build-bundle: --arch $arch: expected amd64 or arm64" >&2; exit 2; }
image=${ROOT_EXT4:-$image_dir/root.ext4}
[ -f "$image" ] || { echo "build-bundle: $image: no such file; run scripts/build-image.sh --arch $arch first (it leaves slot A's filesystem there)" >&2; exit 2; }
version=${BUNDLE_VERSION:-$(cat "$image_dir/VERSION" 2>/dev/null || true)}
[ -n "$version" ] || { echo "build-bundle: no version: set BUNDLE_VERSION or build the image first ($image_dir/VERSION)" >&2; exit 2; }
compatible=${BUNDLE_COMPATIBLE:-$compatible}
if [ -n "${RAUC_CERT:-}${RAUC_KEY:-}" ]; then
  [ -n "${RAUC_CERT:-}" ] && [ -n "${RAUC_KEY:-}" ] || { echo "build-bundle: RAUC_CERT and RAUC_KEY go together (the signing certificate and its key)" >&2; exit 2; }
  cert=$RAUC_CERT; key=$RAUC_KEY; keyring=${RAUC_KEYRING:-}
else
  bash scripts/image/dev-keys.sh "$root/out/keys"
  cert=$root/out/keys/dev-signing.cert.pem; key=$root/out/keys/dev-signing.key.pem; keyring=${RAUC_KEYRING:-$root/out/keys/dev-keyring.pem}
fi
out=${1:-$image_dir/smartcam-$version.raucb}

work=$(mktemp -d "${TMPDIR:-/tmp}/smartcam-bundle.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/content"
# The slot gets this filesystem and RAUC grows it to the partition: ship only what is used.
cp --sparse=always "$image" "$work/content/root.ext4"
given=$(stat -c %s "$work/content/root.ext4")
e2fsck -fy "$work/content/root.ext4" >/dev/null 2>&1 || [ $? -le 1 ] || { echo "build-bundle: $image: e2fsck found errors it could not fix" >&2; exit 1; }
resize2fs -M "$work/content/root.ext4" >/dev/null 2>&1
cat > "$work/content/manifest.raucm" <<MANIFEST
[update]
compatible=$compatible
version=$version
description=SmartCam appliance root filesystem
build=$(date -u +%Y%m%dT%H%M%SZ)

[bundle]
format=verity

[image.rootfs]
filename=root.ext4
MANIFEST
rm -f "$out"
mkdir -p "$(dirname "$out")"
args=(bundle --cert="$cert" --key="$key" --mksquashfs-args="-comp zstd -Xcompression-level ${BUNDLE_ZSTD_LEVEL:-15}")
[ -n "$keyring" ] && args+=(--signing-keyring="$keyring")
rauc "${args[@]}" "$work/content" "$out" > "$work/rauc.log" 2>&1 || { cat "$work/rauc.log" >&2; exit 1; }
[ -n "$keyring" ] && { rauc info --keyring="$keyring" "$out" > "$work/info.txt" 2>&1 || { cat "$work/info.txt" >&2; exit 1; }; }
say "$out: version $version, compatible $compatible, $(du -h --apparent-size "$out" | cut -f1) (root filesystem $(( $(stat -c %s "$work/content/root.ext4") >> 20 )) MiB, given $(( given >> 20 )) MiB), built in $(( $(date +%s) - start )) s"
