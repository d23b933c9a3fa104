#!/usr/bin/env bash
# Cross-builds hiconn for 64-bit Windows (mingw-w64, Asio on IOCP) into build/windows:
#   build/windows/src/hiconn.exe, build/windows/tests/hiconn_unit_tests.exe
# and, with HICONN_WINDOWS_LOAD=1, build/windows/src/hiconn-load.exe (the load tool uses
# fork()/poll() today, so it does not build for Windows yet).
# The dependency prefix comes from scripts/build-windows-deps.sh (cached under build/).
# Usage: scripts/build-windows.sh            (HICONN_JOBS=N sets the parallel jobs, default 2)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JOBS=${HICONN_JOBS:-2}
log() { printf 'build-windows: %s\n' "$*" >&2; }

"$ROOT/scripts/build-windows-deps.sh"

cd "$ROOT"
cmake --preset windows >/dev/null
cmake --build --preset windows -j"$JOBS" --target hiconn hiconn_unit_tests

if [[ ${HICONN_WINDOWS_LOAD:-0} == 1 ]]; then
    if cmake --build --preset windows -j"$JOBS" --target hiconn-load; then
        log "built build/windows/src/hiconn-load.exe"
    else
        log "hiconn-load does not build for Windows (see the errors above); hiconn.exe is fine"
    fi
fi

for exe in build/windows/src/hiconn.exe build/windows/tests/hiconn_unit_tests.exe; do
    [[ -f $exe ]] || { log "error: $exe was not built"; exit 1; }
done
log "built build/windows/src/hiconn.exe and build/windows/tests/hiconn_unit_tests.exe"
