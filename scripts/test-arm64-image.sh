#!/usr/bin/env bash
# The arm64 appliance image end to end on this x64 machine (docs/arm64.md#the-appliance-image). CI runs step 1 only;
# the rest does not fit in its time (docs/arm64.md#testing-the-image gives the times): run this before every
# submission that touches the image, the service or the build.
#   1 scripts/build-image.sh --arch arm64 (Debian's PREEMPT_RT kernel) and scripts/test-image.sh --arch arm64
#     (qemu-system-aarch64 -M virt, TCG, AAVMF with Secure Boot on, swtpm);
#   2 the kernel option: Debian's own non-RT arm64 kernel (linux-image-arm64's package, downloaded here) through
#     build-image.sh --kernel-deb into out/image-arm64-nonrt/, booted by test-image.sh --arch arm64, which then
#     requires the box to run and doctor to name the kernel as not PREEMPT_RT;
#   3 with --update: scripts/test-update.sh --arch arm64 on the image of 1 (five boots; the longest part).
#   scripts/test-arm64-image.sh [--update] [--skip-build]   (as root)
# --skip-build reuses the images already built. Each step's output goes to out/test-artifacts/arm64-image/STEP.log;
# the last line says which steps passed and how long each took.
set -euo pipefail
cd "$(dirname "$0")/.."
update=0; build=1
for a in "$@"; do
  case $a in
    --update) update=1 ;;
    --skip-build) build=0 ;;
    *) echo "test-arm64-image: $a: unknown argument (usage: scripts/test-arm64-image.sh [--update] [--skip-build])" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" -eq 0 ] || { echo "test-arm64-image: run as root (image builds need it)" >&2; exit 2; }
logs=out/test-artifacts/arm64-image
mkdir -p "$logs"
results=()
failed=0
step() { # NAME COMMAND...: runs it, its output in $logs/NAME.log; its last line shown
  local name=$1 t0=$SECONDS rc=0
  shift
  echo "test-arm64-image: $name: $*"
  "$@" > "$logs/$name.log" 2>&1 || rc=$?
  tail -1 "$logs/$name.log"
  if [ "$rc" = 0 ]; then results+=("$name ok $(( SECONDS - t0 )) s"); else results+=("$name FAILED (exit $rc) $(( SECONDS - t0 )) s"); failed=1; fi
  return $rc
}

# Debian's non-RT arm64 kernel: the package linux-image-arm64 points at, from a private apt state (the machine's own
# apt stays amd64-only).
kernel_deb() {
  local state=${XDG_CACHE_HOME:-$HOME/.cache}/smartcam/arm64/apt-kernel
  local o=(-o Dir::Etc::SourceList="$state/sources.list" -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists="$state/lists"
    -o Dir::Cache="$state/cache" -o APT::Architecture=arm64 -o APT::Architectures::=arm64 -o Dir::State::status=/dev/null
    -o APT::Sandbox::User=root)
  mkdir -p "$state/lists/partial" "$state/cache/archives/partial" "$state/debs"
  printf 'deb [arch=arm64] http://deb.debian.org/debian bookworm main\ndeb [arch=arm64] http://deb.debian.org/debian-security bookworm-security main\n' > "$state/sources.list"
  apt-get "${o[@]}" update -q > /dev/null
  local pkg
  pkg=$(apt-cache "${o[@]}" depends linux-image-arm64 | awk '$1 == "Depends:" && $2 ~ /^linux-image-/ { print $2; exit }')
  [ -n "$pkg" ] || { echo "test-arm64-image: linux-image-arm64 names no kernel package" >&2; return 1; }
  ( cd "$state/debs" && { ls "${pkg}"_*_arm64.deb > /dev/null 2>&1 || apt-get "${o[@]}" download "$pkg" > /dev/null; } )
  ls "$state/debs/${pkg}"_*_arm64.deb | tail -1
}

rt_ok=0
if [ "$build" = 0 ] || step build-rt scripts/build-image.sh --arch arm64; then
  step test-rt scripts/test-image.sh --arch arm64 && rt_ok=1 || true
fi
nonrt_built=0
if [ "$build" = 0 ]; then nonrt_built=1
elif ! deb=$(kernel_deb); then results+=("build-nonrt FAILED (no non-RT kernel package: see above)"); failed=1
else
  echo "test-arm64-image: non-RT kernel $deb"
  IMAGE_OUT=$PWD/out/image-arm64-nonrt SKIP_PUBLISH=1 step build-nonrt scripts/build-image.sh --arch arm64 --kernel-deb "$deb" && nonrt_built=1 || true
fi
[ "$nonrt_built" = 0 ] || step test-nonrt scripts/test-image.sh --arch arm64 out/image-arm64-nonrt/smartcam.img || true
if [ "$update" = 1 ]; then
  if [ "$rt_ok" = 1 ]; then step update scripts/test-update.sh --arch arm64 || true
  else results+=("update not run (the image test failed)"); failed=1; fi
fi
echo "test-arm64-image: $([ "$failed" = 0 ] && echo ok || echo FAIL): $(IFS=';'; echo "${results[*]}" | sed 's/;/; /g'); total $SECONDS s"
exit $failed
