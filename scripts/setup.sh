#!/usr/bin/env bash
# Installs what hiconn needs from Debian/Ubuntu packages, only what is missing.
#   scripts/setup.sh           build + test dependencies
#   scripts/setup.sh --bench   also the benchmark peers (ngircd, InspIRCd, Asio examples)
# Needs root (or sudo) only when something is missing.
set -euo pipefail

BUILD_PACKAGES=(cmake g++ make pkg-config libboost1.81-dev libboost-program-options1.81-dev
                nlohmann-json3-dev catch2 libspdlog-dev libfmt-dev libsystemd-dev)
TEST_PACKAGES=(python3 python3-pytest python3-jsonschema python3-irc python3-prometheus-client
               tmux irssi iproute2 procps dpkg-dev file)
BENCH_PACKAGES=(libboost1.81-doc ngircd inspircd gcc)

wanted=("${BUILD_PACKAGES[@]}")
case "${1:-}" in
    --build-only) ;;
    --bench) wanted+=("${TEST_PACKAGES[@]}" "${BENCH_PACKAGES[@]}") ;;
    *) wanted+=("${TEST_PACKAGES[@]}") ;;
esac

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
    # Daemons packaged with a service (ngircd, inspircd) must not start on install.
    $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
