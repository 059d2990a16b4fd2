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
#   scripts/build-image.sh --arch arm64 [--kernel-deb FILE]
#                                     → the same appliance for arm64 UEFI boards in out/image-arm64/ (docs/arm64.md):
#                                       Debian's arm64 packages installed under qemu-user-static (binfmt_misc), the
#                                       binary from scripts/publish.sh --arch arm64, BOOTAA64.EFI, RAUC compatible
#                                       smartcam-aarch64. --kernel-deb installs that kernel package (a vendor's, or a
#                                       newer one) instead of Debian's linux-image-rt-<arch>; doctor says when it is
#                                       not PREEMPT_RT. --data plain|sealed: the data partition as plain ext4, or sealed
#                                       to the TPM at first boot (default sealed on amd64, plain on arm64: Debian's arm64
#                                       kernel reaches no TPM on QEMU's virt machine; docs/arm64.md#secure-boot-and-the-tpm).
# Environment: IMAGE_OUT (default out/image, out/image-arm64), SKIP_PUBLISH=1 to reuse out/smartcam/smartcam
# (out/smartcam-arm64/smartcam), IMAGE_SERIAL (the serial console: ttyS0 on amd64, ttyAMA0 on arm64),
# IMAGE_MIRROR (default http://deb.debian.org/debian), IMAGE_VERSION (default VERSION+DATE.COMMIT),
# RAUC_KEYRING (CA certificates the box accepts bundles from; default: the development CA from
# scripts/image/dev-keys.sh), BOOT_TRIES (boots of a slot not yet marked good before GRUB passes it over; 2).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
arch=amd64; kernel_deb=; data=
usage="usage: scripts/build-image.sh [--arch amd64|arm64] [--kernel-deb FILE] [--data plain|sealed]"
while [ $# -gt 0 ]; do
  [ $# -ge 2 ] || { echo "build-image: $1: expected a value after it ($usage)" >&2; exit 2; }
  case $1 in
    --arch) arch=$2 ;;
    --kernel-deb) kernel_deb=$2; [ -n "$kernel_deb" ] || { echo "build-image: --kernel-deb: expected a file, got nothing" >&2; exit 2; } ;;
    --data) data=$2 ;;
    *) echo "build-image: $1: unknown argument ($usage)" >&2; exit 2 ;;
  esac
  shift 2
done
# Per architecture (scripts/image/arch.sh): Debian's name, the binary's folder, the EFI loader's file names, the
# serial port, RAUC's compatible; and the initramfs's storage drivers.
. scripts/image/arch.sh
image_arch "$arch" || { echo "build-image: --arch ${arch:-(none)}: expected amd64 or arm64" >&2; exit 2; }
bin=$bin_dir
case $arch in
  # virtio for QEMU, SATA and NVMe for PCs.
  amd64) initrd_modules="virtio_pci virtio_blk virtio_scsi virtio_net ahci nvme sd_mod ext4 vfat" ;;
  # virtio (PCI and MMIO) for QEMU and arm64 VMs; SATA, NVMe, USB disks and SD/eMMC (RK3588's dwcmshc, Tegra's) for boards.
  arm64) initrd_modules="virtio_pci virtio_mmio virtio_blk virtio_scsi virtio_net ahci nvme sd_mod usb_storage uas xhci_pci xhci_plat_hcd mmc_block sdhci_of_dwcmshc sdhci_tegra ext4 vfat" ;;
esac
data=${data:-$data_default}
case $data in plain|sealed) ;; *) echo "build-image: --data $data: expected plain or sealed" >&2; exit 2 ;; esac
if [ -n "$kernel_deb" ]; then
  [ -f "$kernel_deb" ] || { echo "build-image: --kernel-deb $kernel_deb: no such file (expected a Debian kernel package, linux-image-*.deb)" >&2; exit 2; }
  kpkg=$(dpkg-deb -f "$kernel_deb" Package 2>/dev/null || true); karch=$(dpkg-deb -f "$kernel_deb" Architecture 2>/dev/null || true)
  case $kpkg in linux-image-*) ;; *) echo "build-image: --kernel-deb $kernel_deb: not a kernel package (Package: ${kpkg:-none}; expected linux-image-*)" >&2; exit 2 ;; esac
  [ "$karch" = "$arch" ] || { echo "build-image: --kernel-deb $kernel_deb: built for ${karch:-no architecture}, expected $arch (--arch)" >&2; exit 2; }
  kernel=$(readlink -f "$kernel_deb")
else
  kernel=linux-image-rt-$arch
fi
serial=${IMAGE_SERIAL:-$serial}
out=${IMAGE_OUT:-$root/$image_dir}
mirror=${IMAGE_MIRROR:-http://deb.debian.org/debian}
start=$(date +%s)
say() { echo "build-image: $*"; }

[ "$(id -u)" -eq 0 ] || { echo "build-image: needs root (mmdebstrap --mode=root, loop-free image assembly)" >&2; exit 1; }
tools=(mmdebstrap genimage dosfstools mtools e2fsprogs fdisk grub-common openssl)
# Another architecture's maintainer scripts run under qemu-user; mmdebstrap checks that with arch-test.
[ "$arch" = "$(dpkg --print-architecture)" ] || tools+=(arch-test)
missing=()
for p in "${tools[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

# The binary and the assets it ships with.
[ -f models/yolox_nano.onnx ] && [ -f media/vtest.avi ] || bash scripts/setup.sh
[ "${SKIP_PUBLISH:-0}" = 1 ] && [ -x "$bin/smartcam" ] || bash scripts/publish.sh --arch "$arch"
[ "$arch" = "$(dpkg --print-architecture)" ] || bash scripts/qemu-arm64.sh

base_version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' src/SmartCam/SmartCam.csproj)
commit=$(git rev-parse --short=8 HEAD 2>/dev/null || echo unknown)
version=${IMAGE_VERSION:-"$base_version+$(date -u +%Y%m%d).$commit"}
say "version $version, $arch, kernel $(basename "$kernel"), data partition $data"

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

# Debian's signed boot chain (the same files Secure Boot accepts): shim (and its MOK manager), and GRUB signed by
# Debian. Downloaded (not installed) by the image's own apt, for its architecture, while mmdebstrap runs (below).
efi_debs="shim-signed_*_$arch.deb shim-helpers-$arch-signed_*_$arch.deb grub-efi-$arch-signed_*_$arch.deb"

# The keyring bundles are checked against.
if [ -n "${RAUC_KEYRING:-}" ]; then keyring=$RAUC_KEYRING; else bash scripts/image/dev-keys.sh "$root/out/keys"; keyring=$root/out/keys/dev-keyring.pem; fi
[ -s "$keyring" ] || { echo "build-image: RAUC_KEYRING $keyring: no such file, or empty (expected PEM CA certificates)" >&2; exit 2; }
grep -q "BEGIN X509 CRL" "$keyring" || { echo "build-image: RAUC_KEYRING $keyring: no CRL (expected each CA certificate with its CRL, PEM: the box checks bundles against them, check-crl=true; docs/updates.md#revoking)" >&2; exit 2; }

# Everything that goes onto the root filesystem besides Debian's packages.
payload=$work/payload
cp -a rootfs/. "$payload/"
rm -rf "$payload/image" "$payload/README.md"
install -d "$payload/usr/local/bin" "$payload/opt/smartcam" "$payload/var/lib/smartcam/models" "$payload/var/lib/smartcam/media" "$payload/usr/share/doc/smartcam"
for f in "$bin"/*; do case "$f" in *.dbg) ;; *) cp -a "$f" "$payload/opt/smartcam/" ;; esac; done
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
# A bundle for one architecture is refused by the other (build-bundle.sh --arch writes the matching compatible).
sed -i "s/^compatible=.*/compatible=$compatible/" "$payload/etc/rauc/system.conf"
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

packages=$(grep -hv '^#' rootfs/image/packages.txt "rootfs/image/packages-$arch.txt" | tr '\n' ',' | sed 's/,$//')
cmdline=$(grep -v '^#' rootfs/image/cmdline.txt | tr '\n' ' ' | sed -e 's/ *$//' -e "s/@SERIAL@/$serial/")
# The data partition (docs/security.md): sealed = LUKS2 opened by the TPM (crypttab), plain = ext4 mounted as it is.
# Devices get longer than systemd's default 90 s to appear: a box whose udev coldplug is slow (seen under QEMU TCG on
# a loaded host: 165 s) would otherwise miss the ESP and fall into emergency mode, or fail smartcam.service.
if [ "$data" = sealed ]; then
  # The first boot seals the partition before it appears (smartcam-data-provision.service, up to 15 min): the mount
  # waits for that too. A failed unlock still fails the mount at once (the device requires its systemd-cryptsetup
  # unit). nofail: boot never waits for it.
  data_fstab="/dev/mapper/smartcam_data /var/lib/smartcam ext4 defaults,noatime,nodev,nosuid,nofail,x-systemd.device-timeout=16min 0 2"
  crypttab="# The data partition: LUKS2, its key sealed to the TPM (PCR 7) at first boot (docs/security.md). headless: never wait
# for a password at a console nobody watches; nofail: a locked partition is reported (smartcam-data-locked.service), not an emergency shell.
smartcam_data PARTUUID=$uuid_data none tpm2-device=auto,headless=true,nofail,discard"
else
  data_fstab="PARTUUID=$uuid_data /var/lib/smartcam ext4 defaults,noatime,nodev,nosuid,nofail,x-systemd.device-timeout=10min 0 2"
  crypttab="# The data partition is plain ext4 on this image (build-image.sh --data plain; docs/arm64.md#secure-boot-and-the-tpm)."
fi
printf '# / is the slot GRUB booted (root=PARTUUID= on the kernel command line: docs/updates.md)\n/dev/root / ext4 defaults,noatime,x-systemd.growfs 0 1\nPARTUUID=%s /boot/efi vfat umask=0077,noatime,x-systemd.device-timeout=10min 0 2\n%s\n' "$uuid_esp" "$data_fstab" > "$work/fstab"
printf '%s\n' "$crypttab" > "$work/crypttab"

say "root filesystem (mmdebstrap)"
# The initramfs config goes in before the kernel's postinst builds it: MODULES=list with only what a
# virtio or SATA/NVMe disk with ext4 needs (~11 s instead of ~140 s for MODULES=most).
mmdebstrap --mode=root --variant=apt --format=directory --architectures="$arch" \
  --components=main --include="$packages" --include="$kernel" \
  --aptopt='Acquire::Retries "3"' \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-include=/usr/share/locale/locale.alias' \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  --skip=essential/unlink \
  --setup-hook='mkdir -p "$1/var/cache/apt/archives"' \
  --setup-hook="mount --bind '$out/apt-cache' \"\$1/var/cache/apt/archives\"" \
  --essential-hook='mkdir -p "$1/etc/initramfs-tools/conf.d"; echo MODULES=list > "$1/etc/initramfs-tools/conf.d/smartcam"; printf "%s\n" '"$initrd_modules"' > "$1/etc/initramfs-tools/modules"' \
  --customize-hook="sync-in '$payload' /" \
  --customize-hook='chroot "$1" systemd-sysusers' \
  --customize-hook='chroot "$1" sh -c "chown -R root:smartcam /var/lib/smartcam && chmod -R g+rX,o-rwx /var/lib/smartcam && chown -R root:root /var/lib/smartcam/rauc && chmod 0700 /var/lib/smartcam/rauc && chmod g+w /var/lib/smartcam/config /var/lib/smartcam/config/smartcam.yaml"' \
  --customize-hook="chroot \"\$1\" sh -c '[ \"\$(id -u smartcam)\" = $smartcam_uid ]' || { echo 'build-image: smartcam is not uid $smartcam_uid (sysusers.d/smartcam.conf)' >&2; exit 1; }" \
  --customize-hook='chroot "$1" systemctl enable smartcam.service smartcam-tls-cert.service smartcam-selftest.service smartcam-mark-good.service nftables.service systemd-networkd.service apparmor.service prometheus-node-exporter.service systemd-timesyncd.service' \
  --customize-hook="echo smartcam > \"\$1/etc/hostname\"; rm -f \"\$1/etc/machine-id\"; touch \"\$1/etc/machine-id\"; mkdir -p \"\$1/boot/efi\"; cp '$work/fstab' \"\$1/etc/fstab\"; cp '$work/crypttab' \"\$1/etc/crypttab\"" \
  --customize-hook='ln -f "$1"/boot/vmlinuz-* "$1/boot/vmlinuz"; ln -f "$1"/boot/initrd.img-* "$1/boot/initrd.img"' \
  --customize-hook="cp -a \"\$1/var/lib/smartcam/.\" '$work/data/'; cp -a \"\$1/var/lib/smartcam\" \"\$1/usr/share/smartcam/factory-data\"; find \"\$1/var/lib/smartcam\" -mindepth 1 -delete" \
  --customize-hook="cd '$out/efi-cache' && { ls $efi_debs >/dev/null 2>&1 || APT_CONFIG=\"\$MMDEBSTRAP_APT_CONFIG\" apt-get download shim-signed shim-helpers-$arch-signed grub-efi-$arch-signed 2>/dev/null; }" \
  --customize-hook='umount "$1/var/cache/apt/archives"' \
  bookworm "$work/rootfs" \
  "deb $mirror bookworm main" "deb $mirror bookworm-updates main" "deb ${mirror%/debian}/debian-security bookworm-security main"

rm -rf "$work/efi-x"
for deb in $(cd "$out/efi-cache" && ls $efi_debs); do dpkg-deb -x "$out/efi-cache/$deb" "$work/efi-x"; done
efi_upper=$(echo "$efi" | tr a-z A-Z)
cp "$work/efi-x/usr/lib/shim/shim$efi.efi.signed" "$work/esp/EFI/BOOT/BOOT$efi_upper.EFI"
cp "$work/efi-x/usr/lib/shim/mm$efi.efi.signed" "$work/esp/EFI/BOOT/mm$efi.efi"
cp "$work/efi-x/usr/lib/grub/"*-efi-signed/grub$efi.efi.signed "$work/esp/EFI/BOOT/grub$efi.efi"

# GRUB's slot selection and its environment (RAUC's grub backend): A is good and first, B empty.
sed -e "s|@MAX_TRIES@|${BOOT_TRIES:-2}|" -e "s|@PARTUUID_A@|$uuid_a|g" -e "s|@PARTUUID_B@|$uuid_b|g" -e "s|@CMDLINE@|$cmdline|" \
  rootfs/usr/share/smartcam/update/grub.cfg > "$work/esp/EFI/BOOT/grub.cfg"
# GRUB's script language is not sh (no && or ||): check it here, not at the box's first boot.
grub-script-check "$work/esp/EFI/BOOT/grub.cfg" || { echo "build-image: rootfs/usr/share/smartcam/update/grub.cfg: GRUB syntax error (above)" >&2; exit 1; }
grub-editenv "$work/esp/EFI/BOOT/grubenv" create
grub-editenv "$work/esp/EFI/BOOT/grubenv" set ORDER="A B" A_OK=1 A_TRY=0 B_OK=0 B_TRY=0

say "service checks (systemd-analyze)"
systemd-analyze verify --root="$work/rootfs" smartcam.service smartcam-tls-cert.service 2>&1 | grep -v "^$" | tee "$out/verify.txt" || true
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
