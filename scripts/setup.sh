#!/usr/bin/env bash
# Installs what hiconn needs from Debian/Ubuntu packages, only what is missing.
#   scripts/setup.sh           build + test dependencies
#   scripts/setup.sh --bench   also the benchmark peers (ngircd, InspIRCd, Asio examples)
# Needs root (or sudo) only when something is missing.
set -euo pipefail

BUILD_PACKAGES=(cmake g++ make pkg-config libboost1.81-dev libboost-program-options1.81-dev
                nlohmann-json3-dev catch2 libspdlog-dev libfmt-dev libsystemd-dev libhiredis-dev libssl-dev)
TEST_PACKAGES=(python3 python3-pytest python3-jsonschema python3-irc python3-prometheus-client
               tmux irssi iproute2 procps dpkg-dev file redis-server clang libfuzzer-14-dev openssl
               chromium haproxy weechat-headless)
BENCH_PACKAGES=(libboost1.81-doc ngircd inspircd gcc)
# Packages that come with a system service, which must not start on install: the tests start
# their own redis-server (and haproxy) on an ephemeral port and depend on no system one; a system ngircd or
# InspIRCd would hold port 6667. Debian's postinst starts them through invoke-rc.d /
# deb-systemd-invoke, and both obey /usr/sbin/policy-rc.d: these packages are installed
# with one that answers 101 ("action forbidden"), for that install only. Where the machine
# has its own policy-rc.d (Docker images forbid every start), it is left alone and the
# services are stopped after the install instead (a no-op where the policy forbids that too).
# Their units stay enabled as Debian installs them, so they do start at the next boot.
DAEMON_PACKAGES=(redis-server ngircd inspircd haproxy)

wanted=("${BUILD_PACKAGES[@]}")
case "${1:-}" in
    --build-only) ;;
    --bench) wanted+=("${TEST_PACKAGES[@]}" "${BENCH_PACKAGES[@]}") ;;
    *) wanted+=("${TEST_PACKAGES[@]}") ;;
esac
# The status-page test drives chromium with playwright-core (npm, below), which needs node
# 20 or newer: Debian's nodejs and npm where no node is installed (Debian 12's is 18: a
# newer one, e.g. NodeSource's, which brings its own npm, is left alone when present).
if [[ ${1:-} != --build-only ]] && ! command -v node >/dev/null; then
    wanted+=(nodejs npm)
fi

missing=()
for p in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    echo "setup: installing ${missing[*]}"
    SUDO=""
    [[ $(id -u) -eq 0 ]] || SUDO=sudo
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    daemons=()
    others=()
    for p in "${missing[@]}"; do
        if [[ " ${DAEMON_PACKAGES[*]} " == *" $p "* ]]; then daemons+=("$p"); else others+=("$p"); fi
    done
    install=($SUDO apt-get install -y -qq --no-install-recommends)
    ((${#others[@]} == 0)) || "${install[@]}" "${others[@]}" >/dev/null
    if ((${#daemons[@]})); then
        POLICY=/usr/sbin/policy-rc.d
        if [[ -e $POLICY ]]; then
            "${install[@]}" "${daemons[@]}" >/dev/null
            for p in "${daemons[@]}"; do $SUDO invoke-rc.d "$p" stop >/dev/null 2>&1 || true; done
        else
            trap '$SUDO rm -f "$POLICY"' EXIT
            printf '#!/bin/sh\n# scripts/setup.sh (hiconn): no service starts during its install\nexit 101\n' |
                $SUDO tee "$POLICY" >/dev/null
            $SUDO chmod 755 "$POLICY"
            "${install[@]}" "${daemons[@]}" >/dev/null
            $SUDO rm -f "$POLICY"
            trap - EXIT
        fi
    fi
fi

# playwright-core for the status-page test (tests/integration/test_status_page.py), pinned by
# tests/integration/browser/package-lock.json, into a cache directory outside the tree; a
# no-op when it is there. Without the network this fails: the other tests still run, and
# that one fails saying why.
if [[ ${1:-} != --build-only ]]; then
    "$(dirname "${BASH_SOURCE[0]}")/install-playwright.sh" --quiet ||
        echo "setup: warning: playwright-core not installed; test_status_page will fail until it is" >&2
    node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
    ((node_major >= 20)) ||
        echo "setup: warning: node $node_major is older than 20, which playwright-core needs; test_status_page will fail" >&2
fi
