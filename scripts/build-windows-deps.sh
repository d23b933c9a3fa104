#!/usr/bin/env bash
# Builds the mingw-w64 dependency prefix for the Windows cross build (idempotent, cached):
#   build/windows-deps/prefix/include/{boost,nlohmann,catch2,spdlog,fmt}  links to Debian's headers
#   build/windows-deps/prefix/share/cmake/nlohmann_json          copied package files
#   build/windows-deps/prefix/lib/cmake/Catch2                   copied, minus the Linux lib
#   build/windows-deps/prefix/lib/libboost_program_options.a     cross-built here
#   build/windows-deps/prefix/lib/libhiredis.a, include/hiredis/ cross-built here (reader, formatter)
# Boost.Program_options is compiled from Debian's boost1.81 source package and hiredis from
# Debian's hiredis package, both fetched with `apt-get source --download-only` (a deb-src
# entry is added when missing). Everything lives under build/ (git-ignored) and is reused by
# the next run; each library is rebuilt only when its stamp no longer matches.
# Needs root for apt (CI runs as root). Usage: scripts/build-windows-deps.sh
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=${HICONN_WINDEPS_DIR:-$ROOT/build/windows-deps}
DEPS=$WORK/prefix
log() { printf 'build-windows-deps: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

command -v x86_64-w64-mingw32-g++-posix >/dev/null ||
    die "x86_64-w64-mingw32-g++-posix missing: apt-get install g++-mingw-w64-x86-64-posix"
for f in /usr/include/boost/version.hpp /usr/include/nlohmann/json.hpp \
         /usr/include/catch2/catch.hpp /usr/lib/cmake/Catch2/Catch2Config.cmake \
         /usr/include/spdlog/spdlog.h /usr/include/fmt/format.h \
         /usr/share/cmake/nlohmann_json/nlohmann_jsonConfig.cmake /usr/include/hiredis/hiredis.h; do
    [[ -e $f ]] || die "$f missing: apt-get install libboost1.81-dev nlohmann-json3-dev catch2 libspdlog-dev libhiredis-dev"
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

# --- 2. deb-src entries derived from the binary entries --------------------------------------
# ensure_deb_src PKG[=VERSION]: makes `apt-get source` find PKG, writing deb-src entries when
# it does not. One deb-src stanza per deb stanza of debian.sources, with the same URIs, Suites
# (bookworm, bookworm-updates, bookworm-security), Components and Signed-By: a security
# update's source (OpenSSL's, typically) is only in bookworm-security's Sources.
have_deb_src() { apt-get source --print-uris "$1" >/dev/null 2>&1; }
DEB_SRC_FILE=/etc/apt/sources.list.d/hiconn-debian-src.sources
deb_src_stanzas() {
    local sources=/etc/apt/sources.list.d/debian.sources
    [[ -f $sources ]] || die "$sources missing: add deb-src lines for bookworm by hand"
    echo "# Added by hiconn scripts/build-windows-deps.sh (Boost, hiredis and OpenSSL sources for the mingw build)"
    # Each stanza whose Types include deb: its URIs, Suites, Components and Signed-By lines.
    awk -v RS= '/(^|\n)Types:[^\n]*deb([ \n]|$)/ {
        n = split($0, l, "\n"); out = "Types: deb-src"
        for (i = 1; i <= n; i++) if (l[i] ~ /^(URIs|Suites|Components|Signed-By):/) out = out "\n" l[i]
        print out "\n"
    }' "$sources"
}
ensure_deb_src() {
    have_deb_src "$1" && return 0
    local want
    want=$(deb_src_stanzas)
    [[ $want == *URIs:* ]] || die "no deb entries in /etc/apt/sources.list.d/debian.sources"
    if [[ ! -f $DEB_SRC_FILE || $(cat "$DEB_SRC_FILE") != "$want" ]]; then
        [[ $(id -u) == 0 ]] || die "adding deb-src entries needs root (or add them yourself)"
        log "writing deb-src entries to $DEB_SRC_FILE ($(grep -h '^Suites:' <<<"$want" | cut -d' ' -f2- | xargs))"
        printf '%s\n' "$want" >"$DEB_SRC_FILE"
        apt-get update -qq
    fi
    have_deb_src "$1" || return 1
}

# --- 3. downloads, kept in $WORK/download --------------------------------------------------
# download_source PKG[=VERSION]: apt-get source --download-only (.dsc, orig and debian tarballs).
download_source() {
    ensure_deb_src "$1" || die "apt-get source finds no $1, also after adding deb-src entries"
    mkdir -p "$WORK/download"
    log "apt-get source --download-only $1"
    (cd "$WORK/download" && apt-get source -qq --download-only "$1" 2>&1 |
        grep -v 'Download is performed unsandboxed' >&2 || true)
}

# --- 4. Boost.Program_options ------------------------------------------------------------
# Produces $DEPS/lib/libboost_program_options.a from Debian's boost1.81 sources. Its headers
# are the installed /usr/include/boost (linked into the prefix), so the cached library is
# valid while the installed Boost headers keep their version.
build_program_options() {
    local pkg=boost1.81 lib=$DEPS/lib/libboost_program_options.a stamp=$WORK/program_options.stamp
    local version orig boost_src
    version=$(dpkg-query -W -f='${Version}' "lib${pkg}-dev" 2>/dev/null || echo unknown)
    if [[ -f $lib && -f $stamp && $(cat "$stamp") == "$version" ]]; then
        log "cached: $lib (headers $version)"
        return 0
    fi
    orig=$(ls "$WORK"/download/${pkg}_*.orig.tar.* 2>/dev/null | head -n1 || true)
    if [[ -z $orig ]]; then
        download_source "$pkg"
        orig=$(ls "$WORK"/download/${pkg}_*.orig.tar.* 2>/dev/null | head -n1 || true)
        [[ -n $orig ]] || die "download of $pkg failed"
    fi
    # Only libs/program_options/src (11 files) out of 528 MB; --wildcards is required.
    rm -rf "$WORK/src"
    mkdir -p "$WORK/src"
    log "extracting program_options sources from $(basename "$orig")"
    tar -xf "$orig" -C "$WORK/src" --wildcards '*/libs/program_options/src/*'
    boost_src=$(dirname "$(dirname "$(dirname "$(find "$WORK/src" -type d -path '*/libs/program_options/src' | head -n1)")")")
    [[ -d $boost_src/libs/program_options/src ]] || die "program_options sources not in $orig"

    cmake -S "$ROOT/cmake/windeps" -B "$WORK/program_options" \
        -DCMAKE_TOOLCHAIN_FILE="$ROOT/cmake/toolchain-mingw.cmake" \
        -DWINDEPS_PREFIX="$DEPS" -DCMAKE_INSTALL_PREFIX="$DEPS" \
        -DCMAKE_BUILD_TYPE=Release -DBOOST_SRC="$boost_src" >/dev/null
    cmake --build "$WORK/program_options" -j"${HICONN_JOBS:-2}"
    cmake --install "$WORK/program_options" >/dev/null
    [[ -f $lib ]] || die "$lib was not installed"
    echo "$version" >"$stamp"
    log "built $lib"
}

# --- 5. hiredis --------------------------------------------------------------------------
# Produces $DEPS/lib/libhiredis.a and $DEPS/include/hiredis/{hiredis,read,sds,alloc}.h from
# the source of the hiredis version that libhiredis-dev has on this machine (0.14.1-3 on
# bookworm), unpacked with dpkg-source so that Debian's patches (the CVE-2021-32765 fix in
# hiredis.c among them) are applied as in the Linux library. Only the socket-free part is
# compiled -- read.c, sds.c, alloc.c and hiredis.c without its redisContext half (net.c is
# BSD sockets only); cmake/windeps/hiredis/CMakeLists.txt says why and how. The stamp holds
# the source version and a hash of that CMake file, so a change to either rebuilds it.
build_hiredis() {
    local pkg=hiredis lib=$DEPS/lib/libhiredis.a stamp=$WORK/hiredis.stamp
    local recipe=$ROOT/cmake/windeps/hiredis/CMakeLists.txt version want dsc src
    version=$(dpkg-query -W -f='${source:Version}' libhiredis-dev 2>/dev/null) ||
        die "libhiredis-dev is not installed: apt-get install libhiredis-dev"
    want="$version $(sha256sum "$recipe" | cut -c1-16)"
    if [[ -f $lib && -f $DEPS/include/hiredis/hiredis.h && -f $stamp && $(cat "$stamp") == "$want" ]]; then
        log "cached: $lib (hiredis $version)"
        return 0
    fi
    command -v dpkg-source >/dev/null || die "dpkg-source missing: apt-get install dpkg-dev"
    dsc=$WORK/download/${pkg}_${version#*:}.dsc
    [[ -f $dsc ]] || download_source "$pkg=$version"
    [[ -f $dsc ]] || die "download of $pkg $version failed"
    src=$WORK/hiredis-src
    rm -rf "$src"
    log "unpacking $(basename "$dsc") with Debian's patches"
    # dpkg-source checks the tarballs against the .dsc (whose hash apt checked against the
    # signed index); it warns that it cannot check the .dsc signature without debian-keyring.
    # --no-copy: no copy of the orig tarball beside the unpacked tree.
    dpkg-source --no-copy -x "$dsc" "$src" >"$WORK/hiredis-unpack.log" 2>&1 ||
        { cat "$WORK/hiredis-unpack.log" >&2; die "dpkg-source -x $dsc failed"; }
    log "applied $(grep -c 'info: applying' "$WORK/hiredis-unpack.log" || true) Debian patches (log: $WORK/hiredis-unpack.log)"

    rm -rf "$DEPS/include/hiredis" "$lib"
    cmake -S "$ROOT/cmake/windeps/hiredis" -B "$WORK/hiredis" \
        -DCMAKE_TOOLCHAIN_FILE="$ROOT/cmake/toolchain-mingw.cmake" \
        -DWINDEPS_PREFIX="$DEPS" -DCMAKE_INSTALL_PREFIX="$DEPS" -DHIREDIS_SRC="$src" >/dev/null
    cmake --build "$WORK/hiredis" -j"${HICONN_JOBS:-2}"
    cmake --install "$WORK/hiredis" >/dev/null
    [[ -f $lib && -f $DEPS/include/hiredis/hiredis.h ]] || die "$lib or its headers were not installed"
    # Every hiredis symbol the archive references must be defined in it: a reference to a
    # left-out context/socket function would break the link of anything that pulls it in.
    local nm=x86_64-w64-mingw32-nm unresolved
    unresolved=$(comm -23 <("$nm" -u "$lib" | awk 'NF == 2 {print $2}' | sort -u) \
                          <("$nm" -g --defined-only "$lib" | awk 'NF == 3 {print $3}' | sort -u) |
                 grep -E '^(_*redis|sds|hi_|freeReplyObject)' || true)
    [[ -z $unresolved ]] || die "$lib references hiredis functions it lacks: $unresolved"
    echo "$want" >"$stamp"
    log "built $lib (hiredis $version)"
}

build_program_options
build_hiredis
