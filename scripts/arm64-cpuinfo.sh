#!/usr/bin/env bash
# An arm64 /proc/cpuinfo for programs emulated by qemu-user on this x64 machine (docs/arm64.md#testing-under-emulation).
# qemu-user 7.2 passes the host's x86 /proc/cpuinfo through to the arm64 process. ONNX Runtime's CPU detection
# (pytorch cpuinfo, run from a static initialiser when libonnxruntime.so is loaded) finds no "CPU implementer" or
# "CPU part" there and, on hosts whose kernel also lists CPU clusters in sysfs (seen on a 6.18 kernel on AMD EPYC),
# writes through a null pointer: the arm64 binary dies with SIGSEGV before main. A real board's kernel writes
# these lines; this file gives the same: one Cortex-A76 entry (RK3588's and the Pi 5's big cores) per processor
# of the host, whose sysfs the emulated process also reads. It is bind-mounted over /proc/cpuinfo only for the
# emulated program (a private mount namespace, or a container's `-v FILE:/proc/cpuinfo:ro`).
#   scripts/arm64-cpuinfo.sh     → prints the file's path (out/qemu-arm64/cpuinfo), written when missing or stale
set -euo pipefail
cd "$(dirname "$0")/.."
file=$PWD/out/qemu-arm64/cpuinfo
mkdir -p "${file%/*}"
{
  for n in $(awk -F: '/^processor/ {print $2 + 0}' /proc/cpuinfo); do
    printf 'processor\t: %s\nBogoMIPS\t: 108.00\n' "$n"
    printf 'Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp\n'
    printf 'CPU implementer\t: 0x41\nCPU architecture: 8\nCPU variant\t: 0x4\nCPU part\t: 0xd0b\nCPU revision\t: 1\n\n'
  done
} > "$file.tmp"
grep -q '^processor' "$file.tmp" || { echo "arm64-cpuinfo: no processor in this host's /proc/cpuinfo" >&2; exit 1; }
if cmp -s "$file.tmp" "$file"; then rm -f "$file.tmp"; else mv "$file.tmp" "$file"; fi
chmod 0644 "$file"
echo "$file"
