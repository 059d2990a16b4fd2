#!/usr/bin/env bash
# Builds the SmartCam appliance image from Debian packages only (no Docker): mmdebstrap (bookworm,
# -updates, -security; the PREEMPT_RT kernel) plus rootfs/ and the Native AOT binary, then a bootable
# GPT disk image with genimage (docs/image.md, docs/updates.md): an EFI system partition with Debian's
# signed shim and GRUB choosing between two root slots (RAUC's grub backend), root slot A (ext4 made by
# mke2fs -d, the kernel and initrd in its /boot), an empty root slot B of the same size for updates, and
# a data partition for /var/lib/smartcam (config, models, RAUC's status) that updates leave alone: ext4 as flashed,
# sealed into LUKS2 with its key in the TPM at first boot (docs/security.md), which keeps its files. The root keeps a
# copy of them (/usr/share/smartcam/factory-data) for a first boot that power loss cut off.
# Partitions aligned to 1 MiB. Needs root (mmdebstrap --mode=root).
#   scripts/build-image.sh            → out/image/smartcam-VERSION.img (and smartcam.img → it),
#                                       out/image/root.ext4 (slot A's filesystem, for build-bundle.sh)
# Environment: IMAGE_OUT (default out/image), SKIP_PUBLISH=1 to reuse out/smartcam/smartcam,
# IMAGE_MIRROR (default http://deb.debian.org/debian), IMAGE_VERSION (default VERSION+DATE.COMMIT),
# RAUC_KEYRING (CA certificates the box accepts bundles from; default: the development CA from
# scripts/image/dev-keys.sh), BOOT_TRIES (boots of a slot not yet marked good before GRUB passes it over; 2).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=${IMAGE_OUT:-$root/out/image}
mirror=${IMAGE_MIRROR:-http://deb.debian.org/debian}
start=$(date +%s)
say() { echo "build-image: $*"; }

[ "$(id -u)" -eq 0 ] || { echo "build-image: needs root (mmdebstrap --mode=root, loop-free image assembly)" >&2; exit 1; }
tools=(mmdebstrap genimage dosfstools mtools e2fsprogs fdisk grub-common openssl)
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
version=${IMAGE_VERSION:-"$base_version+$(date -u +%Y%m%d).$commit"}
say "version $version"

work=$out/work
# A failed mmdebstrap leaves the apt cache bind-mounted into the half-built root.
release_cache() { mountpoint -q "$work/rootfs/var/cache/apt/archives" 2>/dev/null && umount "$work/rootfs/var/cache/apt/archives" || true; }
trap release_cache EXIT
release_cache
rm -rf "$work"
mkdir -p "$work/payload" "$work/esp/EFI/BOOT" "$work/data" "$out/apt-cache" "$out/efi-cache"

# Fixed partition UUIDs: GRUB boots a slot by its PARTUUID, and fstab mounts the ESP and the data partition by theirs.
uuid_esp=5c3a11e0-0b5e-4d1f-9e39-5ca3c0a77000
uuid_a=5c3a11e0-0b5e-4d1f-9e39-5ca3c0a77001
uuid_b=5c3a11e0-0b5e-4d1f-9e39-5ca3c0a77002
uuid_data=5c3a11e0-0b5e-4d1f-9e39-5ca3c0a77003
# The fixed ids of sysusers.d/smartcam.conf: the data partition's files are owned by them.
smartcam_uid=951

# Debian's signed boot chain (the same files Secure Boot accepts): shim (and its MOK manager), and GRUB signed by Debian.
( cd "$out/efi-cache" && { ls shim-signed_*.deb shim-helpers-amd64-signed_*.deb grub-efi-amd64-signed_*.deb >/dev/null 2>&1 || apt-get download shim-signed shim-helpers-amd64-signed grub-efi-amd64-signed 2>/dev/null; } )
rm -rf "$work/efi-x"
for deb in "$out"/efi-cache/shim-signed_*.deb "$out"/efi-cache/shim-helpers-amd64-signed_*.deb "$out"/efi-cache/grub-efi-amd64-signed_*.deb; do dpkg-deb -x "$deb" "$work/efi-x"; done
cp "$work/efi-x/usr/lib/shim/shimx64.efi.signed" "$work/esp/EFI/BOOT/BOOTX64.EFI"
cp "$work/efi-x/usr/lib/shim/mmx64.efi.signed" "$work/esp/EFI/BOOT/mmx64.efi"
cp "$work/efi-x/usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed" "$work/esp/EFI/BOOT/grubx64.efi"

# The keyring bundles are checked against.
if [ -n "${RAUC_KEYRING:-}" ]; then keyring=$RAUC_KEYRING; else bash scripts/image/dev-keys.sh "$root/out/keys"; keyring=$root/out/keys/dev-keyring.pem; fi
[ -s "$keyring" ] || { echo "build-image: RAUC_KEYRING $keyring: no such file, or empty (expected PEM CA certificates)" >&2; exit 2; }
grep -q "BEGIN X509 CRL" "$keyring" || { echo "build-image: RAUC_KEYRING $keyring: no CRL (expected each CA certificate with its CRL, PEM: the box checks bundles against them, check-crl=true; docs/updates.md#revoking)" >&2; exit 2; }

# Everything that goes onto the root filesystem besides Debian's packages.
payload=$work/payload
cp -a rootfs/. "$payload/"
rm -rf "$payload/image" "$payload/README.md"
install -d "$payload/usr/local/bin" "$payload/opt/smartcam" "$payload/var/lib/smartcam/models" "$payload/var/lib/smartcam/media" "$payload/usr/share/doc/smartcam"
for f in out/smartcam/*; do case "$f" in *.dbg) ;; *) cp -a "$f" "$payload/opt/smartcam/" ;; esac; done
cp models/yolox_nano.onnx models/coco80.names "$payload/var/lib/smartcam/models/"
cp media/vtest.avi "$payload/var/lib/smartcam/media/"
# /etc/smartcam lives on the data partition (it survives updates); the root keeps the shipped config as
# the default an operator can go back to.
install -d "$payload/var/lib/smartcam/config" "$payload/var/lib/smartcam/rauc" "$payload/usr/share/smartcam/config-default"
cp -a "$payload/etc/smartcam/." "$payload/var/lib/smartcam/config/"
cp -a "$payload/etc/smartcam/." "$payload/usr/share/smartcam/config-default/"
rm -rf "$payload/etc/smartcam"
ln -s /var/lib/smartcam/config "$payload/etc/smartcam"
install -m 0644 "$keyring" "$payload/etc/rauc/keyring.pem"
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
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-include=/usr/share/locale/locale.alias' \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  --skip=essential/unlink \
  --setup-hook='mkdir -p "$1/var/cache/apt/archives"' \
  --setup-hook="mount --bind '$out/apt-cache' \"\$1/var/cache/apt/archives\"" \
  --essential-hook='mkdir -p "$1/etc/initramfs-tools/conf.d"; echo MODULES=list > "$1/etc/initramfs-tools/conf.d/smartcam"; printf "%s\n" virtio_pci virtio_blk virtio_scsi virtio_net ahci nvme sd_mod ext4 vfat > "$1/etc/initramfs-tools/modules"' \
  --customize-hook="sync-in '$payload' /" \
  --customize-hook='chroot "$1" systemd-sysusers' \
  --customize-hook='chroot "$1" sh -c "chown -R root:smartcam /var/lib/smartcam && chmod -R g+rX,o-rwx /var/lib/smartcam && chown -R root:root /var/lib/smartcam/rauc && chmod 0700 /var/lib/smartcam/rauc"' \
  --customize-hook="chroot \"\$1\" sh -c '[ \"\$(id -u smartcam)\" = $smartcam_uid ]' || { echo 'build-image: smartcam is not uid $smartcam_uid (sysusers.d/smartcam.conf)' >&2; exit 1; }" \
  --customize-hook='chroot "$1" systemctl enable smartcam.service smartcam-selftest.service smartcam-mark-good.service nftables.service systemd-networkd.service apparmor.service prometheus-node-exporter.service systemd-timesyncd.service' \
  --customize-hook="echo smartcam > \"\$1/etc/hostname\"; rm -f \"\$1/etc/machine-id\"; touch \"\$1/etc/machine-id\"; mkdir -p \"\$1/boot/efi\"; printf '# / is the slot GRUB booted (root=PARTUUID= on the kernel command line: docs/updates.md)\\n/dev/root / ext4 defaults,noatime,x-systemd.growfs 0 1\\nPARTUUID=$uuid_esp /boot/efi vfat umask=0077,noatime 0 2\\n/dev/mapper/smartcam_data /var/lib/smartcam ext4 defaults,noatime,nodev,nosuid,nofail 0 2\\n' > \"\$1/etc/fstab\"; printf '# The data partition: LUKS2, its key sealed to the TPM (PCR 7) at first boot (docs/security.md). headless: never wait\\n# for a password at a console nobody watches; nofail: a locked partition is reported (smartcam-data-locked.service), not an emergency shell.\\nsmartcam_data PARTUUID=$uuid_data none tpm2-device=auto,headless=true,nofail,discard\\n' > \"\$1/etc/crypttab\"" \
  --customize-hook='ln -f "$1"/boot/vmlinuz-* "$1/boot/vmlinuz"; ln -f "$1"/boot/initrd.img-* "$1/boot/initrd.img"' \
  --customize-hook="cp -a \"\$1/var/lib/smartcam/.\" '$work/data/'; cp -a \"\$1/var/lib/smartcam\" \"\$1/usr/share/smartcam/factory-data\"; find \"\$1/var/lib/smartcam\" -mindepth 1 -delete" \
  --customize-hook='umount "$1/var/cache/apt/archives"' \
  bookworm "$work/rootfs" \
  "deb $mirror bookworm main" "deb $mirror bookworm-updates main" "deb ${mirror%/debian}/debian-security bookworm-security main"

# GRUB's slot selection and its environment (RAUC's grub backend): A is good and first, B empty.
sed -e "s|@MAX_TRIES@|${BOOT_TRIES:-2}|" -e "s|@PARTUUID_A@|$uuid_a|g" -e "s|@PARTUUID_B@|$uuid_b|g" -e "s|@CMDLINE@|$cmdline|" \
  rootfs/usr/share/smartcam/update/grub.cfg > "$work/esp/EFI/BOOT/grub.cfg"
# GRUB's script language is not sh (no && or ||): check it here, not at the box's first boot.
grub-script-check "$work/esp/EFI/BOOT/grub.cfg" || { echo "build-image: rootfs/usr/share/smartcam/update/grub.cfg: GRUB syntax error (above)" >&2; exit 1; }
grub-editenv "$work/esp/EFI/BOOT/grubenv" create
grub-editenv "$work/esp/EFI/BOOT/grubenv" set ORDER="A B" A_OK=1 A_TRY=0 B_OK=0 B_TRY=0

say "service checks (systemd-analyze)"
systemd-analyze verify --root="$work/rootfs" smartcam.service 2>&1 | grep -v "^$" | tee "$out/verify.txt" || true
systemd-analyze security --offline=yes --root="$work/rootfs" smartcam.service > "$out/security.txt" 2>&1 || true
tail -1 "$out/security.txt"

say "disk image (genimage)"
# The root filesystem is made as small as its contents allow (plus room for the journal and metadata):
# it is what an update bundle carries and what the box writes into a slot, and every unused block would
# be written too. The box grows it to its 2 GiB slot (x-systemd.growfs in fstab, RAUC's resize=true).
root_mb=$(( ( $(du -sxm "$work/rootfs" | cut -f1) * 115 / 100 + 64 + 63 ) / 64 * 64 ))
[ "$root_mb" -le 2048 ] || { echo "build-image: the root filesystem needs ${root_mb} MiB, more than a 2048 MiB slot" >&2; exit 1; }
cat > "$work/genimage.cfg" <<CFG
image esp.vfat {
  vfat { label = "SMARTCAMESP" }
  srcpath = "$work/esp"
  size = 96M
}
image root.ext4 {
  ext4 { label = "smartcam-root" use-mke2fs = true features = "^metadata_csum_seed" }
  srcpath = "$work/rootfs"
  size = ${root_mb}M
}
image data.ext4 {
  ext4 { label = "smartcam-data" use-mke2fs = true features = "^metadata_csum_seed" }
  srcpath = "$work/data"
  size = 512M
}
image smartcam.img {
  hdimage { partition-table-type = "gpt" align = 1M }
  partition esp { image = "esp.vfat" partition-type-uuid = "U" offset = 1M partition-uuid = "$uuid_esp" }
  partition smartcam-root-a { image = "root.ext4" size = 2048M partition-type-uuid = "L" partition-uuid = "$uuid_a" }
  partition smartcam-root-b { size = 2048M partition-type-uuid = "L" partition-uuid = "$uuid_b" }
  partition smartcam-data { image = "data.ext4" partition-type-uuid = "L" partition-uuid = "$uuid_data" }
}
CFG
rm -rf "$work/genimage-tmp"
genimage --config "$work/genimage.cfg" --rootpath "$work/rootfs" --tmppath "$work/genimage-tmp" --inputpath "$work" --outputpath "$work/images" >"$work/genimage.log" 2>&1 \
  || { tail -30 "$work/genimage.log" >&2; exit 1; }
image=$out/smartcam-$version.img
mv "$work/images/smartcam.img" "$image"
mv "$work/images/root.ext4" "$out/root.ext4" # slot A's filesystem: what build-bundle.sh puts in a bundle
ln -sfn "$(basename "$image")" "$out/smartcam.img"
echo "$version" > "$out/VERSION"
rm -rf "$work/genimage-tmp" "$work/images"
say "$image: $(du -h --apparent-size "$image" | cut -f1) ($(du -h "$image" | cut -f1) on disk), built in $(( $(date +%s) - start )) s"
