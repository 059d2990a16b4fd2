#!/usr/bin/env bash
# Installs what SmartCam needs on Debian 12 and puts the sample model, labels and footage in place.
# Safe to run again: it only installs or copies what is missing.
#   scripts/setup.sh            # packages + NuGet restore + assets
# Assets come from ../shared (beside the checkout) when it exists, verified by sha256; otherwise
# they are downloaded from upstream (model) or taken from Debian's opencv-doc package (footage).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

packages=(libgtk-3-0 ffmpeg python3-zmq python3-opencv python3-jsonschema python3-numpy python3-onnx stress-ng
  # the RTSP test camera (tests/python/rtsp_camera.py): GStreamer's RTSP server, x264enc (ugly), breakmydata and rtph264pay (good)
  python3-gi gir1.2-gstreamer-1.0 gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-ugly
  # the HTTP tests: promtool checks /metrics (package prometheus), headless Chromium and Firefox load the live page;
  # the HTTPS test asks with curl --cacert
  prometheus chromium firefox-esr curl
  # the bench plot tests render `smartcam bench --plot`'s SVG with rsvg-convert
  librsvg2-bin
  # the MQTT tests (docs/mqtt.md#testing): Debian's broker, and mosquitto_passwd for its login test
  mosquitto mosquitto-clients)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

command -v dotnet >/dev/null || { echo "setup: the .NET 10 SDK is required (dotnet not on PATH)" >&2; exit 1; }
dotnet restore SmartCam.sln --verbosity quiet

shared="$root/../shared"
mkdir -p models media

# name | where it goes | sha256 | shared path | upstream URL
assets=(
  "yolox_nano.onnx|models/yolox_nano.onnx|d39bee73564e338080378b0ad567fbb40e818b55bbfaf971de82a0267ed16b8a|models/yolox_nano.onnx|https://github.com/Megvii-BaseDetection/YOLOX/releases/download/0.1.1rc0/yolox_nano.onnx"
  "coco80.names|models/coco80.names|bd17f1ee35d5f3c862a4894605855abbb9dda4b0621fdb0ac4c2c8c7bb7e730a|models/coco80.names|https://raw.githubusercontent.com/opencv/opencv/4.x/samples/data/dnn/object_detection_classes_coco.txt"
  "vtest.avi|media/vtest.avi|45cddc9490be69345cbdab64ca583be65987e864ca408038e648db99e10516cf|media/vtest.avi|deb:opencv-doc:/usr/share/doc/opencv-doc/examples/data/vtest.avi"
  "messi5.jpg|media/messi5.jpg|1d570e49654e84c7a943918537bd9e5e1ef82920152e147c834006e235be97c9|media/messi5.jpg|deb:opencv-doc:/usr/share/doc/opencv-doc/examples/data/messi5.jpg"
)

sha_ok() { [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ]; }

for entry in "${assets[@]}"; do
  IFS='|' read -r name dest sha from_shared upstream <<<"$entry"
  sha_ok "$dest" "$sha" && continue
  rm -f "$dest"
  if [ -f "$shared/$from_shared" ]; then
    install -m 0644 "$shared/$from_shared" "$dest"
  elif [[ "$upstream" == deb:* ]]; then
    IFS=':' read -r _ pkg path <<<"$upstream"
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || {
      sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
      DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "$pkg" >/dev/null; }
    if [ -f "$path" ]; then install -m 0644 "$path" "$dest"; elif [ -f "$path.gz" ]; then gunzip -c "$path.gz" >"$dest"; fi
  else
    curl -fsSL --retry 3 -o "$dest" "$upstream" || { echo "setup: could not download $name from $upstream" >&2; exit 1; }
  fi
  if ! sha_ok "$dest" "$sha"; then
    echo "setup: $dest does not have the expected sha256 $sha; remove it and check the source" >&2
    exit 1
  fi
  echo "setup: $dest ready"
done
scripts/make-hd-sources.sh
