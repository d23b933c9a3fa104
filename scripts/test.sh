#!/usr/bin/env bash
# Sets up and runs every test:
#   1. Release build: unit tests (Catch2) + integration tests (pytest against the real binary)
#   2. AddressSanitizer + UBSan build (clang, the `fuzz` preset's tree): the whole suite once more
#   3. libFuzzer: every fuzz target for FUZZ_SECONDS (default 15) each (scripts/fuzz.sh), linked
#      from the libraries step 2 built
#   4. ThreadSanitizer build: the unit tests that start threads, the chat and the federation
#      integration tests
#   5. Windows: cross-build with mingw-w64 and run under Wine (scripts/test-windows.sh)
# Options: --quick (step 1 only), --no-windows; FUZZ_SECONDS=N sets step 3's time per target.
# Exits non-zero on the first failing step.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JOBS=$(nproc)
QUICK=0
WINDOWS=1
for a in "$@"; do
    case $a in
        --quick) QUICK=1 ;;
        --no-windows) WINDOWS=0 ;;
        *) echo "usage: scripts/test.sh [--quick] [--no-windows]" >&2; exit 2 ;;
    esac
done

"$ROOT/scripts/setup.sh"

PASSED=0
FAILED=0
step() { printf '\n==== %s (%ds)\n' "$*" "$SECONDS"; }

# build DIR TYPE [cmake args...]; $TARGETS (space separated) limits what is built.
# Every option is named on each configure (later -D win), so a cache left by another
# script can never switch the tests off.
build() {
    local dir=$1 type=$2
    shift 2
    cmake -S "$ROOT" -B "$ROOT/build/$dir" -DCMAKE_BUILD_TYPE="$type" \
        -DHICONN_BUILD_TESTS=ON -DHICONN_SANITIZE= "$@" >/dev/null
    local targets=()
    for t in ${TARGETS:-}; do targets+=(--target "$t"); done
    cmake --build "$ROOT/build/$dir" -j"$JOBS" "${targets[@]}"
}

# run_ctest DIR [ctest args...]: runs, counts, fails the script on failures and on a run
# of zero tests (a step that tests nothing must not pass).
run_ctest() {
    local dir=$1 log
    shift
    log=$(mktemp)
    local rc=0 ran=0
    (cd "$ROOT/build/$dir" && ctest --output-on-failure --no-tests=error -j"$JOBS" "$@") 2>&1 | tee "$log" || rc=$?
    local line
    line=$(grep -E '[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -n 1 || true)
    if [[ $line =~ ([0-9]+)\ tests?\ failed\ out\ of\ ([0-9]+) ]]; then
        FAILED=$((FAILED + BASH_REMATCH[1]))
        PASSED=$((PASSED + BASH_REMATCH[2] - BASH_REMATCH[1]))
        ran=${BASH_REMATCH[2]}
    fi
    rm -f "$log"
    if ((ran == 0)); then
        printf '\ntest.sh: %s ran no tests (was it configured with HICONN_BUILD_TESTS=OFF?)\n%d passed, %d failed\n' \
            "$dir" "$PASSED" "$((FAILED + 1))"
        exit 1
    fi
    if ((rc != 0)); then
        printf '\ntest.sh: %s failed\n%d passed, %d failed\n' "$dir" "$PASSED" "$((FAILED > 0 ? FAILED : 1))"
        exit 1
    fi
}

step "Release build and tests"
build release Release
run_ctest release

if ((!QUICK)); then
    step "AddressSanitizer + UBSan build and tests"
    # One sanitizer tree for the suite and the fuzz targets: the `fuzz` preset (clang -O1 -g1,
    # ASan + UBSan, libFuzzer's coverage counters on every library), so the libraries are
    # compiled once for steps 2 and 3 -- a separate gcc ASan tree cost a whole second build
    # (about 5 minutes on 2 cores). The coverage counters are idle outside a fuzz target.
    cmake --preset fuzz -DHICONN_FUZZ=ON -DHICONN_BUILD_TESTS=ON -DHICONN_SANITIZE= >/dev/null
    cmake --build "$ROOT/build/fuzz" -j"$JOBS"
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        run_ctest fuzz

    step "libFuzzer targets, ${FUZZ_SECONDS:-15} s each"
    if ! "$ROOT/scripts/fuzz.sh" "${FUZZ_SECONDS:-15}"; then
        printf '\ntest.sh: fuzzing failed\n%d passed, %d failed\n' "$PASSED" "$((FAILED + 1))"
        exit 1
    fi
    PASSED=$((PASSED + 1))

    # test_chat_load (5,000 clients: a 12.5-million-line join storm) is left out here: under
    # TSan it alone could take most of CI's time; it runs in the Release and ASan steps.
    # Its unit tests are the ones that start threads (hiconn_thread_tests, tests/CMakeLists.txt).
    step "ThreadSanitizer build: threaded unit tests, chat and federation integration tests"
    TARGETS="hiconn hiconn_thread_tests" build tsan Debug -DHICONN_SANITIZE=thread "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g1" \
        -DCMAKE_UNITY_BUILD=ON
    TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 run_ctest tsan -R '^(unit_threads|test_chat_protocol|test_chat_clients|test_federation.*)$'

    if ((WINDOWS)); then
        step "Windows cross build and tests under Wine"
        "$ROOT/scripts/test-windows.sh"
        PASSED=$((PASSED + 1))
    fi
fi

printf '\ntest.sh: all steps passed in %ds\n%d passed, %d failed\n' "$SECONDS" "$PASSED" "$FAILED"
