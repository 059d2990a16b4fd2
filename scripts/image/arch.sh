# Sourced by the image scripts (build-image.sh, build-bundle.sh, test-image.sh, test-update.sh): what differs between
# the amd64 and the arm64 appliance image, defined once (docs/image.md, docs/arm64.md#the-appliance-image).
#   image_arch ARCH   ARCH amd64 (x64, x86_64) or arm64 (aarch64); sets:
#     arch              Debian's name for it
#     image_dir         where build-image.sh writes the image (out/image, out/image-arm64)
#     bin_dir           the Native AOT build it ships (scripts/publish.sh --arch: out/smartcam, out/smartcam-arm64)
#     efi               the EFI file-name suffix (x64 → BOOTX64.EFI, grubx64.efi; aa64 → BOOTAA64.EFI, grubaa64.efi)
#     serial            the serial console (ttyS0; ttyAMA0, the PL011 of QEMU's virt machine and SBSA boards)
#     compatible        RAUC's compatible: a bundle for one architecture is refused by the other
#     other_compatible  the other architecture's, for that test
#     data_default      the data partition by default: sealed (to the TPM) on amd64, plain on arm64 (docs/arm64.md)
image_arch() {
  case $1 in
    amd64|x64|x86_64) arch=amd64; image_dir=out/image; bin_dir=out/smartcam; efi=x64; serial=ttyS0
      compatible=smartcam-x86_64; other_compatible=smartcam-aarch64; data_default=sealed ;;
    arm64|aarch64) arch=arm64; image_dir=out/image-arm64; bin_dir=out/smartcam-arm64; efi=aa64; serial=ttyAMA0
      compatible=smartcam-aarch64; other_compatible=smartcam-x86_64; data_default=plain ;;
    *) return 2 ;;
  esac
}
