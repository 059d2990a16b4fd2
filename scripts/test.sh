#!/usr/bin/env bash
# Runs every test: unit tests, and integration tests against the real model, real footage, real
# ZeroMQ sockets and a python3-zmq subscriber. Installs what it needs first (scripts/setup.sh).
#   scripts/test.sh [extra dotnet test arguments, e.g. --filter FullyQualifiedName~Config]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
dotnet build SmartCam.sln -c Release --nologo -v quiet -warnaserror:false
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# Tests that need root's capabilities (SCHED_FIFO: CAP_SYS_NICE; mlockall: CAP_IPC_LOCK) carry
# [Trait("Requires", "root")]; not root, they are filtered out (added to any --filter given).
args=("$@")
unprivileged=""
if [ "$(id -u)" -ne 0 ]; then
  unprivileged="&Requires!=root"
  echo "test.sh: not root: skipping the tests marked Requires=root (SCHED_FIFO, mlock); run as root to include them"
  filtered=0
  for i in "${!args[@]}"; do
    if [ "${args[$i]}" = "--filter" ] && [ $((i + 1)) -lt ${#args[@]} ]; then
      args[$((i + 1))]="(${args[$((i + 1))]})$unprivileged"
      filtered=1
    fi
  done
  [ "$filtered" -eq 1 ] || args+=(--filter "Requires!=root")
fi
set +e
dotnet test SmartCam.sln -c Release --no-build --nologo "${args[@]}" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# The shipping build is Native AOT: the same end-to-end tests run again against that binary
# (all integration tests that start `smartcam`; the in-process allocation test is JIT only, and the scene editor's
# browser test too: the page's script is the same file under both, and ReloadTests drive its PUT against this binary).
if [ "$status" -eq 0 ] && [ $# -eq 0 ]; then
  echo "--- Native AOT: scripts/publish.sh, then the integration tests against out/smartcam/smartcam"
  scripts/publish.sh
  set +e
  SMARTCAM_BIN="$PWD/out/smartcam/smartcam" dotnet test SmartCam.sln -c Release --no-build --nologo \
    --filter "FullyQualifiedName~SmartCam.Tests.Integration&FullyQualifiedName!~AllocationTests&FullyQualifiedName!~SceneEditorTests$unprivileged" 2>&1 | tee -a "$log"
  status=${PIPESTATUS[0]}
  set -e
fi
# One plain closing line for CI: "N passed, N failed".
awk '/(Passed|Failed)!  - Failed:/ { gsub(",", ""); f += $4; p += $6 } END { printf "tests: %d passed, %d failed\n", p, f }' "$log"
exit "$status"
