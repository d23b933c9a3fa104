#!/usr/bin/env bash
# Builds the libFuzzer targets (the "fuzz" preset: clang, ASan + UBSan, build/fuzz) and runs
# each for SECONDS (default 60) from its committed seeds (tests/fuzz/corpus/NAME, copied into
# build/fuzz/corpus/NAME, which keeps what the runs add; tests/fuzz/NAME.dict, when present, is
# its dictionary). Prints per target the executions
# per second and the final cov:/ft: figures; fails on any crash, leak, timeout or OOM (the
# input is kept in build/fuzz/artifacts/NAME/).
#   scripts/fuzz.sh [SECONDS]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SECS=${1:-60}
[[ $SECS =~ ^[0-9]+$ ]] || { echo "usage: scripts/fuzz.sh [SECONDS]" >&2; exit 2; }
JOBS=$(nproc)

"$ROOT/scripts/setup.sh"

cd "$ROOT"
# Every option named on each configure (as test.sh does), so an old cache cannot change them.
# Tests on: the tree is also test.sh's ASan tree (the build preset still builds only the
# fuzz targets here).
cmake --preset fuzz -DHICONN_FUZZ=ON -DHICONN_BUILD_TESTS=ON -DHICONN_SANITIZE= >/dev/null
cmake --build --preset fuzz -j"$JOBS"

# name max_len: the largest input worth trying (past each parser's limits).
TARGETS=("irc_line 4096" "config 4096" "admin_http 20000" "federation_event 8192" "proxy_header 1024"
         "credentials 4096" "websocket_frame 4096" "websocket_upgrade 10000")
OUT=$ROOT/build/fuzz
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
# fuzz_one NAME MAX_LEN: one target for SECS; writes its summary line to $OUT/fuzz_NAME.summary.
fuzz_one() {
    local name=$1 max_len=$2
    local corpus=$OUT/corpus/$name artifacts=$OUT/artifacts/$name log=$OUT/fuzz_$name.log
    mkdir -p "$corpus" "$artifacts"
    cp "$ROOT/tests/fuzz/corpus/$name/"* "$corpus/"
    local dict=()
    [[ ! -f $ROOT/tests/fuzz/$name.dict ]] || dict=(-dict="$ROOT/tests/fuzz/$name.dict")
    local rc=0
    "$OUT/tests/fuzz/fuzz_$name" -max_total_time="$SECS" -max_len="$max_len" -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts/" "${dict[@]}" \
        "$corpus" >"$log" 2>&1 || rc=$?
    # The last status line ("#N DONE cov: C ft: F corp: ... exec/s: E ...").
    local last cov ft execs rate line
    last=$(grep -E '^#[0-9]+' "$log" | tail -n 1 || true)
    cov=$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$last")
    ft=$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$last")
    execs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+)/\1/p' "$log")
    rate=$(sed -nE 's/^stat::average_exec_per_sec: *([0-9]+)/\1/p' "$log")
    line=$(printf 'fuzz_%-17s %7s exec/s  cov: %-6s ft: %-7s runs: %s' "$name" "${rate:-?}" "${cov:-?}" "${ft:-?}" "${execs:-?}")
    if ((rc != 0)); then
        line+="  FAILED (exit $rc; log $log)"
        grep -E 'ERROR: |SUMMARY: |Test unit written|runtime error' "$log" | head -n 20 || true
    fi
    printf '%s\n' "$line" >"$OUT/fuzz_$name.summary"
}

# One target per core at a time: each is single-threaded, so each still gets SECS of a core.
printf '\n==== %d fuzz targets, %d s each, %d at a time\n' "${#TARGETS[@]}" "$SECS" "$JOBS"
for entry in "${TARGETS[@]}"; do
    read -r name max_len <<<"$entry"
    rm -f "$OUT/fuzz_$name.summary"
    while (($(jobs -rp | wc -l) >= JOBS)); do wait -n || true; done
    fuzz_one "$name" "$max_len" &
done
wait
failed=0
summary=()
for entry in "${TARGETS[@]}"; do
    read -r name _ <<<"$entry"
    line=$(cat "$OUT/fuzz_$name.summary" 2>/dev/null || echo "fuzz_$name  FAILED (no result)")
    [[ $line != *FAILED* ]] || failed=$((failed + 1))
    summary+=("$line")
done

printf '\nfuzz.sh: %d s per target\n' "$SECS"
printf '%s\n' "${summary[@]}"
if ((failed)); then
    printf 'fuzz.sh: %d target(s) failed\n' "$failed"
    exit 1
fi
