#!/usr/bin/env bash
# Verified boot and the sealed data partition (docs/security.md#testing): the image scripts/build-image.sh built,
# booted in QEMU (KVM when present, TCG otherwise) with OVMF's Secure Boot firmware and swtpm as a TPM 2.0:
#   1 sealed    Microsoft's keys enrolled (OVMF_VARS_4M.ms.fd), a fresh TPM: Secure Boot enabled, lockdown,
#               Debian's signed modules load, the first boot seals the data partition to PCR 7 and prints a
#               recovery key on the console only, the TPM unlocks it, detections reach the host
#   2 tampered  one byte of slot A's kernel changed: shim/GRUB refuse it, on the serial console
#   3 locked    the disk and TPM of 1 with Secure Boot off (no keys enrolled): the box boots, the TPM does not
#               unlock the data partition, the console and journal say why, the service never starts (no
#               detections, no output driven), and the recovery key from 1 opens the partition
# After an update the partition still unlocks: scripts/test-update.sh, on the same kind of box.
# Bounded waits; no qemu or swtpm is left running.   scripts/test-secureboot.sh [IMAGE]   (default out/image/smartcam.img)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
image=$(readlink -f "${1:-out/image/smartcam.img}")
[ -f "$image" ] || { echo "test-secureboot: no image at $image; run scripts/build-image.sh first" >&2; exit 1; }
. scripts/image/qemu-box.sh
box_packages python3-zmq python3-jsonschema e2fsprogs fdisk
say() { echo "test-secureboot: $*"; }
test_start=$(date +%s)
work=$(mktemp -d /tmp/smartcam-secureboot-test.XXXXXX)
qemu_pid=; det_pid=
cleanup() {
  if [ -n "$qemu_pid" ] && kill -0 "$qemu_pid" 2>/dev/null; then kill -9 "$qemu_pid" 2>/dev/null || true; fi
  [ -n "$qemu_pid" ] && wait "$qemu_pid" 2>/dev/null || true
  [ -n "$det_pid" ] && { kill "$det_pid" 2>/dev/null || true; wait "$det_pid" 2>/dev/null || true; }
  tpm_stop
  if [ "${KEEP:-0}" = 1 ] || [ "${passed:-0}" != 1 ]; then echo "test-secureboot: logs kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
box_accel
fail=0
check() { # NAME CONDITION-RESULT DETAIL
  if [ "$2" = 0 ]; then echo "  ok    $1: $3"; else echo "  FAIL  $1: $3"; fail=1; fi
}
# Every reader of a log reads it to the end (see test-image.sh: an early-exiting grep can SIGPIPE the writer).
# A marker may follow other output on its line: on a box whose service never starts, the self-test runs while
# serial-getty prints its login prompt.
marker() { cat "$log" 2>/dev/null | tr -d '\r' | awk -v p="ST $1" '(i = index($0, p)) && !n++ { print substr($0, i + length(p)) }'; }
markers() { cat "$log" 2>/dev/null | tr -d '\r' | awk -v p="ST $1" '(i = index($0, p)) { print substr($0, i + length(p)) }' | paste -sd '|' -; }
seen() { cat "$log" 2>/dev/null | tr -d '\r' | grep -E "$1" > /dev/null; }
wait_for() { # PATTERN SECONDS: 0 once the serial log matches, 1 when qemu ended or time ran out
  local deadline=$(( $(date +%s) + $2 ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    seen "$1" && return 0
    kill -0 "$qemu_pid" 2>/dev/null || { seen "$1"; return; }
    sleep 2
  done
  return 1
}
log=
boot() { # PHASE DISK SECURE-BOOT(on|off) [RECOVERY-KEY]: one QEMU run with the phase's self-test, a det. subscriber
  local phase=$1
  log=$work/serial-$phase.log; : > "$log"
  box_vars "$work/vars-$phase.fd" "$3"
  tpm_start "$work/tpm"
  { echo "PHASE=$phase"; cat scripts/image/secureboot-selftest.sh; } > "$work/phase-$phase.sh"
  printf %s "${4:-}" > "$work/recovery-$phase.txt"
  rm -f "$work/det-$phase.jsonl"
  /usr/bin/python3 tests/python/collect_messages.py --endpoint tcp://127.0.0.1:$port --topic det.cam0 --count 3 \
    --timeout 1200 --schema docs/schema/det.v1.schema.json --out "$work/det-$phase.jsonl" > "$work/det-$phase.summary" 2>&1 &
  det_pid=$!
  boot_ns=$(/usr/bin/python3 -c 'import time; print(time.monotonic_ns())')
  say "boot $phase (Secure Boot $3, $accel), serial log $log"
  # shellcheck disable=SC2046
  qemu-system-x86_64 $(box_args "$work/vars-$phase.fd" "$work/tpm") -cpu $cpu -smp 2 -m 2048 \
    -drive file="$2",format=qcow2,if=virtio \
    -netdev user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:$port-:5556 -device virtio-net-pci,netdev=n0 \
    -fw_cfg name=opt/smartcam/selftest,file="$work/phase-$phase.sh" \
    -fw_cfg name=opt/smartcam/recovery,file="$work/recovery-$phase.txt" \
    -qmp unix:"$work/qmp-$phase.sock",server=on,wait=off \
    -serial file:"$log" -display none -monitor none -no-reboot 2> "$work/qemu-$phase.err" &
  qemu_pid=$!
}
finish() { # SECONDS: waits for the box to power itself off (a clean poweroff ends qemu with 0), then ends the subscriber
  local deadline=$(( $(date +%s) + $1 ))
  while kill -0 "$qemu_pid" 2>/dev/null && [ "$(date +%s)" -lt "$deadline" ]; do sleep 2; done
  if kill -0 "$qemu_pid" 2>/dev/null; then kill -9 "$qemu_pid"; wait "$qemu_pid" 2>/dev/null || true; poweroff_rc=timeout
  else wait "$qemu_pid" && poweroff_rc=0 || poweroff_rc=$?; fi
  qemu_pid=
  kill "$det_pid" 2>/dev/null || true; wait "$det_pid" 2>/dev/null || true; det_pid=
  tpm_stop
}
det_count() { [ -f "$work/det-$1.jsonl" ] && wc -l < "$work/det-$1.jsonl" || echo 0; }
first_det_s() { /usr/bin/python3 -c 'import json,sys; print("%.1f" % ((json.loads(open(sys.argv[1]).readline())["recv_ns"] - int(sys.argv[2])) / 1e9))' "$work/det-$1.jsonl" "$boot_ns" 2>/dev/null || echo "?"; }

# --- 1: Secure Boot on, a fresh TPM: the first boot seals the data partition ----------------------------
qemu-img create -q -f qcow2 -F raw -b "$image" "$work/disk.qcow2"
boot sealed "$work/disk.qcow2" on
wait_for "ST phase=done" 1200 || { say "boot sealed: no self-test result"; tail -40 "$log" | tr -d '\r' >&2; exit 1; }
# The subscriber ends by itself with its detections (or at its own timeout); then the power button.
wait "$det_pid" || true; det_pid=
box_powerdown "$work/qmp-sealed.sock" || say "QMP: no power button press"
finish 180
sealed_first_det=$(first_det_s sealed)
recovery=$(tr -d '\r' < "$log" | sed -n 's/.*RECOVERY KEY for the data partition[^:]*: \([a-z-]*\).*/\1/p' | sed -n 1p)
say "results: sealed"
check "Secure Boot enabled (EFI variable)" "$([ "$(marker secure_boot_var=)" = 1 ]; echo $?)" "SecureBoot=$(marker secure_boot_var=); mokutil: $(marker mokutil=)"
check "kernel lockdown integrity or stricter" "$(marker lockdown= | grep -qE '\[(integrity|confidentiality)\]'; echo $?)" "$(marker lockdown=)"
check "the service says Secure Boot: enabled" "$(marker "boot_integrity: " | grep -q "Secure Boot: enabled; kernel lockdown: integrity"; echo $?)" "$(marker "boot_integrity: ")"
check "signed modules load (dm_crypt), kernel untainted" "$([ "$(marker dm_crypt=)" = 1 ] && [ "$(marker tainted=)" = 0 ] && [ "$(marker unsigned_modules=)" = 0 ]; echo $?)" "dm_crypt loaded $(marker dm_crypt=), tainted $(marker tainted=), unverified modules $(marker unsigned_modules=)"
check "TPM 2.0 present" "$([ "$(marker tpm=)" = 2 ]; echo $?)" "tpm_version_major $(marker tpm=)"
check "data partition sealed: LUKS2 with a TPM2 (PCR 7) and a recovery slot, no password" "$([ "$(marker luks_label=)" = smartcam-data ] && [ "$(marker luks_slots=)" = recovery,tpm2 ] && [ "$(marker luks_tpm2_pcrs=)" = 7 ]; echo $?)" "label $(marker luks_label=), slots $(marker luks_slots=), tpm2-pcrs $(marker luks_tpm2_pcrs=)"
check "unlocked by the TPM and mounted" "$([ "$(marker crypt_unit=)" = active ] && [ "$(marker data_mount=)" = /dev/mapper/smartcam_data,ext4 ]; echo $?)" "$(marker crypt_unit=); /var/lib/smartcam on $(marker data_mount=)"
check "recovery key printed on the console" "$([ -n "$recovery" ]; echo $?)" "${recovery:+$(echo "$recovery" | cut -c1-8)-… ($(echo "$recovery" | tr -cd - | wc -c) dashes)}"
check "recovery key not in the journal" "$([ "$(marker journal_recovery_keys=)" = 0 ]; echo $?)" "$(marker journal_recovery_keys=) key-shaped lines"
check "detections reach the host" "$([ "$(det_count sealed)" -ge 1 ]; echo $?)" "$(det_count sealed) det.cam0 message(s), the first $sealed_first_det s after power-on; $(cat "$work/det-sealed.summary" 2>/dev/null)"
check "powers off cleanly (ACPI power button)" "$([ "$poweroff_rc" = 0 ]; echo $?)" "qemu exit $poweroff_rc"
sealed_times="$(marker times_ms=)"
say "sealed: $sealed_times"
tr -d '\r' < "$log" | grep -oE "SmartCam: .*" | grep -v "RECOVERY KEY" | sed 's/^/  console: /'

# --- 2: one byte of slot A's kernel changed: refused before it runs ------------------------------------
# The byte 1 MiB into /boot/vmlinuz (inside the signed image), found through slot A's filesystem, flipped in an
# overlay: the image underneath stays as built.
slot_a_start=$(sfdisk -J "$image" | /usr/bin/python3 -c 'import json,sys; t=json.load(sys.stdin)["partitiontable"]; print(t["partitions"][1]["start"] * t.get("sectorsize", 512))')
block=$(debugfs -R "bmap /boot/vmlinuz 256" "$image?offset=$slot_a_start" 2>/dev/null | tr -d ' \n')
bs=$(debugfs -R "stats" "$image?offset=$slot_a_start" 2>/dev/null | sed -n 's/^Block size:[[:space:]]*//p')
[ -n "$block" ] && [ "$block" -gt 0 ] && [ -n "$bs" ] || { say "cannot find /boot/vmlinuz's blocks in slot A (block '$block', block size '$bs')"; exit 1; }
offset=$(( slot_a_start + block * bs + 7 ))
old=$(od -An -tu1 -j "$offset" -N1 "$image" | tr -d ' ')
new=$(( old ^ 0x20 ))
qemu-img create -q -f qcow2 -F raw -b "$image" "$work/tampered.qcow2"
qemu-io -f qcow2 -c "write -P $new $offset 1" "$work/tampered.qcow2" > "$work/qemu-io.log" 2>&1
[ "$(qemu-io -f qcow2 -c "read -v $offset 1" "$work/tampered.qcow2" | head -1 | awk '{print $2}')" = "$(printf %02x "$new")" ] || { say "qemu-io did not change the kernel's byte"; cat "$work/qemu-io.log" >&2; exit 1; }
boot tampered "$work/tampered.qcow2" on
refusal='bad shim signature|invalid signature|Verification failed|[Ss]ecurity [Vv]iolation'
wait_for "$refusal" 300 && refused=0 || refused=1
# Time for anything after the refusal to show: the kernel must never start.
sleep 15
finish 1
say "results: tampered kernel (byte at $offset: $old → $new)"
check "shim/GRUB refuse the changed kernel" "$refused" "$(tr -d '\r' < "$log" | grep -E "$refusal" | head -2 | paste -sd ';' -)"
check "the kernel never starts" "$(! seen "Linux version|EFI stub|ST phase|systemd\[1\]"; echo $?)" "$(tr -d '\r' < "$log" | grep -E "SmartCam: booting" | head -1)"

# --- 3: the same disk and TPM, Secure Boot off: the TPM refuses --------------------------------------
boot locked "$work/disk.qcow2" off "$recovery"
wait_for "ST phase=done" 1200 || { say "boot locked: no self-test result"; tail -40 "$log" | tr -d '\r' >&2; exit 1; }
finish 180
say "results: Secure Boot off"
check "Secure Boot disabled (EFI variable)" "$([ "$(marker secure_boot_var=)" = 0 ]; echo $?)" "SecureBoot=$(marker secure_boot_var=); mokutil: $(marker mokutil=)"
check "the box boots (no emergency shell), only the unlock failed" "$([ "$(marker system=)" = "systemd-cryptsetup@smartcam_data.service" ]; echo $?)" "failed units: $(marker system=)"
check "the TPM does not unlock the data partition" "$([ "$(marker crypt_unit=)" = failed ] && [ "$(marker data_mount=)" = none ]; echo $?)" "$(marker crypt_unit=); /var/lib/smartcam on $(marker data_mount=)"
check "the console says why" "$(seen "^SmartCam: DATA PARTITION LOCKED: .*Secure Boot is disabled"; echo $?)" "$(tr -d '\r' < "$log" | grep -m1 "^SmartCam: DATA PARTITION LOCKED")"
check "the journal says why" "$(markers "locked_journal: " | grep -q "DATA PARTITION LOCKED: .*Secure Boot is disabled"; echo $?)" "$(markers "locked_journal: " | tr '|' '\n' | grep -m1 "DATA PARTITION LOCKED" | cut -c1-160)"
check "the service never starts; no detections" "$([ "$(marker smartcam_started=)" = 0 ] && [ "$(det_count locked)" = 0 ]; echo $?)" "smartcam $(marker smartcam=), started at $(marker smartcam_started=); $(det_count locked) det. messages"
check "the slot is not judged (no fallback, no reboot)" "$(marker "mark_good: " | grep -q "not judged"; echo $?)" "$(marker "mark_good: ")"
check "the recovery key opens the partition" "$([ "$(marker recovery_key_opens=)" = 0 ]; echo $?)" "cryptsetup --test-passphrase exit $(marker recovery_key_opens=)"
check "powers off cleanly" "$([ "$poweroff_rc" = 0 ]; echo $?)" "qemu exit $poweroff_rc"
say "boot times ($accel, ms since the kernel started): sealing boot: $sealed_times (first detection on the host $sealed_first_det s after power-on)"
say "boot times ($accel, ms since the kernel started): Secure Boot off, the unlock refused: $(marker times_ms=)"
say "whole test $(( $(date +%s) - test_start )) s"
[ "$fail" = 0 ] || { say "FAILED (logs in $work)"; exit 1; }
passed=1
say "all checks passed"
