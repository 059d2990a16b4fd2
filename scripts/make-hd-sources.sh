#!/usr/bin/env bash
# Makes the HD and 4K test footage (issue 28) from media/vtest.avi with Debian's ffmpeg: the sample scene
# upscaled, its first 300 frames, MPEG-4 at -q:v 3, no audio:
#   media/vtest-1080p.avi  1920x1080
#   media/vtest-2160p.avi  3840x2160
# Never committed (media/ is in .gitignore). Safe to run again: a file newer than vtest.avi and this script
# is kept; each file is written under a temporary name and renamed when complete, so an interrupted run
# leaves no half-made file behind. scripts/setup.sh runs it at its end.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

src=media/vtest.avi
script=scripts/make-hd-sources.sh
frames=300
[ -f "$src" ] || { echo "make-hd-sources: $src is missing; run scripts/setup.sh first" >&2; exit 1; }
command -v ffmpeg >/dev/null || { echo "make-hd-sources: ffmpeg is missing; apt-get install ffmpeg" >&2; exit 1; }

tmp=""
remove_partial() { [ -z "$tmp" ] || rm -f "$tmp"; }
trap remove_partial EXIT
trap 'remove_partial; exit 130' INT TERM

for size in 1080p:1920:1080 2160p:3840:2160; do
  IFS=':' read -r name width height <<<"$size"
  out="media/vtest-$name.avi"
  if [ "$out" -nt "$src" ] && [ "$out" -nt "$script" ]; then continue; fi
  tmp="$out.part"
  ffmpeg -nostdin -loglevel error -y -i "$src" -frames:v "$frames" -vf "scale=$width:$height" \
    -c:v mpeg4 -q:v 3 -an -f avi "$tmp"
  mv -f "$tmp" "$out"
  tmp=""
  echo "make-hd-sources: $out ready (${width}x${height}, $frames frames)"
done
