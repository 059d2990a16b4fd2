#!/usr/bin/env bash
# Lets this x64 machine run arm64 programs (docs/arm64.md): Debian's qemu-user-static, binfmt_misc mounted and its
# qemu-aarch64 handler registered from /usr/lib/binfmt.d/qemu-aarch64.conf (flags POF: the F flag makes it work in
# chroots and containers too). Each step only when it is not done yet; one line says what it found or did.
#   scripts/qemu-arm64.sh        (as root; scripts/test-arm64.sh, build-container.sh and test-container.sh call it)
set -euo pipefail
handler=/proc/sys/fs/binfmt_misc/qemu-aarch64
[ "$(id -u)" -eq 0 ] || { echo "qemu-arm64: run as root (it installs qemu-user-static and registers binfmt_misc)" >&2; exit 2; }
did=()
if [ ! -x /usr/bin/qemu-aarch64-static ]; then
  apt-get update -q > /dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends qemu-user-static > /dev/null
  did+=("installed qemu-user-static")
fi
mountpoint -q /proc/sys/fs/binfmt_misc || { mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc; did+=("mounted binfmt_misc"); }
[ -e "$handler" ] || { cat /usr/lib/binfmt.d/qemu-aarch64.conf > /proc/sys/fs/binfmt_misc/register; did+=("registered qemu-aarch64"); }
[ "$(head -1 "$handler")" = enabled ] || { echo "qemu-arm64: $handler is $(head -1 "$handler") (echo 1 > $handler enables it)" >&2; exit 1; }
echo "qemu-arm64: ${did[*]:-already set up}: qemu-user-static $(dpkg-query -W -f='${Version}' qemu-user-static 2>/dev/null || echo '?'), $(grep -m1 '^interpreter' "$handler"), $(grep -m1 '^flags' "$handler")"
