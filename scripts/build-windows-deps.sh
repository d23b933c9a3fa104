#!/usr/bin/env bash
# Builds the mingw-w64 dependency prefix for the Windows cross build (idempotent, cached):
#   prefix/include/{boost,nlohmann,catch2,spdlog,fmt}  links to Debian's headers
#   prefix/share/cmake/nlohmann_json                   copied package files
#   prefix/lib/cmake/Catch2                            copied, minus the Linux lib
#   prefix/lib/libboost_program_options.a              cross-built here
#   prefix/lib/libhiredis.a, include/hiredis/          cross-built here (reader, formatter)
#   prefix/lib/lib{ssl,crypto}.a, include/openssl/     cross-built here (OpenSSL 3)
# The cache lives outside the source tree, in $HICONN_WINDEPS_DIR (default
# ~/.cache/hiconn/windows-deps), so that a fresh clone -- every CI run -- reuses the libraries a
# previous run built (OpenSSL alone takes about 8 minutes on 2 cores); build/windows-deps is a
# link to it, the path the toolchain file and the `windows` preset use. A lock serialises two
# trees building at once.
# Boost.Program_options is compiled from Debian's boost1.81 source package, hiredis from
# Debian's hiredis package and OpenSSL from Debian's openssl package (the version of the
# installed libssl-dev), all fetched with `apt-get source --download-only` (deb-src entries
# are added when missing). Everything lives in the cache and is reused by the
# next run, from any clone; each library is rebuilt only when its stamp no longer matches.
# Needs root for apt (CI runs as root); perl and make for OpenSSL's Configure and Makefile.
# Usage: scripts/build-windows-deps.sh            (HICONN_JOBS=N parallel jobs, default 2)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=${HICONN_WINDEPS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/hiconn/windows-deps}
DEPS=$WORK/prefix
log() { printf 'build-windows-deps: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# build/windows-deps -> the cache. A directory left there by an older version of this script
# is replaced (its libraries are rebuilt once, in the cache).
mkdir -p "$WORK" "$ROOT/build"
WORK=$(cd "$WORK" && pwd -P)
LINK=$ROOT/build/windows-deps
if [[ $(cd "$LINK" 2>/dev/null && pwd -P) != "$WORK" ]]; then
    if [[ -d $LINK && ! -L $LINK ]]; then
        log "replacing the directory $LINK by a link to the cache $WORK"
        rm -rf "$LINK"
    fi
    ln -sfn "$WORK" "$LINK"
fi
exec 9>"$WORK/.lock"
flock 9 || die "cannot lock $WORK/.lock"
log "cache: $WORK (build/windows-deps links to it)"

command -v x86_64-w64-mingw32-g++-posix >/dev/null ||
    die "x86_64-w64-mingw32-g++-posix missing: apt-get install g++-mingw-w64-x86-64-posix"
# OpenSSL's Configure calls the C compiler by --cross-compile-prefix + gcc: the alternatives
# link that the posix package sets up (the thread model does not matter for its C code).
for t in x86_64-w64-mingw32-gcc x86_64-w64-mingw32-ar x86_64-w64-mingw32-ranlib perl make; do
    command -v "$t" >/dev/null || die "$t missing: apt-get install g++-mingw-w64-x86-64-posix perl make"
done
dpkg-query -W -f='${Status}' libssl-dev 2>/dev/null | grep -q 'ok installed' ||
    die "libssl-dev is not installed (its version picks the OpenSSL source): apt-get install libssl-dev"
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
        apt-get update -qq >&2  # stdout: fetch_openssl_source prints its result there
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

    rm -rf "$WORK/program_options"  # a cache made by another clone names other source paths
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
    rm -rf "$WORK/hiredis"
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

# --- 6. OpenSSL ---------------------------------------------------------------------------
# Produces $DEPS/lib/libssl.a, $DEPS/lib/libcrypto.a and $DEPS/include/openssl/*.h from the
# source of the OpenSSL version that libssl-dev has on this machine, unpacked with
# dpkg-source so that Debian's patches (its security fixes) are applied as in the Linux
# library, and built with OpenSSL's own Configure for the mingw64 target.
#
# Options. Kept: everything a TLS server and client use -- TLS 1.2 and 1.3, RSA, ECDHE and
# ECDSA over the prime curves and X25519/X448, FFDHE, AES-GCM/CCM/CBC, ChaCha20-Poly1305,
# SHA-1/2/3, X509 verification and CRLs, OCSP, CT, PSK and session tickets, PKCS#8/#12 with
# AES and 3DES, the deprecated APIs (the Linux headers have them), and the asm (AES-NI,
# SHA-NI, bignum, nistz256: the speed). Left out, to compile less (about a third of
# libcrypto's sources) and so that the .exe loads nothing from disk:
#   no-shared no-tests         static libraries only; no test programs
#   no-engine no-dso           no ENGINE API (deprecated in 3.0) and no DLL loading: no
#                              engine or provider module can be loaded, only the built-in
#                              default/base providers exist (a static .exe cannot use the
#                              FIPS module anyway)
#   no-legacy                  the legacy provider (MD4, RC4, Blowfish, single DES, ... via EVP)
#   no-autoload-config         no implicit openssl.cnf: hiconn.exe's TLS setup is what it
#                              configures, whatever another OpenSSL installed on the machine
#                              put there (OPENSSL_init_ssl(OPENSSL_INIT_LOAD_CONFIG) or
#                              CONF_modules_load_file still load one explicitly)
#   no-ui-console              no interactive password prompt on the console (a service has
#                              none); password callbacks (SSL_CTX_set_default_passwd_cb) work
#   no-cms no-cmp no-ts no-srp S/MIME, the certificate management protocol, time stamping and
#                              TLS-SRP: not TLS
#   no-dtls no-ec2m            DTLS (hiconn is TCP only); binary-field curves (no TLS peer
#                              offers them, and the default group list has none)
#   no-idea no-mdc2 no-rc5 no-ssl3 no-ssl3-method   as Debian's own build (debian/rules)
#   no-aria no-bf no-camellia no-cast no-md4 no-rc2 no-rc4 no-seed no-sm2 no-sm3 no-sm4
#   no-whirlpool               ciphers and hashes that no TLS 1.3 suite and no default
#                              TLS 1.2 suite of a current client uses
# -O2 as Debian builds (OpenSSL's mingw default is -O3: slower to compile, no gain that
# matters against the asm). -DOPENSSL_TLS_SECURITY_LEVEL=2 is Debian's compiled-in default
# (its 20-debian.conf), so both builds refuse the same weak keys and signatures by default.
# OpenSSL 3.0 has no `no-docs` option (3.2 added it); `make` of the two libraries builds no
# documentation anyway.
# The directories compiled in: Configure resolves --openssldir on the build host, so a
# Windows path cannot be given there; the make variables are set instead, to the defaults of
# OpenSSL's own Windows builds (admin-only folders under C:\Program Files). Left at their
# Unix defaults they would point below $DEPS, i.e. C:\work\...\ssl on the Windows machine, a
# folder any local user can create: a planted cert.pem would become the trust store of
# SSL_CTX_set_default_verify_paths. Note: OpenSSL does not read the Windows certificate store.
# The stamp's first line, the cache key, is libssl-dev's installed version and a hash of
# these options and make variables: a new libssl-dev or an option change rebuilds. Its second
# line is the source version built from it. A cache hit makes no apt call.
OPENSSL_CONFIGURE=(mingw64 --cross-compile-prefix=x86_64-w64-mingw32- --libdir=lib
    no-shared no-tests no-engine no-dso no-legacy no-autoload-config no-ui-console
    no-cms no-cmp no-ts no-srp no-dtls no-ec2m
    no-idea no-mdc2 no-rc5 no-ssl3 no-ssl3-method
    no-aria no-bf no-camellia no-cast no-md4 no-rc2 no-rc4 no-seed no-sm2 no-sm3 no-sm4 no-whirlpool
    -O2 -DOPENSSL_TLS_SECURITY_LEVEL=2)
OPENSSL_MAKEVARS=("OPENSSLDIR=C:/Program Files/Common Files/SSL"
    "ENGINESDIR=C:/Program Files/OpenSSL/lib/engines-3"
    "MODULESDIR=C:/Program Files/OpenSSL/lib/ossl-modules")

# The openssl source to build: libssl-dev's own version when apt can still fetch it, else the
# newest version at least as new in the same series (3.0.x) that it can fetch. Security
# updates replace versions in the archive: a machine image's libssl-dev can be one that no
# configured suite offers any more (3.0.19 on this project's image, while bookworm has
# 3.0.20 and bookworm-security 3.0.22), and a mirror can lack a version's .dsc. Prints the
# version; the .dsc is then in $WORK/download.
fetch_openssl_source() {
    local installed=$1 series candidates=() v
    series=$(sed -E 's/^([0-9]+:)?([0-9]+\.[0-9]+)\..*/\2/' <<<"$installed")
    try_fetch() { # VERSION: downloads it; success when its .dsc arrived
        local dsc=$WORK/download/openssl_${1#*:}.dsc
        [[ -f $dsc ]] && return 0
        ensure_deb_src "openssl=$1" || return 1
        mkdir -p "$WORK/download"
        log "apt-get source --download-only openssl=$1"
        (cd "$WORK/download" && apt-get source -qq --download-only "openssl=$1" 2>&1 |
            grep -v 'Download is performed unsandboxed' >&2 || true)
        [[ -f $dsc ]] && return 0
        local up=${1#*:}; up=${up%-*}
        rm -f "$WORK/download/openssl_${up}.orig.tar."* "$WORK/download/openssl_${1#*:}."*
        return 1
    }
    if try_fetch "$installed"; then echo "$installed"; return 0; fi
    ensure_deb_src openssl >/dev/null 2>&1 || true
    # Newest first: apt-cache lists the Sources' versions; dpkg orders them.
    while read -r v; do
        [[ $v == "$installed" ]] && continue
        dpkg --compare-versions "$v" gt "$installed" || continue
        [[ $(sed -E 's/^([0-9]+:)?([0-9]+\.[0-9]+)\..*/\2/' <<<"$v") == "$series" ]] || continue
        candidates+=("$v")
    done < <(apt-cache showsrc openssl 2>/dev/null | sed -n 's/^Version: //p' | sort -u)
    while ((${#candidates[@]})); do
        local best=0 i
        for i in "${!candidates[@]}"; do
            dpkg --compare-versions "${candidates[i]}" gt "${candidates[best]}" && best=$i
        done
        v=${candidates[best]}
        unset 'candidates[best]'; candidates=("${candidates[@]}")
        if try_fetch "$v"; then
            log "warning: apt cannot fetch the source of the installed libssl-dev $installed (no longer in the archive?); building openssl $v, the newest $series.x it can fetch, instead"
            echo "$v"; return 0
        fi
    done
    die "no source of openssl $installed (libssl-dev's version) or a newer $series.x can be fetched with apt-get source"
}

build_openssl() {
    local lib=$DEPS/lib stamp=$WORK/openssl.stamp installed key version dsc src
    installed=$(dpkg-query -W -f='${source:Version}' libssl-dev 2>/dev/null) ||
        die "libssl-dev is not installed: apt-get install libssl-dev"
    key="libssl-dev $installed options $(printf '%s\n' "${OPENSSL_CONFIGURE[@]}" "${OPENSSL_MAKEVARS[@]}" | sha256sum | cut -c1-16)"
    if [[ -f $lib/libssl.a && -f $lib/libcrypto.a && -f $DEPS/include/openssl/ssl.h &&
          -f $stamp && $(head -n1 "$stamp") == "$key" ]]; then
        log "cached: $lib/libssl.a, libcrypto.a ($(sed -n 2p "$stamp"))"
        return 0
    fi
    command -v dpkg-source >/dev/null || die "dpkg-source missing: apt-get install dpkg-dev"
    version=$(fetch_openssl_source "$installed")
    dsc=$WORK/download/openssl_${version#*:}.dsc
    src=$WORK/openssl-src
    rm -rf "$src"
    log "unpacking $(basename "$dsc") with Debian's patches"
    dpkg-source --no-copy -x "$dsc" "$src" >"$WORK/openssl-unpack.log" 2>&1 ||
        { cat "$WORK/openssl-unpack.log" >&2; die "dpkg-source -x $dsc failed"; }
    log "applied $(grep -c 'info: applying' "$WORK/openssl-unpack.log" || true) Debian patches (log: $WORK/openssl-unpack.log)"

    rm -rf "$DEPS/include/openssl" "$lib/libssl.a" "$lib/libcrypto.a"
    log "configuring openssl $version for mingw64 (log: $WORK/openssl-build.log)"
    (cd "$src" && ./Configure "${OPENSSL_CONFIGURE[@]}") >"$WORK/openssl-build.log" 2>&1 ||
        { tail -n 30 "$WORK/openssl-build.log" >&2; die "openssl Configure failed"; }
    # Only the two libraries: build_libs would also compile apps/libapps.a (the openssl
    # command's helpers) and rewrite the Makefile's dependencies (`make depend`), which a
    # one-shot build does not need. build_generated first makes the generated headers.
    log "building libcrypto.a and libssl.a (-j${HICONN_JOBS:-2})"
    make -C "$src" -j"${HICONN_JOBS:-2}" "${OPENSSL_MAKEVARS[@]}" build_generated >>"$WORK/openssl-build.log" 2>&1 &&
    make -C "$src" -j"${HICONN_JOBS:-2}" "${OPENSSL_MAKEVARS[@]}" libcrypto.a libssl.a >>"$WORK/openssl-build.log" 2>&1 ||
        { grep -E -B2 -A8 'error|Error' "$WORK/openssl-build.log" | tail -n 40 >&2; die "openssl build failed"; }
    # What `make install_dev` would install, minus the pkg-config files (FindOpenSSL does
    # not use them on Windows). The generated headers (opensslv.h, configuration.h, ...) are
    # in the same include/openssl of the in-source build.
    mkdir -p "$DEPS/include/openssl" "$lib"
    cp "$src"/include/openssl/*.h "$DEPS/include/openssl/"
    cp "$src/libcrypto.a" "$src/libssl.a" "$lib/"
    [[ -f $DEPS/include/openssl/opensslv.h && -f $DEPS/include/openssl/configuration.h ]] ||
        die "generated OpenSSL headers missing in $DEPS/include/openssl"
    printf '%s\nopenssl %s\n' "$key" "$version" >"$stamp"
    log "built $lib/libssl.a ($(du -h "$lib/libssl.a" | cut -f1)), $lib/libcrypto.a ($(du -h "$lib/libcrypto.a" | cut -f1)) from openssl $version"
}

build_program_options
build_hiredis
build_openssl
