#!/bin/sh
# Runs inside the booted image (smartcam-selftest.service, handed in through QEMU fw_cfg by
# scripts/test-image.sh); prints "ST key=value" lines on the serial console for the host to check.
say() { echo "ST $*"; }
svc_pid() { systemctl show -p MainPID --value smartcam; }
say "phase=started"

# Wait for the service to be up and placed (it moves its threads once the loop has run).
# Bounded by the clock: under TCG each journalctl call alone can take seconds.
deadline=$(( $(date +%s) + 240 ))
while [ "$(date +%s)" -lt "$deadline" ]; do
  journalctl -u smartcam -b --no-pager -q 2>/dev/null | grep -q "other threads moved to housekeeping" && break
  sleep 3
done
say "placed_after_s=$(( $(date +%s) - deadline + 240 ))"
say "failed_units=$(systemctl --failed --no-legend --plain | awk '{print $1}' | tr '\n' ',')"
journalctl -b --no-pager -u nftables | tail -4 | sed 's/^/ST nftables: /'
journalctl -b --no-pager -u smartcam | tail -25 | sed 's/^/ST journal: /'
say "kernel_realtime=$(cat /sys/kernel/realtime 2>/dev/null || echo 0)"
say "isolated=$(cat /sys/devices/system/cpu/isolated)"
say "cmdline=$(cat /proc/cmdline)"
say "active=$(systemctl is-active smartcam)"
say "version=$(/usr/local/bin/smartcam --version)"
pid=$(svc_pid)
say "pid=$pid"
say "user=$(ps -o user= -p "$pid")"
say "cap_eff=$(grep CapEff /proc/$pid/status | cut -f2)"
say "cap_amb=$(grep CapAmb /proc/$pid/status | cut -f2)"
say "cap_eff_names=$(capsh --decode=$(grep CapEff /proc/$pid/status | cut -f2) | cut -d= -f2)"
for t in /proc/$pid/task/*; do
  s=$(cat $t/stat); rest=${s##*) }
  set -- $rest
  # After the name: field 3 is state; policy is field 41, rt priority 40 of stat → $39 and $38 here.
  policy=$(echo "$rest" | awk '{print $39}'); prio=$(echo "$rest" | awk '{print $38}')
  say "thread name=$(cat $t/comm) policy=$policy prio=$prio cpus=$(grep Cpus_allowed_list $t/status | cut -f2)"
done
say "apparmor=$(cat /proc/$pid/attr/current 2>/dev/null)"
say "ort_telemetry_off=$(tr '\0' '\n' < /proc/$pid/environ | grep -c '^ORT_DISABLE_TELEMETRY=1$')"
say "nft_5556=$(nft list ruleset 2>/dev/null | grep -c 5556)"
say "node_exporter=$(systemctl is-active prometheus-node-exporter)"
# The HTTP server on the loopback (http: in the shipped config): /healthz answers 200 once frames flow
# (503 before), /metrics carries the per-camera counters. bash's /dev/tcp, so no client is needed on the
# image; HTTP/1.0, so the server closes the connection after the answer. Bounded: under TCG frames are slow.
http_get() { # PATH → the status line, headers and body on stdout
  timeout 10 bash -c 'exec 3<>/dev/tcp/127.0.0.1/8080 && printf "GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n" "$1" >&3 && cat <&3' http_get "$1" 2>/dev/null | tr -d '\r'
}
say "http_listen=$(ss -Hltn 'sport = :8080' | awk '{print $4}' | paste -sd, -)"
t0=$(date +%s); code=none
while [ $(( $(date +%s) - t0 )) -lt 90 ]; do
  http_get /healthz > /run/healthz.txt
  code=$(head -1 /run/healthz.txt | awk '{print $2}'); code=${code:-none}
  [ "$code" = 200 ] && break
  sleep 2
done
say "http_healthz=$code"
say "http_healthz_after_s=$(( $(date +%s) - t0 ))"
say "http_healthz_body=$(tail -1 /run/healthz.txt)"
http_get /metrics > /run/metrics.txt
say "http_metrics=$(grep -c '^smartcam_frames_processed_total' /run/metrics.txt)"
grep -m1 '^smartcam_frames_processed_total' /run/metrics.txt | sed 's/^/ST http_metric: /'
say "nft_8080=$(nft list ruleset 2>/dev/null | grep -c 8080)"
# A/B updates (docs/updates.md): the slot GRUB booted, the health check marking it good, the data partition.
t0=$(date +%s)
while [ $(( $(date +%s) - t0 )) -lt 120 ] && [ "$(systemctl is-active smartcam-mark-good)" != active ]; do sleep 2; done
say "mark_good=$(systemctl is-active smartcam-mark-good)"
journalctl -b --no-pager -u smartcam-mark-good | grep "mark-good:" | tail -2 | sed 's/^/ST mark_good_log: /'
rauc status --output-format=shell > /run/rauc-status.txt 2> /run/rauc-status.err
say "rauc_status_exit=$?"
sed 's/^/ST rauc: /' /run/rauc-status.txt /run/rauc-status.err
journalctl -b --no-pager -u rauc -u smartcam-mark-good | tail -12 | sed 's/^/ST rauc_journal: /'
say "rauc_booted=$(sed -n "s/^RAUC_SYSTEM_BOOTED_BOOTNAME='\{0,1\}\([^']*\)'\{0,1\}$/\1/p" /run/rauc-status.txt)"
grub-editenv /boot/efi/EFI/BOOT/grubenv list | sed 's/^/ST grubenv: /'
say "data_mount=$(findmnt -n -o SOURCE,FSTYPE /var/lib/smartcam | tr -s ' ' ',')"
say "etc_smartcam=$(readlink /etc/smartcam)"
say "root_source=$(findmnt -n -o SOURCE /)"
/usr/local/bin/smartcam doctor --config /etc/smartcam/smartcam.yaml > /run/doctor.txt 2>&1
say "doctor_exit=$?"
sed 's/^/ST doctor: /' /run/doctor.txt
# The service's cgroup (the unit's AllowedCPUs=, MemoryMax=, TasksMax=, IOWeight=), read last in this
# phase so memory.peak covers start-up, the HTTP requests and minutes of frames. A file the kernel
# does not offer (a controller not enabled for the cgroup) reads "none".
cgf() { cat "$cg/$1" 2>/dev/null | tr '\n' ' ' | sed 's/ *$//' | grep . || echo none; }
cgpath=$(sed -n 's/^0:://p' /proc/$pid/cgroup)
cg=/sys/fs/cgroup$cgpath
say "cgroup=$cgpath"
say "cg_cpuset_cpus_effective=$(cgf cpuset.cpus.effective)"
say "cg_memory_max=$(cgf memory.max)"
say "cg_memory_high=$(cgf memory.high)"
if [ -r "$cg/memory.peak" ]; then say "cg_memory_peak=$(cgf memory.peak)"; else say "cg_memory_peak=$(cgf memory.current)"; fi
say "cg_memory_current=$(cgf memory.current)"
grep -E '^(anon|file|unevictable|kernel) ' "$cg/memory.stat" 2>/dev/null | sed 's/^/ST cg_memory_stat: /'
say "cg_pids_max=$(cgf pids.max)"
say "cg_pids_current=$(cgf pids.current)"
say "threads=$(ls /proc/$pid/task | wc -l)"
say "cg_io_weight=$(cgf io.weight)"
say "cg_io_bfq_weight=$(cgf io.bfq.weight)"
# The root filesystem's disk: the parent of the partition / is on (by device number: / is /dev/root).
disk=$(basename "$(readlink -f "/sys/dev/block/$(mountpoint -d /)/..")")
say "root_disk=$disk"
say "io_scheduler=$(cat /sys/block/$disk/queue/scheduler 2>/dev/null)"
say "io_cost_qos=$(grep "^$(cat /sys/block/$disk/dev) " /sys/fs/cgroup/io.cost.qos 2>/dev/null || echo none)"
say "phase=checked"

# Let the host's subscriber see this run for a while, then kill -9: systemd must restart the service,
# and ExecStopPost must have put the outputs to their safe levels.
sleep 20
say "kill9_pid=$pid"
kill -9 "$pid"
deadline=$(( $(date +%s) + 240 ))
while [ "$(date +%s)" -lt "$deadline" ]; do
  new=$(svc_pid)
  [ "$new" != "0" ] && [ "$new" != "$pid" ] && [ "$(systemctl is-active smartcam)" = active ] && break
  sleep 1
done
say "restarted_pid=$(svc_pid) active=$(systemctl is-active smartcam) restarts=$(systemctl show -p NRestarts --value smartcam)"
journalctl -u smartcam -b --no-pager | grep -q "lamp: log set to its safe level (low)" && say "safe_after_kill=yes" || say "safe_after_kill=no"
sleep 20

# A broken config: the service must fail to start, with the validation error in the journal and status.
cp /etc/smartcam/smartcam.yaml /run/good.yaml
sed -i 's/^  score: 0.3$/  score: 3.5/' /etc/smartcam/smartcam.yaml
systemctl restart smartcam
sleep 5
deadline=$(( $(date +%s) + 120 ))
while [ "$(date +%s)" -lt "$deadline" ]; do [ "$(systemctl is-active smartcam)" = failed ] && break; sleep 2; done
say "broken_state=$(systemctl is-active smartcam)"
systemctl status smartcam --no-pager -n 5 2>&1 | grep "detect.score" | head -1 | sed 's/^/ST broken_status: /'
journalctl -u smartcam -b --no-pager | grep -c "detect.score" | sed 's/^/ST broken_journal_lines=/'
cp /run/good.yaml /etc/smartcam/smartcam.yaml
systemctl reset-failed smartcam
systemctl start smartcam
say "phase=done"
systemctl poweroff
