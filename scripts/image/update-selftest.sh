#!/bin/sh
# Runs inside the booted image during scripts/test-update.sh (smartcam-selftest.service, handed in through
# QEMU fw_cfg with "PHASE=N SLOW=M" put in front; SLOW multiplies the bounded waits: arm64 under TCG); prints "ST key=value" lines on the serial console for the host.
# The host boots the same disk once per phase, with the test bundles on a second, read-only disk:
#   1 slot A as flashed: refused bundles leave both slots alone; then a power cut in the middle of an install
#   2 after the power cut (slot A again): install the version-2 bundle, reboot
#   3 slot B, version 2: install the bundle that cannot become healthy (into A), reboot
#   4 slot A, broken: nothing to do here; the health check marks it bad and reboots
#   5 slot B again, by itself: report, power off
say() { echo "ST $*"; }
say "phase=$PHASE started"
mkdir -p /run/bundles
mount -o ro /dev/disk/by-label/smartcam-bundles /run/bundles 2>&1 | sed 's/^/ST mount: /'
slot_b=/dev/disk/by-partlabel/smartcam-root-b
# An install writes a slot from its start: the first 64 MiB tell whether anything wrote to it.
b_sum() { head -c 64M "$slot_b" | sha256sum | cut -c1-16; }
env_list() { grub-editenv /boot/efi/EFI/BOOT/grubenv list | tr '\n' ' '; }
report() {
  say "version=$(/usr/local/bin/smartcam --version)"
  say "booted=$(sed -n 's/.*rauc\.slot=\([A-Za-z0-9]*\).*/\1/p' /proc/cmdline)"
  say "smartcam=$(systemctl is-active smartcam)"
  say "mark_good=$(systemctl is-active smartcam-mark-good)"
  journalctl -b --no-pager -u smartcam-mark-good | grep "mark-good:" | tail -2 | sed 's/^/ST mark_good_log: /'
  say "grubenv=$(env_list)"
  rauc status --detailed --output-format=json 2>&1 | tr -d '\n' | sed 's/^/ST rauc_json: /'; echo
  say "data_source=$(findmnt -n -o SOURCE /var/lib/smartcam || echo none) $(systemctl is-active systemd-cryptsetup@smartcam_data.service)"
  say "data_sum=$(cd /var/lib/smartcam && find config models -type f | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-16)"
  /usr/local/bin/smartcam doctor 2>&1 | grep "appliance image" | sed 's/^/ST doctor: /'
}
# The health check runs on every boot: wait for its verdict (it marks good, or marks bad and reboots).
wait_verdict() {
  deadline=$(( $(date +%s) + 900 * ${SLOW:-1} ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    s=$(systemctl is-active smartcam-mark-good)
    [ "$s" = active ] && break
    [ "$s" = failed ] && break
    sleep 3
  done
}
install() { # NAME → ST install_<name>_exit=, install_<name>_s=, and RAUC's last lines
  t0=$(date +%s)
  rauc install "/run/bundles/$1.raucb" > "/run/install-$1.log" 2>&1 &
  ipid=$!
  # An install that hangs in the kernel says where: every task in D state, with its kernel stack.
  ( sleep $(( 300 * ${SLOW:-1} )); kill -0 "$ipid" 2>/dev/null || exit 0
    say "install_$1_hung: still running after $(( 300 * ${SLOW:-1} )) s; tasks in D state:"
    for t in /proc/[0-9]*/task/[0-9]*; do
      [ "$(awk '{print $3}' "$t/stat" 2>/dev/null)" = D ] || continue
      say "dstate $(cat "$t/comm") tid=${t##*/} cpu=$(awk '{print $39}' "$t/stat")"
      head -12 "$t/stack" 2>/dev/null | sed 's/^/ST   /'
    done ) &
  wpid=$!
  wait "$ipid"
  rc=$?
  kill "$wpid" 2>/dev/null
  say "install_$1_exit=$rc"
  say "install_$1_s=$(( $(date +%s) - t0 ))"
  # RAUC's reason ("LastError: ..."), or its last line when it has none.
  { grep -m1 "LastError" "/run/install-$1.log" || tail -1 "/run/install-$1.log"; } | tr -d '\r' | sed "s/^/ST install_$1: /"
}

case "$PHASE" in
1)
  wait_verdict; report
  say "b_before=$(b_sum)"
  say "grubenv_before=$(env_list)"
  for b in other-ca plain truncated other-arch; do install "$b"; done
  say "b_after=$(b_sum)"
  say "grubenv_after=$(env_list)"
  # The power cut: start installing version 2, and once RAUC's service has written 128 MiB into slot B,
  # freeze it (so the slot is certainly half written) and tell the host, which kills QEMU.
  rauc install /run/bundles/v2.raucb > /run/install-cut.log 2>&1 &
  pid=$(systemctl show -p MainPID --value rauc)
  deadline=$(( $(date +%s) + 900 * ${SLOW:-1} ))
  written=0
  while [ "$(date +%s)" -lt "$deadline" ]; do
    written=$(awk '/^wchar:/ {print $2}' "/proc/$pid/io" 2>/dev/null)
    [ "${written:-0}" -gt 134217728 ] && break
    sleep 0.2
  done
  kill -STOP "$pid"
  say "grubenv_cut=$(env_list)"
  say "power_cut_now written=$written"
  sleep $(( 900 * ${SLOW:-1} ))
  ;;
2)
  wait_verdict; report
  install v2
  say "grubenv_installed=$(env_list)"
  say "phase=$PHASE rebooting"
  systemctl reboot
  ;;
3)
  wait_verdict; report
  install bad
  say "grubenv_installed=$(env_list)"
  say "phase=$PHASE rebooting"
  systemctl reboot
  ;;
4)
  say "release=$(sed -n 's/^IMAGE_VERSION="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' /etc/smartcam-release)"
  say "version=$(/usr/local/bin/smartcam --version 2>&1 | tr '\n' ' ')"
  say "booted=$(sed -n 's/.*rauc\.slot=\([A-Za-z0-9]*\).*/\1/p' /proc/cmdline)"
  say "grubenv=$(env_list)"
  # smartcam-mark-good.service decides; this only watches until the reboot ends the boot.
  sleep 900
  ;;
5)
  wait_verdict; report
  tail -n 4 /var/lib/smartcam/update-health.log | sed 's/^/ST health_log: /'
  say "phase=$PHASE done"
  systemctl poweroff
  ;;
esac
