#!/usr/bin/env bash
# Echo benchmark: hiconn, Boost.Asio's own async_tcp_echo_server example and a minimal C
# epoll server (bench/epoll_echo.c), side by side in one run, all driven by hiconn-load:
#   echo 64 B depth 1 at 100 and at 5,000 connections, echo 16 KiB at 100 connections,
#   15,000 connections opened in a burst and held idle (connects/s, refused, RSS growth).
# Each case starts a fresh server on a free loopback port, samples it with
# hiconn-load --server-pid, and stops it (by PID). Prints one table and the hiconn/peer ratios.
#
# The comparison is made at equal I/O threads: the peers are single-threaded, so "hiconn"
# runs with --threads 1. hiconn also runs with its default (threads 0 = one per core) as the
# extra column "hiconn-auto", for reference only: on this machine's 2 cores, shared with
# hiconn-load, a second server thread competes with the load tool for the same cores (and on
# a busy machine takes a bigger share of them from other processes, which shows as
# messages/s); it adds to the CPU per message (hand-offs between threads, more wake-ups with
# fewer events each) and says nothing about hiconn against a single-threaded server. No ratio
# is computed for it.
#
# Environment: HICONN_BIN / HICONN_LOAD_BIN (skip the build), BENCH_DURATION (s, default 6),
# BENCH_SERVER_THREADS (the I/O threads of the compared "hiconn", default 1 = the peers': every
# server gets one core and hiconn-load the other), BENCH_SERVERS (default
# "hiconn hiconn-auto epoll asio"), BENCH_OUT (folder for the raw RESULT lines, default a temp dir).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DURATION=${BENCH_DURATION:-6}
SERVER_THREADS=${BENCH_SERVER_THREADS:-1}
WORK=$(mktemp -d /tmp/hiconn-bench-echo.XXXXXX)
OUT=${BENCH_OUT:-$WORK/results}
mkdir -p "$OUT"
ASIO_SRC=/usr/share/doc/libboost1.81-doc/examples/libs/asio/example/cpp11/echo/async_tcp_echo_server.cpp
SERVER_PID=""

log() { echo "bench-echo: $*" >&2; }

stop_server() {
    [ -n "$SERVER_PID" ] || return 0
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
}
cleanup() { stop_server; [ -n "${BENCH_KEEP:-}" ] || rm -rf "$WORK/bin"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- build -------------------------------------------------------------------------------
mkdir -p "$WORK/bin"
log "building bench/epoll_echo.c and the Asio example in $WORK/bin"
cc -O2 -o "$WORK/bin/epoll_echo" "$ROOT/bench/epoll_echo.c"
if [ ! -f "$ASIO_SRC" ]; then
    log "missing $ASIO_SRC: apt-get install libboost1.81-doc"; exit 1
fi
g++ -O2 -std=c++17 -pthread -o "$WORK/bin/asio_echo" "$ASIO_SRC"
if [ -z "${HICONN_BIN:-}" ] || [ -z "${HICONN_LOAD_BIN:-}" ]; then
    BUILD="$ROOT/build/bench"
    log "building hiconn Release in $BUILD"
    cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DHICONN_BUILD_TESTS=OFF -DHICONN_SANITIZE= >/dev/null
    timeout 1800 cmake --build "$BUILD" --target hiconn hiconn-load -j2 >/dev/null
    HICONN_BIN=$BUILD/src/hiconn
    HICONN_LOAD_BIN=$BUILD/src/hiconn-load
fi

# --- servers -----------------------------------------------------------------------------
# A port no socket holds on any address: the Asio example listens on 0.0.0.0, and the previous
# case's client connections (from 127.0.0.x) still hold ephemeral ports.
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("0.0.0.0",0)); print(s.getsockname()[1])'; }

wait_listening() {  # port: up to 10 s
    for _ in $(seq 100); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    log "server on port $1 did not start"; return 1
}

# start_server NAME CONFIG -> SERVER_PID, PORT
start_server() {
    PORT=$(free_port)
    case $1 in
        epoll) "$WORK/bin/epoll_echo" "$PORT" 4096 >"$WORK/$1.log" 2>&1 & ;;
        asio)  "$WORK/bin/asio_echo" "$PORT" >"$WORK/$1.log" 2>&1 & ;;
        hiconn) "$HICONN_BIN" run --config "$ROOT/config/$2" --listen "127.0.0.1:$PORT" \
                    --threads "$SERVER_THREADS" --set limits.max_connections=19500 \
                    --set stats.interval_s=0 --log-level warn >"$WORK/$1.log" 2>&1 & ;;
        # no --threads: the config's own "threads" 0 = one I/O thread per core
        hiconn-auto) "$HICONN_BIN" run --config "$ROOT/config/$2" --listen "127.0.0.1:$PORT" \
                    --set limits.max_connections=19500 \
                    --set stats.interval_s=0 --log-level warn >"$WORK/$1.log" 2>&1 & ;;
    esac
    SERVER_PID=$!
    wait_listening "$PORT"
}

# run_case CASE SERVER CONFIG hiconn-load-args...: one RESULT line into $OUT/CASE.SERVER
run_case() {
    local case=$1 server=$2 config=$3; shift 3
    start_server "$server" "$config"
    log "$case / $server (pid $SERVER_PID, port $PORT): hiconn-load $*"
    # A source address per server: the previous server's connections linger in TIME_WAIT on
    # their (source, port) pairs; each server gets a fresh port range.
    local source
    case $server in
        hiconn) source=127.0.0.2 ;; epoll) source=127.0.0.3 ;; hiconn-auto) source=127.0.0.5 ;; *) source=127.0.0.4 ;;
    esac
    timeout 120 "$HICONN_LOAD_BIN" "$@" --port "$PORT" --server-pid "$SERVER_PID" --no-progress \
        --sources "$source" \
        >"$OUT/$case.$server" 2>"$OUT/$case.$server.err" || true
    grep -q '^RESULT' "$OUT/$case.$server" || log "$case / $server: no RESULT ($(tail -1 "$OUT/$case.$server.err"))"
    stop_server
}

SERVERS=${BENCH_SERVERS:-"hiconn hiconn-auto epoll asio"}
for s in $SERVERS; do
    run_case echo64_100 "$s" echo-throughput.json echo -c 100 --size 64 --depth 1 -d "$DURATION" --drain 5
done
for s in $SERVERS; do
    run_case echo64_5000 "$s" echo-throughput.json echo -c 5000 --size 64 --depth 1 -d "$DURATION" --drain 5
done
for s in $SERVERS; do
    run_case echo16k_100 "$s" echo-throughput.json echo -c 100 --size 16384 --depth 1 -d "$DURATION" --drain 5
done
# 15,000 connections opened as fast as 2,048 attempts in flight allow, then held idle:
# the burst gives connects/s and refusals, the hold the server's RSS per connection.
for s in $SERVERS; do
    run_case hold15000 "$s" echo.json connect -c 15000 --concurrency 2048 --hold 5 --connect-timeout 10
done

# --- report ------------------------------------------------------------------------------
/usr/bin/python3 - "$OUT" "$SERVER_THREADS" "$(nproc)" $SERVERS <<'EOF'
import json, os, sys
out, threads, cores, servers = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
def load(case, server):
    try:
        for line in open(os.path.join(out, f"{case}.{server}")):
            if line.startswith("RESULT "):
                return json.loads(line[7:])
    except OSError:
        pass
    return None
rows = [  # (case, figure, key, format)
    ("echo64_100", "echo 64 B x100: messages/s", "msgs_per_s", "{:,.0f}"),
    ("echo64_100", "echo 64 B x100: server CPU us/message", "server_cpu_us_per_msg", "{:.2f}"),
    ("echo64_100", "echo 64 B x100: latency p99 us", ("latency_us", "p99"), "{:,.0f}"),
    ("echo64_5000", "echo 64 B x5000: messages/s", "msgs_per_s", "{:,.0f}"),
    ("echo64_5000", "echo 64 B x5000: server CPU us/message", "server_cpu_us_per_msg", "{:.2f}"),
    ("echo64_5000", "echo 64 B x5000: server RSS bytes/conn", "server_rss_per_conn", "{:,.0f}"),
    ("echo16k_100", "echo 16 KiB x100: messages/s", "msgs_per_s", "{:,.0f}"),
    ("echo16k_100", "echo 16 KiB x100: server CPU us/message", "server_cpu_us_per_msg", "{:.2f}"),
    ("echo16k_100", "echo 16 KiB x100: latency p99 us", ("latency_us", "p99"), "{:,.0f}"),
    ("hold15000", "15,000 held: connected", "connected", "{:,.0f}"),
    ("hold15000", "15,000 burst: failed (refused/timeout)", "failed", "{:,.0f}"),
    ("hold15000", "15,000 burst: connects/s", "connects_per_s", "{:,.0f}"),
    ("hold15000", "15,000 held: server RSS bytes/conn", "server_rss_per_conn", "{:,.0f}"),
]
def value(r, key):
    if r is None: return None
    if isinstance(key, tuple):
        r = r.get(key[0]) or {}
        key = key[1]
    return r.get(key)
w = 42
peers = [s for s in servers if s not in ("hiconn", "hiconn-auto")]
print(f"{'figure':<{w}}" + "".join(f"{s:>14}" for s in servers)
      + "".join(f"{'hiconn/' + s:>14}" for s in peers))
for case, label, key, fmt in rows:
    vals = [value(load(case, s), key) for s in servers]
    line = f"{label:<{w}}" + "".join(f"{(fmt.format(v) if v is not None else 'n/a'):>14}" for v in vals)
    h = vals[servers.index("hiconn")] if "hiconn" in servers else None
    for s, v in zip(servers, vals):
        if s not in peers: continue
        line += f"{(f'{h / v:.2f}' if h is not None and v else 'n/a'):>14}"
    print(line)
print()
print(f"hiconn      = hiconn --threads {threads}; the peers are single-threaded. The ratios are this column's.")
if "hiconn-auto" in servers:
    print(f"hiconn-auto = hiconn with its default threads 0 = one I/O thread per core ({cores} here). Reference only:")
    print("              a second server thread competes with hiconn-load for the shared cores (on a busy machine")
    print("              it also takes a bigger share of them: messages/s), adds hand-offs and wake-ups to the CPU")
    print("              per message, and says nothing about hiconn vs the single-threaded peers.")
print()
for case in ("echo64_100", "echo64_5000", "echo16k_100", "hold15000"):
    for s in servers:
        r = load(case, s)
        if r is None:
            print(f"{case} {s}: no result"); continue
        notes = []
        if not r.get("ok", False): notes.append("NOT OK")
        for k in ("mismatched_bytes", "unanswered", "closed_by_server", "failed", "dropped", "connect_failed"):
            if r.get(k): notes.append(f"{k}={r[k]}")
        if r.get("errors"): notes.append(f"errors={r['errors']}")
        if r.get("stop_reason") not in (None, "done"): notes.append(f"stop_reason={r['stop_reason']}")
        if r.get("timed_out"): notes.append("timed out")
        if notes: print(f"{case} {s}: " + ", ".join(notes))
print(f"\nraw RESULT lines: {out}")
EOF
