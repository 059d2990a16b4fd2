#!/bin/sh
# Runs inside the booted image during scripts/test-secureboot.sh (smartcam-selftest.service, handed in through
# QEMU fw_cfg with "PHASE=..." put in front); prints "ST key=value" lines on the serial console for the host.
#   sealed  Secure Boot on, a fresh TPM: the first boot seals the data partition; report the chain and the seal,
#           then leave the box running for the host, which powers it down once its subscriber has detections
#   locked  the same disk and TPM, Secure Boot off: the TPM must refuse; report how the box says so, then show
#           that the recovery key (handed in through fw_cfg) opens the partition
say() { echo "ST $*"; }
say "phase=$PHASE started"
. /usr/share/smartcam/security/common.sh
sb_var=/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c
# Until the boot is over: no job running but this one (the targets' jobs wait for it, so the system stays
# "starting" while it runs). Bounded.
deadline=$(( $(date +%s) + 600 ))
while [ "$(date +%s)" -lt "$deadline" ]; do
  [ "$(systemctl list-jobs --no-legend | awk '$4 == "running" && $2 != "smartcam-selftest.service"' | wc -l)" = 0 ] && break
  sleep 3
done
systemctl list-jobs --no-legend | sed 's/^/ST job: /'
say "system=$(systemctl list-units --failed --no-legend --plain | awk '{print $1}' | paste -sd, - | sed 's/^$/no failed units/')"
say "efivars=$(findmnt -n -o FSTYPE /sys/firmware/efi/efivars || echo none) runtime=$(ls /sys/firmware/efi 2>&1 | paste -sd, -)"
say "cmdline=$(cat /proc/cmdline)"
say "secure_boot_var=$(od -An -tu1 -j4 -N1 $sb_var 2>/dev/null | tr -d ' ' | grep . || echo none)"
say "mokutil=$(mokutil --sb-state 2>&1 | head -1)"
say "lockdown=$(cat /sys/kernel/security/lockdown 2>/dev/null)"
say "tainted=$(cat /proc/sys/kernel/tainted)"
say "dm_crypt=$(grep -c '^dm_crypt ' /proc/modules)"
say "unsigned_modules=$(dmesg | grep -c 'module verification failed')"
say "tpm=$(cat /sys/class/tpm/tpm0/tpm_version_major 2>/dev/null || echo none)"
say "crypt_unit=$(systemctl is-active systemd-cryptsetup@$name.service)"
say "provision_unit=$(systemctl is-active smartcam-data-provision.service)"
say "data_mount=$(findmnt -n -o SOURCE,FSTYPE /var/lib/smartcam | tr -s ' ' ',' | grep . || echo none)"
say "luks_label=$(luks_label)"
say "luks_slots=$(systemd-cryptenroll "$dev" 2>/dev/null | awk 'NR > 1 { print $2 }' | sort | paste -sd, -)"
say "luks_tpm2_pcrs=$(cryptsetup luksDump "$dev" 2>/dev/null | sed -n 's/^[[:space:]]*tpm2-\(hash-\)\{0,1\}pcrs:[[:space:]]*//p' | head -1)"
cryptsetup luksDump "$dev" 2>/dev/null | sed -n '/^Tokens:/,/^Digests:/p' | grep -E '^[[:space:]]+[0-9]+: |tpm2-hash-pcrs|tpm2-pcr-bank|Keyslot:' | sed 's/^[[:space:]]*/ST luks_token: /' 
say "smartcam=$(systemctl is-active smartcam)"
say "smartcam_started=$(systemctl show -p ExecMainStartTimestampMonotonic --value smartcam)"
journalctl -b -q -o cat -u smartcam | grep -m1 "Secure Boot:" | sed 's/^/ST boot_integrity: /'
journalctl -b -q -o cat -u smartcam-data-provision | tail -6 | sed 's/^/ST provision: /'
journalctl -b -q -o cat -u smartcam-data-locked | sed 's/^/ST locked_journal: /'
journalctl -b -q -o cat -u smartcam-mark-good | grep "mark-good:" | tail -1 | sed 's/^/ST mark_good: /'
# The recovery key goes to the console only: nothing shaped like one may be in the journal.
say "journal_recovery_keys=$(journalctl -b -q -o cat | grep -cE '([cbdefghijklnrtuv]{8}-){7}[cbdefghijklnrtuv]{8}')"
# Boot times, in ms since the kernel started (systemd-analyze answers only once the boot is over, and this
# test is part of it): when user space started, how long the seal and the TPM unlock took, when the data
# partition was mounted and when SmartCam was ready.
ms() { v=$(systemctl show -p "$2" --value "$1"); echo $(( ${v:-0} / 1000 )); }
took() { a=$(ms "$1" InactiveExitTimestampMonotonic); b=$(ms "$1" ActiveEnterTimestampMonotonic); [ "$b" -ge "$a" ] && [ "$a" -gt 0 ] && echo $(( b - a )) || echo none; }
say "times_ms=userspace $(( $(systemctl show -p UserspaceTimestampMonotonic --value) / 1000 )) provision $(took smartcam-data-provision.service) unlock $(took systemd-cryptsetup@$name.service) mounted $(ms var-lib-smartcam.mount ActiveEnterTimestampMonotonic) smartcam_ready $(ms smartcam.service ActiveEnterTimestampMonotonic)"
if [ "$PHASE" = sealed ]; then
  # Detections flow (the host counts them): healthz 200 once frames are processed.
  t0=$(date +%s); code=none
  while [ $(( $(date +%s) - t0 )) -lt 300 ]; do
    code=$(timeout 10 bash -c 'exec 3<>/dev/tcp/127.0.0.1/8080 && printf "GET /healthz HTTP/1.0\r\n\r\n" >&3 && head -1 <&3' 2>/dev/null | awk '{print $2}')
    [ "$code" = 200 ] && break
    sleep 2
  done
  say "healthz=$code"
  # The host powers the box down (ACPI power button, through QMP) once its subscriber has its detections.
  say "phase=done"
  exit 0
else
  key=$(cat /sys/firmware/qemu_fw_cfg/by_name/opt/smartcam/recovery/raw 2>/dev/null)
  printf %s "$key" | cryptsetup open --test-passphrase --key-file - "$dev" > /run/recovery.txt 2>&1
  say "recovery_key_opens=$?"
  sed 's/^/ST recovery: /' /run/recovery.txt
fi
say "phase=done"
systemctl poweroff
