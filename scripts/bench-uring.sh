#!/usr/bin/env bash
# io_uring vs epoll (HICONN_IO_URING): system calls and server CPU per echoed message.
# hiconn built twice (build/bench: epoll, build/uring: -DHICONN_IO_URING=ON) and the C epoll
# reference (bench/epoll_echo.c), side by side, ROUNDS times (default 3), in bench-echo.sh's
# 64 B x100 case: `hiconn-load echo -c 100 --size 64 --depth 1 -d 6 --drain 5`, one server
# I/O thread (`--threads 1`, config/echo-throughput.json). The load tool is the epoll build's
# hiconn-load for every server.
#   CPU runs: nothing attached to the server; server CPU per message = the server's
#     utime+stime (/proc/PID/stat, sampled by hiconn-load --server-pid, connected -> end of
#     the drain) / messages echoed in that time.
#   syscall runs: the same, with `perf stat -e raw_syscalls:sys_enter,... -p PID` counting over
#     the same window (switched on and off by hiconn-load's reads of /proc/PID/stat, seen
#     through strace -e openat, as in bench-chat.sh); system calls / messages echoed. A
#     separate run, so that the tracer's own cost (it grows with the number of calls) is not
#     in the CPU figure.
# Prints each run and the medians; uring/epoll ratios. Every server is stopped by PID.
#
# Environment: BENCH_ROUNDS (3), BENCH_DURATION (s, 6), BENCH_OUT (raw output folder).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${BENCH_ROUNDS:-3}
DURATION=${BENCH_DURATION:-6}
WORK=$(mktemp -d /tmp/hiconn-bench-uring.XXXXXX)
OUT=${BENCH_OUT:-$WORK/results}
mkdir -p "$OUT"
SERVER_PID=""
PERF_PID=""
TRIGGER_PID=""

log() { echo "bench-uring: $*" >&2; }

stop_pid() {  # pid: TERM, up to 5 s, then KILL
    [ -n "$1" ] || return 0
    kill "$1" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}
cleanup() { stop_pid "$PERF_PID"; stop_pid "$TRIGGER_PID"; stop_pid "$SERVER_PID"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

command -v perf >/dev/null || { log "missing perf (apt-get install linux-perf)"; exit 1; }
perf stat -e 'syscalls:sys_enter_write' -- /bin/true >/dev/null 2>&1 ||
    { log "perf cannot count syscall tracepoints here (perf_event_paranoid / tracefs)"; exit 1; }

# --- build -------------------------------------------------------------------------------
build() {  # dir "targets" cmake-args...
    local dir=$1 targets=$2; shift 2
    log "building $targets Release in $dir $*"
    cmake -S "$ROOT" -B "$dir" -DCMAKE_BUILD_TYPE=Release -DHICONN_BUILD_TESTS=OFF -DHICONN_SANITIZE= "$@" >/dev/null
    # shellcheck disable=SC2086
    timeout 3600 cmake --build "$dir" $(printf -- '--target %s ' $targets) -j2 >/dev/null
}
build "$ROOT/build/bench" "hiconn hiconn-load" -DHICONN_IO_URING=OFF
build "$ROOT/build/uring" "hiconn" -DHICONN_IO_URING=ON
LOAD_BIN=$ROOT/build/bench/src/hiconn-load
# all calls (raw_syscalls) and the ones an echo server makes; not the glob of ~350 syscall
# tracepoints, which takes perf tens of seconds to close on a loaded machine
EVENTS=raw_syscalls:sys_enter
for c in recvfrom sendto recvmsg sendmsg read write readv writev epoll_wait epoll_ctl io_uring_enter timerfd_settime futex; do
    EVENTS+=,syscalls:sys_enter_$c
done
mkdir -p "$WORK/bin"
cc -O2 -o "$WORK/bin/epoll_echo" "$ROOT/bench/epoll_echo.c"

# --- servers -----------------------------------------------------------------------------
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_listening() {  # port: up to 10 s
    for _ in $(seq 100); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    log "server on port $1 did not start"; return 1
}

start_server() {  # epoll | uring | c -> SERVER_PID, PORT
    PORT=$(free_port)
    case $1 in
        epoll|uring)
            local bin=$ROOT/build/bench/src/hiconn
            [ "$1" = epoll ] || bin=$ROOT/build/uring/src/hiconn
            "$bin" run --config "$ROOT/config/echo-throughput.json" --listen "127.0.0.1:$PORT" \
                --threads 1 --set stats.interval_s=0 --log-level warn >"$WORK/$1.log" 2>&1 & ;;
        c) "$WORK/bin/epoll_echo" "$PORT" 4096 >"$WORK/$1.log" 2>&1 & ;;
    esac
    SERVER_PID=$!
    wait_listening "$PORT"
}

# run ROUND SERVER cpu|sys: one hiconn-load run. sys: perf attached to the server, disabled;
# hiconn-load runs under strace (openat only), and its 2nd and 3rd open of /proc/PID/stat (the
# "ready" and "end" samples of the server, between which its CPU is measured) switch perf's
# counting on and off -- the same window as the CPU and message counts.
run() {
    local round=$1 server=$2 kind=$3 file="$OUT/$1.$2.$3"
    start_server "$server"
    log "round $round / $server / $kind (pid $SERVER_PID, port $PORT)"
    local -a load=("$LOAD_BIN" echo -c 100 --size 64 --depth 1 -d "$DURATION" --drain 5 --port "$PORT"
                   --server-pid "$SERVER_PID" --no-progress --sources 127.0.0.2)
    # the server's threads in the middle of the measured phase (io_uring's iou-wrk-* workers
    # would show here)
    ( sleep $((DURATION / 2 + 3)); cat /proc/"$SERVER_PID"/task/*/comm 2>/dev/null | sort | uniq -c |
        tr -s ' \n' ' ' >"$file.threads" ) &
    local sampler=$!
    if [ "$kind" = cpu ]; then
        timeout 120 "${load[@]}" >"$file" 2>"$file.err" || true
    else
        rm -f "$WORK/perf.ctl" "$WORK/trace.fifo"
        mkfifo "$WORK/perf.ctl" "$WORK/trace.fifo"
        local ctl
        exec {ctl}<>"$WORK/perf.ctl"
        perf stat -x, -e "$EVENTS" -D -1 --control "fifo:$WORK/perf.ctl" -p "$SERVER_PID" \
            -o "$file.perf" >/dev/null 2>&1 &
        PERF_PID=$!
        (
            n=0
            while IFS= read -r line; do
                case $line in
                    *"\"/proc/$SERVER_PID/stat\""*)
                        n=$((n + 1))
                        if [ $n -eq 2 ]; then echo enable >&"$ctl"; fi
                        if [ $n -eq 3 ]; then echo disable >&"$ctl"; fi ;;
                    *openat\(*|*"openat resumed"*|*"+++ "*|*"--- "*) ;;
                    *) printf '%s\n' "$line" ;;
                esac
            done <"$WORK/trace.fifo" >"$file.err"
            echo "$n" >"$file.samples"
        ) &
        TRIGGER_PID=$!
        sleep 1  # perf attaches
        timeout 120 strace -f --seccomp-bpf -qq -e trace=openat -e signal=none "${load[@]}" \
            >"$file" 2>"$WORK/trace.fifo" || true
    fi
    grep -q '^RESULT' "$file" || log "$file: no RESULT ($(tail -1 "$file.err"))"
    wait "$sampler" 2>/dev/null || true
    if [ -n "$PERF_PID" ]; then
        kill -INT "$PERF_PID" 2>/dev/null || true
        for _ in $(seq 100); do kill -0 "$PERF_PID" 2>/dev/null || break; sleep 0.1; done
        stop_pid "$PERF_PID"; PERF_PID=""
        for _ in $(seq 50); do kill -0 "$TRIGGER_PID" 2>/dev/null || break; sleep 0.1; done
        stop_pid "$TRIGGER_PID"; TRIGGER_PID=""
        exec {ctl}>&-
        [ "$(cat "$file.samples" 2>/dev/null)" = 3 ] || log "$file: the server was not sampled 3 times"
    fi
    stop_pid "$SERVER_PID"; SERVER_PID=""
}

SERVERS="epoll uring c"
for round in $(seq "$ROUNDS"); do
    for s in $SERVERS; do run "$round" "$s" cpu; done
    for s in $SERVERS; do run "$round" "$s" sys; done
done

# --- report ------------------------------------------------------------------------------
/usr/bin/python3 - "$OUT" "$ROUNDS" $SERVERS <<'EOF'
import json, os, statistics, sys
out, rounds, servers = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
names = {"epoll": "hiconn epoll", "uring": "hiconn io_uring", "c": "C epoll ref"}
def result(path):
    try:
        return json.loads(next(l for l in open(path) if l.startswith("RESULT "))[7:])
    except (OSError, StopIteration):
        return None
def syscalls(path):
    counts = {}
    try:
        for line in open(path):
            f = line.strip().split(",")
            if len(f) > 2 and f[0].isdigit():
                counts[f[2].split(":")[1].replace("sys_enter_", "").replace("sys_enter", "all")] = int(f[0])
    except OSError:
        pass
    return counts
med = {}
for s in servers:
    cpu, sysc, rate, top = [], [], [], {}
    for r in range(1, rounds + 1):
        c = result(f"{out}/{r}.{s}.cpu")
        y = result(f"{out}/{r}.{s}.sys")
        counts = syscalls(f"{out}/{r}.{s}.sys.perf")
        threads = open(f"{out}/{r}.{s}.sys.threads").read().strip() if os.path.exists(f"{out}/{r}.{s}.sys.threads") else ""
        line = f"round {r} {names[s]:<16}"
        if c:
            cpu.append(c["server_cpu_us_per_msg"]); rate.append(c["msgs_per_s"])
            line += f" cpu run: {c['msgs_per_s']:>9,.0f} msg/s, {c['server_cpu_us_per_msg']:6.2f} us CPU/msg" + ("" if c["ok"] else " NOT OK")
        ok3 = os.path.exists(f"{out}/{r}.{s}.sys.samples") and open(f"{out}/{r}.{s}.sys.samples").read().strip() == "3"
        if y and counts and ok3 and y.get("messages_completed"):
            msgs = y["messages_completed"]
            total = counts.get("all", 0)
            per = total / msgs
            sysc.append(per)
            for k, v in counts.items(): top.setdefault(k, []).append(v / msgs)
            line += f" | sys run: {y['msgs_per_s']:>9,.0f} msg/s, {total:,} syscalls / {msgs:,} msgs = {per:.3f}/msg"
        print(line + f" | threads: {threads}")
    med[s] = (statistics.median(cpu) if cpu else None, statistics.median(sysc) if sysc else None,
              statistics.median(rate) if rate else None)
    top = {k: statistics.median(v) for k, v in top.items()}
    print(f"  {names[s]} syscalls per message by call (median of the counted rounds): " +
          ", ".join(f"{k} {v:.3f}" for k, v in sorted(top.items(), key=lambda kv: -kv[1]) if v >= 0.001))
print()
print(f"{'median of ' + str(rounds):<22}{'CPU us/msg':>12}{'syscalls/msg':>14}{'msg/s (cpu run)':>18}")
for s in servers:
    c, y, r = med[s]
    print(f"{names[s]:<22}{(f'{c:.2f}' if c else 'n/a'):>12}{(f'{y:.3f}' if y else 'n/a'):>14}{(f'{r:,.0f}' if r else 'n/a'):>18}")
e, u = med.get("epoll"), med.get("uring")
if e and u and e[0] and u[0] and e[1] and u[1]:
    print(f"{'uring / epoll':<22}{u[0] / e[0]:>12.2f}{u[1] / e[1]:>14.2f}{u[2] / e[2]:>18.2f}")
print(f"\nraw output: {out}")
EOF
