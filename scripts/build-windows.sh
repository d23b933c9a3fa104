#!/usr/bin/env bash
# Cross-builds hiconn for 64-bit Windows (mingw-w64, Asio on IOCP) into build/windows:
#   build/windows/src/hiconn.exe, build/windows/src/hiconn-load.exe,
#   build/windows/tests/hiconn_unit_tests.exe
# The dependency prefix comes from scripts/build-windows-deps.sh (cached in ~/.cache/hiconn).
# Usage: scripts/build-windows.sh            (HICONN_JOBS=N sets the parallel jobs, default 2)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JOBS=${HICONN_JOBS:-2}
log() { printf 'build-windows: %s\n' "$*" >&2; }

"$ROOT/scripts/build-windows-deps.sh"

cd "$ROOT"
cmake --preset windows >/dev/null
cmake --build --preset windows -j"$JOBS" --target hiconn hiconn-load hiconn_unit_tests

EXES=(build/windows/src/hiconn.exe build/windows/src/hiconn-load.exe build/windows/tests/hiconn_unit_tests.exe)
for exe in "${EXES[@]}"; do
    [[ -f $exe ]] || { log "error: $exe was not built"; exit 1; }
done
log "built ${EXES[*]}"
