#!/usr/bin/env bash
# Builds the SmartCam appliance image from Debian packages only (no Docker): mmdebstrap (bookworm,
# -updates, -security; the PREEMPT_RT kernel) plus rootfs/ and the Native AOT binary, then a bootable
# GPT disk image with genimage: an EFI system partition with systemd-boot, the kernel and initrd, and an
# ext4 root made by mke2fs -d, partitions aligned to 1 MiB. Needs root (mmdebstrap --mode=root).
#   scripts/build-image.sh            → out/image/smartcam-VERSION.img (and smartcam.img → it)
# Environment: IMAGE_OUT (default out/image), SKIP_PUBLISH=1 to reuse out/smartcam/smartcam,
# IMAGE_MIRROR (default http://deb.debian.org/debian).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=${IMAGE_OUT:-$root/out/image}
mirror=${IMAGE_MIRROR:-http://deb.debian.org/debian}
start=$(date +%s)
say() { echo "build-image: $*"; }

[ "$(id -u)" -eq 0 ] || { echo "build-image: needs root (mmdebstrap --mode=root, loop-free image assembly)" >&2; exit 1; }
tools=(mmdebstrap genimage dosfstools mtools e2fsprogs fdisk)
missing=()
for p in "${tools[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

# The binary and the assets it ships with.
[ -f models/yolox_nano.onnx ] && [ -f media/vtest.avi ] || bash scripts/setup.sh
[ "${SKIP_PUBLISH:-0}" = 1 ] && [ -x out/smartcam/smartcam ] || bash scripts/publish.sh

base_version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' src/SmartCam/SmartCam.csproj)
commit=$(git rev-parse --short=8 HEAD 2>/dev/null || echo unknown)
version="$base_version+$(date -u +%Y%m%d).$commit"
say "version $version"

work=$out/work
# A failed mmdebstrap leaves the apt cache bind-mounted into the half-built root.
release_cache() { mountpoint -q "$work/rootfs/var/cache/apt/archives" 2>/dev/null && umount "$work/rootfs/var/cache/apt/archives" || true; }
trap release_cache EXIT
release_cache
rm -rf "$work"
mkdir -p "$work/payload" "$work/esp/EFI/BOOT" "$work/esp/loader/entries" "$out/apt-cache"

# Everything that goes onto the root filesystem besides Debian's packages.
payload=$work/payload
cp -a rootfs/. "$payload/"
rm -rf "$payload/image" "$payload/README.md"
install -d "$payload/usr/local/bin" "$payload/opt/smartcam" "$payload/var/lib/smartcam/models" "$payload/var/lib/smartcam/media" "$payload/usr/share/doc/smartcam"
for f in out/smartcam/*; do case "$f" in *.dbg) ;; *) cp -a "$f" "$payload/opt/smartcam/" ;; esac; done
cp models/yolox_nano.onnx models/coco80.names "$payload/var/lib/smartcam/models/"
cp media/vtest.avi "$payload/var/lib/smartcam/media/"
cp README.md "$payload/usr/share/doc/smartcam/"
cp -r docs "$payload/usr/share/doc/smartcam/"
cat > "$payload/etc/smartcam-release" <<REL
NAME="SmartCam"
IMAGE_VERSION="$version"
BUILT="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
COMMIT="$commit"
REL
printf '#!/bin/sh\nexec /opt/smartcam/smartcam "$@"\n' > "$payload/usr/local/bin/smartcam"
chmod 0755 "$payload/usr/local/bin/smartcam" "$payload/opt/smartcam/smartcam"

packages=$(grep -v '^#' rootfs/image/packages.txt | tr '\n' ',' | sed 's/,$//')
cmdline=$(grep -v '^#' rootfs/image/cmdline.txt | tr '\n' ' ' | sed 's/ *$//')

say "root filesystem (mmdebstrap)"
# The initramfs config goes in before the kernel's postinst builds it: MODULES=list with only what a
# virtio or SATA/NVMe disk with ext4 needs (~11 s instead of ~140 s for MODULES=most).
mmdebstrap --mode=root --variant=apt --format=directory \
  --components=main --include="$packages" \
  --aptopt='Acquire::Retries "3"' \
  --skip=essential/unlink \
  --setup-hook='mkdir -p "$1/var/cache/apt/archives"' \
  --setup-hook="mount --bind '$out/apt-cache' \"\$1/var/cache/apt/archives\"" \
  --essential-hook='mkdir -p "$1/etc/initramfs-tools/conf.d"; echo MODULES=list > "$1/etc/initramfs-tools/conf.d/smartcam"; printf "%s\n" virtio_pci virtio_blk virtio_scsi virtio_net ahci nvme sd_mod ext4 vfat > "$1/etc/initramfs-tools/modules"' \
  --customize-hook="sync-in '$payload' /" \
  --customize-hook='chroot "$1" systemd-sysusers' \
  --customize-hook='chroot "$1" sh -c "chown -R root:smartcam /var/lib/smartcam /etc/smartcam && chmod -R g+rX,o-rwx /var/lib/smartcam /etc/smartcam"' \
  --customize-hook='chroot "$1" systemctl enable smartcam.service smartcam-selftest.service nftables.service systemd-networkd.service apparmor.service prometheus-node-exporter.service systemd-timesyncd.service' \
  --customize-hook='echo smartcam > "$1/etc/hostname"; printf "PARTUUID=5c3a11e0-0b5e-4d1f-9e39-5ca3c0a77001 / ext4 defaults,noatime 0 1\n" > "$1/etc/fstab"; rm -f "$1/etc/machine-id"; touch "$1/etc/machine-id"' \
  --customize-hook="cp \"\$1\"/boot/vmlinuz-* '$work/esp/vmlinuz'; cp \"\$1\"/boot/initrd.img-* '$work/esp/initrd.img'; cp \"\$1\"/usr/lib/systemd/boot/efi/systemd-bootx64.efi '$work/esp/EFI/BOOT/BOOTX64.EFI'" \
  --customize-hook='umount "$1/var/cache/apt/archives"' \
  bookworm "$work/rootfs" \
  "deb $mirror bookworm main" "deb $mirror bookworm-updates main" "deb ${mirror%/debian}/debian-security bookworm-security main"

printf 'default smartcam.conf\ntimeout 0\nconsole-mode keep\n' > "$work/esp/loader/loader.conf"
printf 'title SmartCam %s\nlinux /vmlinuz\ninitrd /initrd.img\noptions %s\n' "$version" "$cmdline" > "$work/esp/loader/entries/smartcam.conf"

say "service checks (systemd-analyze)"
systemd-analyze verify --root="$work/rootfs" smartcam.service 2>&1 | grep -v "^$" | tee "$out/verify.txt" || true
systemd-analyze security --offline=yes --root="$work/rootfs" smartcam.service > "$out/security.txt" 2>&1 || true
tail -1 "$out/security.txt"

say "disk image (genimage)"
cat > "$work/genimage.cfg" <<CFG
image esp.vfat {
  vfat { label = "SMARTCAMESP" }
  srcpath = "$work/esp"
  size = 96M
}
image root.ext4 {
  ext4 { label = "smartcam-root" use-mke2fs = true features = "^metadata_csum_seed" }
  srcpath = "$work/rootfs"
  size = 2048M
}
image smartcam.img {
  hdimage { partition-table-type = "gpt" align = 1M }
  partition esp { image = "esp.vfat" partition-type-uuid = "U" offset = 1M }
  partition smartcam-root { image = "root.ext4" partition-type-uuid = "L" partition-uuid = "5c3a11e0-0b5e-4d1f-9e39-5ca3c0a77001" }
}
CFG
rm -rf "$work/genimage-tmp"
genimage --config "$work/genimage.cfg" --rootpath "$work/rootfs" --tmppath "$work/genimage-tmp" --inputpath "$work" --outputpath "$work/images" >"$work/genimage.log" 2>&1 \
  || { tail -30 "$work/genimage.log" >&2; exit 1; }
image=$out/smartcam-$version.img
mv "$work/images/smartcam.img" "$image"
ln -sfn "$(basename "$image")" "$out/smartcam.img"
echo "$version" > "$out/VERSION"
rm -rf "$work/genimage-tmp" "$work/images"
say "$image: $(du -h --apparent-size "$image" | cut -f1) ($(du -h "$image" | cut -f1) on disk), built in $(( $(date +%s) - start )) s"
