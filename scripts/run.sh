#!/usr/bin/env bash
# Sets up, builds Release and runs hiconn in the console with config/echo.json:
# echo on 127.0.0.1:7000 and [::1]:7000. Extra arguments go to hiconn, e.g.
#   scripts/run.sh --config config/chat.json      (IRC on 127.0.0.1:6667)
#   scripts/run.sh --listen 0.0.0.0:7000 --log-level debug
# Ctrl-C stops gracefully.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$ROOT/scripts/setup.sh" --build-only
# build/release is shared with scripts/test.sh's Release step, and both name every option on
# each configure, so neither changes what the other builds (and the tests reuse this build).
BUILD="$ROOT/build/release"
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DHICONN_BUILD_TESTS=ON -DHICONN_SANITIZE= >/dev/null
cmake --build "$BUILD" --target hiconn hiconn-load -j"$(nproc)"
args=("$@")
has_config=0
for a in "${args[@]}"; do [[ $a == --config || $a == -c ]] && has_config=1; done
((has_config)) || args=(--config "$ROOT/config/echo.json" "${args[@]}")
exec "$BUILD/src/hiconn" run "${args[@]}"
