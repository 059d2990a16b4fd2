#!/bin/sh
# Runs inside the booted image (smartcam-selftest.service, handed in through QEMU fw_cfg by
# scripts/test-image.sh); prints "ST key=value" lines on the serial console for the host to check.
say() { echo "ST $*"; }
svc_pid() { systemctl show -p MainPID --value smartcam; }
say "phase=started"
# What the host asks for (scripts/test-image.sh, fw_cfg opt/smartcam/selftest-env): PHASES=all (x64) or basic (no
# V4L2 phase: the arm64 image under TCG, where one inference takes seconds), SLOW=N multiplies the bounded waits.
PHASES=all; SLOW=1
env_file=/sys/firmware/qemu_fw_cfg/by_name/opt/smartcam/selftest-env/raw
[ -r "$env_file" ] && { cp "$env_file" /run/selftest.env; . /run/selftest.env; }
say "phases=$PHASES slow=$SLOW arch=$(uname -m)"
say "kernel=$(uname -r)"

# Wait for the service to be up and placed (it moves its threads once the loop has run).
# Bounded by the clock: under TCG each journalctl call alone can take seconds.
deadline=$(( $(date +%s) + 240 * SLOW ))
while [ "$(date +%s)" -lt "$deadline" ]; do
  journalctl -u smartcam -b --no-pager -q 2>/dev/null | grep -q "other threads moved to housekeeping" && break
  sleep 3
done
say "placed_after_s=$(( $(date +%s) - deadline + 240 * SLOW ))"
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
# Outbound: the service's user may connect only to the ports its config needs; the shipped config needs none. A
# connection to the QEMU host (10.0.2.2, nobody listening on 1883) is refused at once for root (exit 1); for smartcam
# its SYNs are dropped here, so it gets no answer (timeout's 124) and the chain's drop counter counts them.
say "egress=$(nft list chain inet filter smartcam_egress >/dev/null 2>&1 && echo chain)/$(nft list set inet filter smartcam_egress_tcp 2>/dev/null | grep -c elements)"
say "egress_root=$(timeout 5 bash -c 'exec 3<>/dev/tcp/10.0.2.2/1883' 2>/dev/null; echo $?)"
say "egress_smartcam=$(runuser -u smartcam -- timeout 5 bash -c 'exec 3<>/dev/tcp/10.0.2.2/1883' 2>/dev/null; echo $?)"
say "egress_dropped=$(nft list chain inet filter smartcam_egress 2>/dev/null | sed -n 's/.*counter packets \([0-9]*\).*drop.*/\1/p' | head -1)"
say "mqtt_outbox_dir=$(stat -c '%U %a' /var/lib/smartcam/mqtt-outbox 2>&1)"
# The box's HTTPS certificate, made at first boot (smartcam-tls-cert.service; docs/http.md#https): the folder's and
# files' owners and modes, the name it was made for, and the service's binary reading it as the service's user under
# its AppArmor profile (validate loads http.tls as a run does; an HTTPS variant of the shipped config, not served).
say "tls_files=$(stat -c '%n %U:%G %a' /var/lib/smartcam/tls /var/lib/smartcam/tls/cert.pem /var/lib/smartcam/tls/key.pem 2>&1 | tr '\n' ';')"
say "tls_subject=$(openssl x509 -noout -subject -in /var/lib/smartcam/tls/cert.pem 2>&1)"
say "tls_san=$(openssl x509 -noout -ext subjectAltName -in /var/lib/smartcam/tls/cert.pem 2>&1 | tail -1 | tr -d ' ')"
say "hostname=$(hostname)"
sed 's|^http: .*|http: { listen: 127.0.0.1:8443, tls: { cert_file: /var/lib/smartcam/tls/cert.pem, key_file: /var/lib/smartcam/tls/key.pem } }|' \
  /etc/smartcam/smartcam.yaml > /tmp/https.yaml && chmod 0644 /tmp/https.yaml
say "tls_validate=$(runuser -u smartcam -- /opt/smartcam/smartcam validate --config /tmp/https.yaml 2>&1 | grep -E '^http |^smartcam:' | head -1)"
say "snapshots_dir=$(stat -c '%U %a' /var/lib/smartcam/snapshots 2>&1)"
say "node_exporter=$(systemctl is-active prometheus-node-exporter)"
# The HTTP server on the loopback (http: in the shipped config): /healthz answers 200 once frames flow
# (503 before), /metrics carries the per-camera counters. bash's /dev/tcp, so no client is needed on the
# image; HTTP/1.0, so the server closes the connection after the answer. Bounded: under TCG frames are slow.
http_get() { # PATH → the status line, headers and body on stdout
  timeout 10 bash -c 'exec 3<>/dev/tcp/127.0.0.1/8080 && printf "GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n" "$1" >&3 && cat <&3' http_get "$1" 2>/dev/null | tr -d '\r'
}
say "http_listen=$(ss -Hltn 'sport = :8080' | awk '{print $4}' | paste -sd, -)"
t0=$(date +%s); code=none
while [ $(( $(date +%s) - t0 )) -lt $(( 90 * SLOW )) ]; do
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
# Live reload (docs/configuration.md#reload): the scene editor's PUT writes the config back (an empty change: the
# scene stays, the file is written through .tmp with the previous one kept as .bak: ReadWritePaths=, AppArmor, the
# folder's group), then systemctl reload re-reads it, in the same process (its pid unchanged) and with one log line.
put_scene() {
  timeout 20 bash -c 'exec 3<>/dev/tcp/127.0.0.1/8080 && printf "PUT /api/cameras/cam0/scene HTTP/1.0\r\nHost: 127.0.0.1\r\nIf-Match: *\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}" >&3 && cat <&3' 2>/dev/null | tr -d '\r'
}
put_scene > /run/put-scene.txt
say "reload_put=$(head -1 /run/put-scene.txt | awk '{print $2}')"
say "reload_bak=$(stat -c '%U %a' /etc/smartcam/smartcam.yaml.bak 2>&1)"
say "reload_same_file=$(cmp -s /etc/smartcam/smartcam.yaml /etc/smartcam/smartcam.yaml.bak && echo yes || echo no)"
pid_before=$(svc_pid)
systemctl reload smartcam; say "reload_exit=$?"
t0=$(date +%s)
while [ $(( $(date +%s) - t0 )) -lt $(( 30 * SLOW )) ] && ! journalctl -u smartcam -b --no-pager -q | grep -q "Reload (SIGHUP)"; do sleep 1; done
say "reload_log=$(journalctl -u smartcam -b --no-pager -q | grep "Reload (SIGHUP)" | tail -1 | sed 's/.*SmartCam\[0\] //')"
say "reload_pid=$([ "$(svc_pid)" = "$pid_before" ] && echo same || echo changed)/$(systemctl is-active smartcam)"
# A/B updates (docs/updates.md): the slot GRUB booted, the health check marking it good, the data partition.
t0=$(date +%s)
while [ $(( $(date +%s) - t0 )) -lt $(( 120 * SLOW )) ] && [ "$(systemctl is-active smartcam-mark-good)" != active ]; do sleep 2; done
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
# The Secure Boot and TPM chain, link by link (docs/security.md, docs/arm64.md#secure-boot-and-the-tpm): the firmware's
# Secure Boot state, the kernel's lockdown, whether the firmware described a TPM (ACPI TPM2 table), which TPM drivers
# the kernel has loaded and whether it made a TPM device.
say "sb_state=$(mokutil --sb-state 2>&1 | head -1)"
say "lockdown=$(cat /sys/kernel/security/lockdown 2>/dev/null || echo none)"
say "acpi_tpm2=$([ -e /sys/firmware/acpi/tables/TPM2 ] && echo yes || echo no)"
say "tpm_devices=$(ls /dev/tpm* 2>/dev/null | tr '\n' ',' | sed 's/,$//' | grep . || echo none)"
say "tpm_modules=$(lsmod | awk '$1 ~ /tpm/ { printf "%s%s", s, $1; s = "," }' | grep . || echo none)"
say "tpm_builtin=$(grep -o 'tpm_[a-z_]*' /lib/modules/$(uname -r)/modules.builtin 2>/dev/null | sort -u | tr '\n' ',' | sed 's/,$//')"
dmesg 2>/dev/null | grep -i -E 'tpm|secure ?boot|lockdown' | head -8 | sed 's/^/ST dmesg: /'
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
deadline=$(( $(date +%s) + 240 * SLOW ))
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
deadline=$(( $(date +%s) + 120 * SLOW ))
while [ "$(date +%s)" -lt "$deadline" ]; do [ "$(systemctl is-active smartcam)" = failed ] && break; sleep 2; done
say "broken_state=$(systemctl is-active smartcam)"
systemctl status smartcam --no-pager -n 5 2>&1 | grep "detect.score" | head -1 | sed 's/^/ST broken_status: /'
journalctl -u smartcam -b --no-pager | grep -c "detect.score" | sed 's/^/ST broken_journal_lines=/'
cp /run/good.yaml /etc/smartcam/smartcam.yaml
systemctl reset-failed smartcam
systemctl start smartcam

if [ "$PHASES" = basic ]; then
  # A stop while frames flow: the outputs go to their safe levels (the service's shutdown, then ExecStopPost).
  t0=$(date +%s)
  while [ $(( $(date +%s) - t0 )) -lt $(( 90 * SLOW )) ] && [ "$(http_get /healthz | head -1 | awk '{print $2}')" != 200 ]; do sleep 2; done
  say "restart_healthy_after_s=$(( $(date +%s) - t0 ))"
  t_stop=$(cut -d' ' -f1 /proc/uptime)
  systemctl stop smartcam
  say "stopped=$(systemctl is-active smartcam)"
  journalctl -u smartcam -b -o short-monotonic --no-pager | awk -v after="$t_stop" '{ t = substr($0, 2, index($0, "]") - 2) + 0 } t >= after && /safe level/' |
    sed 's/^/ST stop_journal: /'
  journalctl -u smartcam -b -o short-monotonic --no-pager | awk -v after="$t_stop" '{ t = substr($0, 2, index($0, "]") - 2) + 0 } t >= after && /lamp: log set to its safe level \(low\)/ { n++ } END { print "ST safe_after_stop=" (n ? "yes" : "no") }'
  say "phase=done"
  systemctl poweroff
  exit 0
fi

# A camera through the kernel's V4L2 driver (docs/image.md#v4l2-camera-test-vivid): vivid's capture node showing
# the footage the host handed in as a raw disk, written into vivid's output node at the link's rate
# (scripts/image/vivid.sh). The service reads it as camera usb0; then the device is unbound while streaming
# (unplug) and bound again.
say "phase=v4l2"
v4l2_t0=$(date +%s)
uptime_s() { cut -d' ' -f1 /proc/uptime; }
# The first COUNT (default 1) lines of the service's journal at or after AFTER (CLOCK_MONOTONIC, s) that match
# ERE, each as "TIME LINE".
journal_after() { # ERE AFTER [COUNT]
  journalctl -u smartcam -b -o short-monotonic --no-pager 2>/dev/null |
    awk -v p="$1" -v after="$2" -v count="${3:-1}" '$0 ~ p { t = substr($0, 2, index($0, "]") - 2) + 0; if (t >= after && n++ < count) print t " " $0 }'
}
wait_journal() { # ERE AFTER SECONDS → the time of the line, or nothing
  deadline=$(( $(date +%s) + $3 ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    line=$(journal_after "$1" "$2")
    [ -n "$line" ] && { echo "${line%% *}"; return 0; }
    sleep 1
  done
  return 1
}
# Frames of usb0 the service has processed in this run (its /metrics), for waits counted in frames: under TCG
# one inference takes seconds, under KVM milliseconds.
processed() { http_get /metrics | awk '$1 == "smartcam_frames_processed_total{camera=\"usb0\"}" { print $2 }'; }
wait_processed() { # COUNT SECONDS
  deadline=$(( $(date +%s) + $2 ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    [ "$(processed)" -ge "$1" ] 2>/dev/null && return 0
    sleep 2
  done
  return 1
}
seconds_between() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "") print "none"; else printf "%.2f\n", b - a }'; }
cp /sys/firmware/qemu_fw_cfg/by_name/opt/smartcam/vivid/raw /run/vivid.sh
clip=/dev/disk/by-id/virtio-smartcam-clip
# The clip as scripts/test-image.sh makes it: 50 frames of 640x480 YUYV, each 6 times (10 fps on the ~60 Hz link).
clip_frames=50
frame_bytes=614400
repeats=6
writer=
writer_start() { sh /run/vivid.sh write "$out" "$clip" > /run/vivid-writer.log 2>&1 & writer=$!; }
writer_stop() { [ -n "$writer" ] && { kill "$writer" 2>/dev/null; wait "$writer" 2>/dev/null; writer=; }; }
vivid_setup() {
  nodes=$(sh /run/vivid.sh setup 2> /run/vivid.err); rc=$?
  cap=${nodes% *}; out=${nodes#* }
  say "vivid_setup=$rc capture=$cap output=$out"
  sed 's/^/ST vivid_err: /' /run/vivid.err
}
sh /run/vivid.sh load 2>&1 | sed 's/^/ST vivid_load: /'
say "vivid_module=$(lsmod | awk '$1 == "vivid" { print "loaded" }')"
say "clip_bytes=$(blockdev --getsize64 "$clip" 2>/dev/null)"
vivid_setup
v4l2-ctl -d "$cap" --get-fmt-video --get-dv-timings -C loop_video,osd_text_mode,timestamp_source 2>&1 |
  grep -E "^[a-z_]+:|Width/Height|Pixel Format|Pixelclock" | sed 's/^[[:space:]]*/ST vivid_cap: /'
writer_start
# The kernel side alone: a frame captured from the loop is one of the footage's frames, byte for byte.
loop_frame=none
for try in 1 2 3; do
  v4l2-ctl -d "$cap" --stream-mmap --stream-skip=30 --stream-count=1 --stream-to=/run/vivid-frame.yuv > /dev/null 2>&1
  got=$(md5sum < /run/vivid-frame.yuv | cut -c1-32)
  k=0
  while [ "$k" -lt "$clip_frames" ]; do
    [ "$(dd if="$clip" bs=$frame_bytes skip=$((k * repeats)) count=1 2>/dev/null | md5sum | cut -c1-32)" = "$got" ] && { loop_frame=$k; break 2; }
    k=$((k + 1))
  done
done
say "vivid_loop_frame=$loop_frame"
# The shipped config with its camera replaced by the vivid node; reconnect retries at most 1 s apart, so the
# resume after the replug is measured, not the backoff.
cp /etc/smartcam/smartcam.yaml /run/shipped.yaml
awk -v dev="$cap" '
  /^camera:/ { skip = 1; print "camera:\n  id: usb0\n  source: v4l2://" dev "\n  width: 640\n  height: 480\n  pixel_format: YUYV"
               print "  reconnect: { initial_ms: 250, max_ms: 1000 }"; next }
  skip && /^  / { next }
  { skip = 0; print }' /run/shipped.yaml > /etc/smartcam/smartcam.yaml
t_restart=$(uptime_s)
systemctl restart smartcam
wait_journal "Camera usb0: first frame" "$t_restart" 180 > /dev/null
say "v4l2_active=$(systemctl is-active smartcam)"
journalctl -u smartcam -b --no-pager | grep "usb0" | head -8 | sed 's/^/ST v4l2_journal: /'
say "v4l2_first_frame_ms=$(journal_after "Camera usb0: first frame" "$t_restart" | sed -n 's/.*first frame \([0-9]*\) ms after opening.*/\1/p')"
# Detections of the footage for the host's subscriber (12 frames, or what 150 s give), and the discovery
# command beside the running service.
wait_processed 12 150
say "v4l2_processed_before_unplug=$(processed)"
timeout 60 /usr/local/bin/smartcam cameras > /run/cameras.txt 2>&1
say "cameras_exit=$?"
head -80 /run/cameras.txt | sed 's/^/ST cameras: /'

# Unplug while streaming (rmmod would fail: the service holds the node open).
pid=$(svc_pid); restarts=$(systemctl show -p NRestarts --value smartcam)
t_unbind=$(uptime_s)
echo vivid.0 > /sys/bus/platform/drivers/vivid/unbind
say "v4l2_unbind_s=$t_unbind"
t_rec=$(wait_journal "Camera usb0: .*; reconnecting" "$t_unbind" 30)
say "v4l2_reconnecting_s=$t_rec"
http_get /api/status | tail -1 | sed 's/.*"usb0"://' | grep -o '"state":"[a-z]*"' | head -1 | sed 's/^/ST v4l2_api_state=/'
writer_stop
# Outputs safe: once the camera is reconnecting, the actuation watchdog's last word is that the inference
# thread went silent. Judged in the journal's order, not by time: under TCG an inference still in flight at the
# unbind can outlast the watchdog, so it may trip, resume when that inference ends, and only then trip for good.
safe_after_reconnecting() {
  journalctl -u smartcam -b -o short-monotonic --no-pager 2>/dev/null | awk -v after="$t_unbind" '
    { t = substr($0, 2, index($0, "]") - 2) + 0 }
    t >= after && /Camera usb0: .*; reconnecting/ { rec = 1 }
    /Actuation: / { last = $0; last_after_rec = rec }
    END { if (last_after_rec && last ~ /no heartbeat/) print last }'
}
deadline=$(( $(date +%s) + 20 ))
while [ -z "$(safe_after_reconnecting)" ] && [ "$(date +%s)" -lt "$deadline" ]; do sleep 1; done
last_actuation=$(journalctl -u smartcam -b -o short-monotonic --no-pager | grep "Actuation: " | tail -1)
say "v4l2_safe_line=$last_actuation"
[ -n "$(safe_after_reconnecting)" ] && say "v4l2_unplug_safe=yes" || say "v4l2_unplug_safe=no"

# Replug. udev holds the new node's permissions back (root-only, as devtmpfs makes it) until the loop is set up
# again, so the service cannot open it half set up: vivid comes back at its defaults (720p, no loop).
udevadm control --stop-exec-queue
t_bind=$(uptime_s)
echo vivid.0 > /sys/bus/platform/drivers/vivid/bind
say "v4l2_bind_s=$t_bind"
vivid_setup
writer_start
udevadm control --start-exec-queue
t_ready=$(uptime_s)
say "v4l2_ready_s=$t_ready"
t_refirst=$(wait_journal "Camera usb0: first frame" "$t_bind" 60)
say "v4l2_bind_to_first_frame_s=$(seconds_between "$t_bind" "$t_refirst")"
say "v4l2_ready_to_first_frame_s=$(seconds_between "$t_ready" "$t_refirst")"
say "v4l2_reopen_first_frame_ms=$(journal_after "Camera usb0: first frame" "$t_bind" | sed -n 's/.*first frame \([0-9]*\) ms after opening.*/\1/p')"
# Detections after the replug: 4 more frames, or what 90 s give.
wait_processed $(( $(processed) + 4 )) 90
say "v4l2_processed=$(processed)"
journal_after "Camera usb0: " "$t_unbind" 12 | sed 's/^[0-9.]* /ST v4l2_journal: /'
say "v4l2_pid=$pid v4l2_pid_after=$(svc_pid) v4l2_restarts=$restarts v4l2_restarts_after=$(systemctl show -p NRestarts --value smartcam) active=$(systemctl is-active smartcam)"
writer_stop
say "v4l2_phase_s=$(( $(date +%s) - v4l2_t0 ))"
say "phase=done"
systemctl poweroff
