#!/usr/bin/env bash
# The demo: configs/demo.yaml plays the sample footage through the sample model and publishes on
# tcp://127.0.0.1:5556, while `smartcam watch` prints each frame's detections as they arrive.
# No camera needed. Installs what it needs first (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
dotnet build src/SmartCam/SmartCam.csproj -c Release --nologo -v quiet
smartcam=src/SmartCam/bin/Release/net10.0/linux-x64/smartcam
"$smartcam" validate --config configs/demo.yaml
"$smartcam" watch --endpoint tcp://127.0.0.1:5556 &
watcher=$!
trap 'kill "$watcher" 2>/dev/null; wait "$watcher" 2>/dev/null || true' EXIT
# The demo config waits for the watcher to subscribe, so frame 0 is seen too.
"$smartcam" run --config configs/demo.yaml
sleep 0.3
