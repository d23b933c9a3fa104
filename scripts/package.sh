#!/usr/bin/env bash
# Builds the release packages into build/packages/:
#   hiconn_VERSION_amd64.deb     Release build, prefix /usr: /usr/bin, /etc/hiconn (conffiles),
#                                /usr/lib/systemd/system/hiconn.service, /usr/share/doc/hiconn
#   hiconn-VERSION-win64.zip     from the mingw cross build (build/windows, scripts/build-windows.sh):
#                                bin\hiconn.exe, bin\hiconn-load.exe, config\*.json + schema, README.md, docs\
# Usage: scripts/package.sh [deb|zip|all]      (default all)
#   HICONN_BUILD_DIR   Linux build dir to package (default build/package, configured Release here)
#   HICONN_JOBS        parallel build jobs (default 2)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=${HICONN_PACKAGE_DIR:-$ROOT/build/packages}
JOBS=${HICONN_JOBS:-2}
WHAT=${1:-all}
log() { printf 'package: %s\n' "$*" >&2; }

need() {
    command -v "$1" >/dev/null || { log "error: $1 missing ($2)"; exit 1; }
}

build_deb() {
    need cpack "apt-get install cmake"
    need dpkg-shlibdeps "apt-get install dpkg-dev"
    local build=${HICONN_BUILD_DIR:-}
    if [[ -z $build ]]; then
        # Its own tree, every option named on each configure, so no other script's cache
        # decides what is packaged. A HICONN_BUILD_DIR given is packaged as configured.
        build=$ROOT/build/package
        cmake -S "$ROOT" -B "$build" -DCMAKE_BUILD_TYPE=Release -DHICONN_BUILD_TESTS=OFF -DHICONN_SANITIZE= >/dev/null
    fi
    cmake --build "$build" -j"$JOBS" --target hiconn hiconn-load
    cpack --config "$build/CPackConfig.cmake" -G DEB -B "$OUT" >/dev/null
    rm -rf "$OUT/_CPack_Packages"
    log "built $(ls "$OUT"/hiconn_*.deb)"
}

build_zip() {
    "$ROOT/scripts/build-windows.sh"
    local build=$ROOT/build/windows
    cpack --config "$build/CPackConfig.cmake" -G ZIP -B "$OUT" >/dev/null
    rm -rf "$OUT/_CPack_Packages"
    log "built $(ls "$OUT"/hiconn-*-win64.zip)"
}

mkdir -p "$OUT"
case $WHAT in
    deb) build_deb ;;
    zip) build_zip ;;
    all) build_deb; build_zip ;;
    *) log "usage: $0 [deb|zip|all]"; exit 2 ;;
esac
