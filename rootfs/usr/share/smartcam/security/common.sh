# Shared by provision-data and data-locked (docs/security.md): the data partition's mapping name, its LUKS2
# label once sealed, where the partition is (from /etc/crypttab, the one place that names it), and a way to
# tell the person at the box: every active console (the monitor and the serial line; /dev/console is only
# the last console= of the kernel command line) as well as the journal.
name=smartcam_data
sealed_label=smartcam-data
provisioning_label=smartcam-provisioning
spec=$(awk -v n="$name" '$1 == n { print $2 }' /etc/crypttab 2>/dev/null)
case $spec in
  PARTUUID=*) dev=/dev/disk/by-partuuid/${spec#PARTUUID=} ;;
  UUID=*) dev=/dev/disk/by-uuid/${spec#UUID=} ;;
  *) dev=$spec ;;
esac
to_consoles() { # LINE: on every active console only (never the journal)
  local c
  for c in $(cat /sys/class/tty/console/active 2>/dev/null); do printf 'SmartCam: %s\n' "$1" > "/dev/$c" 2>/dev/null || true; done
}
tell() { # LINE: the journal (stdout) and every console
  echo "$1"
  to_consoles "$1"
}
# libblkid reads the LUKS2 header's label without loading cryptsetup's token plugins: milliseconds at every boot.
luks_label() { [ "$(blkid -p -o value -s TYPE "$dev" 2>/dev/null)" = crypto_LUKS ] && blkid -p -o value -s LABEL "$dev" 2>/dev/null; }
