#!/usr/bin/env bash
# Builds the mingw-w64 dependency prefix for the Windows cross build (idempotent, cached):
#   build/windows-deps/prefix/include/{boost,nlohmann,catch2,spdlog,fmt}  links to Debian's headers
#   build/windows-deps/prefix/share/cmake/nlohmann_json          copied package files
#   build/windows-deps/prefix/lib/cmake/Catch2                   copied, minus the Linux lib
#   build/windows-deps/prefix/lib/libboost_program_options.a     cross-built here
# Boost.Program_options is compiled from Debian's boost1.81 source package, fetched with
# `apt-get source --download-only` (a deb-src entry is added when missing). Everything lives
# under build/ (git-ignored) and is reused by the next run.
# Needs root for apt (CI runs as root). Usage: scripts/build-windows-deps.sh
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=${HICONN_WINDEPS_DIR:-$ROOT/build/windows-deps}
DEPS=$WORK/prefix
SRC_PKG=boost1.81
LIB=$DEPS/lib/libboost_program_options.a

log() { printf 'build-windows-deps: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

command -v x86_64-w64-mingw32-g++-posix >/dev/null ||
    die "x86_64-w64-mingw32-g++-posix missing: apt-get install g++-mingw-w64-x86-64-posix"
for f in /usr/include/boost/version.hpp /usr/include/nlohmann/json.hpp \
         /usr/include/catch2/catch.hpp /usr/lib/cmake/Catch2/Catch2Config.cmake \
         /usr/include/spdlog/spdlog.h /usr/include/fmt/format.h \
         /usr/share/cmake/nlohmann_json/nlohmann_jsonConfig.cmake; do
    [[ -e $f ]] || die "$f missing: apt-get install libboost1.81-dev nlohmann-json3-dev catch2 libspdlog-dev"
done

# --- 1. the prefix: headers by symlink, CMake package files by copy ---------------------
# Copies, not links: Catch2's config resolves its REALPATH and would lead back to
# /usr/include. Catch2Targets-none.cmake names the Linux libCatch2WithMain.a: drop it.
make_prefix() {
    mkdir -p "$DEPS/include" "$DEPS/share/cmake" "$DEPS/lib/cmake/Catch2"
    local d
    # spdlog and fmt are used header-only on Windows (cmake/packaging.cmake).
    for d in boost nlohmann catch2 spdlog fmt; do ln -sfn "/usr/include/$d" "$DEPS/include/$d"; done
    rm -rf "$DEPS/share/cmake/nlohmann_json"
    cp -r /usr/share/cmake/nlohmann_json "$DEPS/share/cmake/"
    rm -f "$DEPS"/lib/cmake/Catch2/*.cmake
    cp /usr/lib/cmake/Catch2/*.cmake "$DEPS/lib/cmake/Catch2/"
    rm -f "$DEPS/lib/cmake/Catch2/Catch2Targets-none.cmake"
}
make_prefix

# The cached library is valid while the installed Boost headers keep their version.
HEADER_VERSION=$(dpkg-query -W -f='${Version}' "lib${SRC_PKG}-dev" 2>/dev/null || echo unknown)
STAMP=$WORK/program_options.stamp
if [[ -f $LIB && -f $STAMP && $(cat "$STAMP") == "$HEADER_VERSION" ]]; then
    log "cached: $LIB (headers $HEADER_VERSION)"
    exit 0
fi

# --- 2. a deb-src entry derived from the binary entry --------------------------------------
have_deb_src() { apt-get source --print-uris "$SRC_PKG" >/dev/null 2>&1; }
if ! have_deb_src; then
    [[ $(id -u) == 0 ]] || die "adding a deb-src entry needs root (or add one yourself)"
    SOURCES=/etc/apt/sources.list.d/debian.sources
    [[ -f $SOURCES ]] || die "$SOURCES missing: add a deb-src line for bookworm by hand"
    # First stanza whose Suites include bookworm: copy its URIs and Signed-By lines.
    STANZA=$(awk -v RS= '/Suites:[^\n]*bookworm([ \n]|$)/ {print; exit}' "$SOURCES")
    URIS=$(sed -n 's/^URIs:[[:space:]]*//p' <<<"$STANZA" | head -n1)
    SIGNED=$(sed -n 's/^Signed-By:[[:space:]]*//p' <<<"$STANZA" | head -n1)
    [[ -n $URIS ]] || die "no bookworm URIs in $SOURCES"
    log "adding deb-src entry for $URIS bookworm"
    {
        echo "# Added by hiconn scripts/build-windows-deps.sh (Boost sources for the mingw build)"
        echo "Types: deb-src"
        echo "URIs: $URIS"
        echo "Suites: bookworm"
        echo "Components: main"
        [[ -n $SIGNED ]] && echo "Signed-By: $SIGNED"
    } >/etc/apt/sources.list.d/hiconn-debian-src.sources
    apt-get update -qq
    have_deb_src || die "apt-get source still finds no $SRC_PKG after adding deb-src"
fi

# --- 3. download (orig tarball only) and a filtered extract --------------------------------
mkdir -p "$WORK/download"
ORIG=$(ls "$WORK"/download/${SRC_PKG}_*.orig.tar.* 2>/dev/null | head -n1 || true)
if [[ -z $ORIG ]]; then
    log "apt-get source --download-only $SRC_PKG"
    (cd "$WORK/download" && apt-get source -qq --download-only "$SRC_PKG" 2>&1 |
        grep -v 'Download is performed unsandboxed' >&2 || true)
    ORIG=$(ls "$WORK"/download/${SRC_PKG}_*.orig.tar.* 2>/dev/null | head -n1 || true)
    [[ -n $ORIG ]] || die "download of $SRC_PKG failed"
fi
# Only libs/program_options/src (11 files) out of 528 MB; --wildcards is required.
rm -rf "$WORK/src"
mkdir -p "$WORK/src"
log "extracting program_options sources from $(basename "$ORIG")"
tar -xf "$ORIG" -C "$WORK/src" --wildcards '*/libs/program_options/src/*'
BOOST_SRC=$(dirname "$(dirname "$(dirname "$(find "$WORK/src" -type d -path '*/libs/program_options/src' | head -n1)")")")
[[ -d $BOOST_SRC/libs/program_options/src ]] || die "program_options sources not in $ORIG"

# --- 4. cross-build and install into the prefix -------------------------------------------
cmake -S "$ROOT/cmake/windeps" -B "$WORK/program_options" \
    -DCMAKE_TOOLCHAIN_FILE="$ROOT/cmake/toolchain-mingw.cmake" \
    -DWINDEPS_PREFIX="$DEPS" -DCMAKE_INSTALL_PREFIX="$DEPS" \
    -DCMAKE_BUILD_TYPE=Release -DBOOST_SRC="$BOOST_SRC" >/dev/null
cmake --build "$WORK/program_options" -j"${HICONN_JOBS:-2}"
cmake --install "$WORK/program_options" >/dev/null
[[ -f $LIB ]] || die "$LIB was not installed"
echo "$HEADER_VERSION" >"$STAMP"
log "built $LIB"
