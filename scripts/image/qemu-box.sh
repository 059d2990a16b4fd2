# Sourced by the image tests (test-image.sh, test-update.sh, test-secureboot.sh): a SmartCam box in QEMU has
# UEFI firmware that can enforce Secure Boot (OVMF, SMM) and a TPM 2.0 (swtpm), as the data partition needs
# one (docs/security.md#testing). The caller sets $accel (kvm or tcg) and, for an arm64 image, box_arch=arm64 before
# sourcing this: QEMU's virt machine with AAVMF (EDK2 for arm64, Secure Boot capable, Microsoft's keys in
# AAVMF_VARS.ms.fd) and swtpm behind tpm-tis-device, always under TCG (docs/arm64.md#testing-the-image).
#   box_qemu, box_tcg_cpu   the QEMU binary, and the -cpu for TCG ("max"; on arm64 "max,pauth-impdef=on": pointer
#                           authentication with QEMU's cheap algorithm instead of QARMA, which costs TCG much time)
#   box_vars FILE on|off    a fresh variable store: on = Microsoft's keys enrolled (Secure Boot enforced, as
#                           shipped PCs are), off = no keys (Secure Boot off)
#   tpm_start DIR           swtpm for one QEMU run, its state (the TPM's keys, its NV) kept in DIR across runs
#   box_args VARS DIR       QEMU's machine, firmware and TPM arguments
#   tpm_stop                ends swtpm (it also ends by itself when QEMU closes the socket)
#   box_powerdown SOCKET    presses the ACPI power button through QEMU's QMP socket (-qmp unix:SOCKET,server=on,wait=off)
#   box_packages PKG...     installs what a test needs besides QEMU, OVMF and swtpm (Debian packages)
#   box_accel               sets accel and cpu: kvm and "host" when /dev/kvm is there for the box's architecture and
#                           QEMU starts a vCPU on it, else tcg and $box_tcg_cpu (saying why when /dev/kvm was there)
box_arch=${box_arch:-amd64}
ovmf=/usr/share/OVMF
aavmf=/usr/share/AAVMF
case $box_arch in
  amd64) box_qemu=qemu-system-x86_64; box_tcg_cpu=max; box_firmware="qemu-system-x86 ovmf" ;;
  arm64) box_qemu=qemu-system-aarch64; box_tcg_cpu=max,pauth-impdef=on; box_firmware="qemu-system-arm qemu-efi-aarch64" ;;
  *) echo "qemu-box: box_arch=$box_arch: expected amd64 or arm64" >&2; return 2 ;;
esac
box_packages() {
  local p
  for p in $box_firmware qemu-utils swtpm swtpm-tools "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" && continue
    # Stale package lists on a fresh machine: refresh them once and try again.
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$p" >/dev/null 2>&1 \
      || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$p" >/dev/null; }
  done
}
# Some nested hosts offer a /dev/kvm that QEMU 7.2 cannot start a vCPU on (seen: AMD EPYC under a 6.18 kernel,
# "failed to set MSR 0x10a", then an assertion that aborts QEMU at once). A paused machine that quits from its
# monitor finds that out in a few milliseconds, before the real boot would.
box_accel() {
  accel=tcg; cpu=$box_tcg_cpu
  [ -w /dev/kvm ] && [ "$box_arch" = "$(dpkg --print-architecture)" ] || return 0
  local machine err
  machine=$([ "$box_arch" = amd64 ] && echo q35 || echo virt)
  if err=$(echo quit | timeout 60 "$box_qemu" -accel kvm -cpu host -machine "$machine" -m 64 -nodefaults -display none -monitor stdio -S 2>&1 >/dev/null); then
    accel=kvm; cpu=host
  else
    echo "qemu-box: /dev/kvm is there but QEMU cannot start a vCPU on it ($(printf '%s' "$err" | grep -m1 . || echo "exit status only")): TCG instead" >&2
  fi
}
box_vars() {
  case $box_arch/$2 in
    amd64/on) cp "$ovmf/OVMF_VARS_4M.ms.fd" "$1" ;;
    amd64/off) cp "$ovmf/OVMF_VARS_4M.fd" "$1" ;;
    arm64/on) cp "$aavmf/AAVMF_VARS.ms.fd" "$1" ;;
    arm64/off) cp "$aavmf/AAVMF_VARS.fd" "$1" ;;
    *) echo "box_vars: $2: expected on or off" >&2; return 2 ;;
  esac
}
tpm_pid=
tpm_start() {
  tpm_stop # the last run's swtpm, ended with its QEMU
  mkdir -p "$1"
  rm -f "$1/swtpm.sock"
  swtpm socket --tpm2 --tpmstate dir="$1" --ctrl type=unixio,path="$1/swtpm.sock" --terminate --log file="$1/swtpm.log" &
  tpm_pid=$!
  local i
  for i in $(seq 1 100); do [ -S "$1/swtpm.sock" ] && return 0; kill -0 "$tpm_pid" 2>/dev/null || break; sleep 0.1; done
  echo "tpm_start: swtpm did not open $1/swtpm.sock ($(tail -3 "$1/swtpm.log" 2>/dev/null))" >&2
  return 1
}
tpm_stop() {
  [ -n "$tpm_pid" ] || return 0
  kill "$tpm_pid" 2>/dev/null || true
  wait "$tpm_pid" 2>/dev/null || true
  tpm_pid=
}
box_args() {
  if [ "$box_arch" = arm64 ]; then
    # No SMM on arm64: the variable store is a second pflash the guest could write directly; a board's firmware keeps
    # it in secure storage. One AAVMF_CODE.fd boots with and without Secure Boot (the variables decide).
    echo "-machine virt,accel=$accel" \
      "-drive if=pflash,format=raw,unit=0,readonly=on,file=$aavmf/AAVMF_CODE.fd -drive if=pflash,format=raw,unit=1,file=$1" \
      "-chardev socket,id=chrtpm,path=$2/swtpm.sock -tpmdev emulator,id=tpm0,chardev=chrtpm -device tpm-tis-device,tpmdev=tpm0"
    return
  fi
  echo "-machine q35,smm=on,accel=$accel -global driver=cfi.pflash01,property=secure,value=on" \
    "-drive if=pflash,format=raw,unit=0,readonly=on,file=$ovmf/OVMF_CODE_4M.secboot.fd -drive if=pflash,format=raw,unit=1,file=$1" \
    "-chardev socket,id=chrtpm,path=$2/swtpm.sock -tpmdev emulator,id=tpm0,chardev=chrtpm -device tpm-tis,tpmdev=tpm0"
}
box_powerdown() {
  /usr/bin/python3 - "$1" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(30)
s.connect(sys.argv[1])
f = s.makefile("rw")
f.readline()  # the greeting
for command in ("qmp_capabilities", "system_powerdown"):
    f.write(json.dumps({"execute": command}) + "\n"); f.flush()
    while "return" not in (reply := json.loads(f.readline())):
        if "error" in reply: sys.exit("QMP %s: %s" % (command, reply["error"]))
PY
}
