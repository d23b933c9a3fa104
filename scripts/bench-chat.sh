#!/usr/bin/env bash
# Chat benchmark: hiconn (chat workload), ngircd and InspIRCd side by side in one run, all
# driven by `hiconn-load chat` (which samples each server with --server-pid):
#   idle:     15,000 registered clients (15 per channel), server RSS per client;
#   fanout-a: 2,000 clients in 20 channels, 50 senders;
#   fanout-b: 10,000 clients in 1,000 channels, 1,000 senders;
# each fan-out raises the total message rate step by step until a step loses a message or
# its p99 delivery latency passes 100 ms, and reports the highest clean rate, the
# deliveries/s there and the server CPU per delivery (also at 8,000 and 24,000 messages/s,
# which run in any case).
# System calls per delivered line: at 8,000 and 24,000 msg/s a second run counts the server's
# write, writev, sendto and sendmsg calls (and all its system calls) over the measured window
# -- from hiconn-load's "ready" sample of the server to its "end" sample, the window of the
# CPU figure -- divided by the deliveries hiconn-load counted. hiconn-load reads
# /proc/PID/stat at its start, ready and end samples; it runs under strace tracing only openat
# (--seccomp-bpf: no other call of the load tool stops), and the second and third read of
# that file switch perf's counting on and off (perf stat -D -1 --control fifo:...).
# hiconn runs twice when BENCH_SERVERS says so: "hiconn" with config/chat.json (as shipped:
# send.coalesce_ms 10, zero-byte receives) and "hiconn-defaults", `--workload chat` and no
# config file (the built-in defaults: no write coalescing); both with the same overrides.
# tls (hiconn and InspIRCd with its ssl_gnutls module; a throw-away certificate made with the
# openssl command in the temp dir): 2,000 registered idle clients over TLS, and the same over
# plain TCP, each on a fresh server (server RSS per client; the difference is what TLS costs),
# and full TLS handshakes per second (hiconn-load handshake, 32 clients in a connect /
# handshake / close_notify loop; server CPU per handshake).
# Every server gets its own config in a temp dir, listens on a free loopback port, has its
# connection throttles, per-IP limits and flood limits relaxed, and is stopped by PID.
# Registration is paced per server: ngircd listens with a backlog of 10 (at most 8
# registrations in flight), InspIRCd completes registrations on a one-second timer (many in
# flight, 2,500 new per second).
#
# Environment: HICONN_BIN / HICONN_LOAD_BIN (skip the build), BENCH_SERVERS (default
# "hiconn ngircd inspircd"; also "hiconn-defaults"), BENCH_DURATION (s per step, default 5),
# BENCH_SERVER_THREADS (hiconn's I/O threads, default 1 -- ngircd and InspIRCd are
# single-threaded), BENCH_CASES (default "idle fanout-a fanout-b tls"),
# BENCH_TLS_KEY (the certificate's key: "rsa:2048", the default, or "ec" for P-256), BENCH_P99_LIMIT_US
# (default 100000: a step with a higher p99 ends the ramp), BENCH_SYSCALLS (default 1; 0:
# no perf/strace), BENCH_OUT (raw RESULT lines), BENCH_REPORT_ONLY=1 (measure nothing: print
# the table from the RESULT files already in BENCH_OUT).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DURATION=${BENCH_DURATION:-5}
SERVER_THREADS=${BENCH_SERVER_THREADS:-1}
SERVERS=${BENCH_SERVERS:-"hiconn ngircd inspircd"}
CASES=${BENCH_CASES:-"idle fanout-a fanout-b tls"}
TLS_KEY=${BENCH_TLS_KEY:-rsa:2048}
P99_LIMIT_US=${BENCH_P99_LIMIT_US:-100000}
COUNT_SYSCALLS=${BENCH_SYSCALLS:-1}
SYSCALL_EVENTS=syscalls:sys_enter_write,syscalls:sys_enter_writev,syscalls:sys_enter_sendto,syscalls:sys_enter_sendmsg,raw_syscalls:sys_enter
WORK=$(mktemp -d /tmp/hiconn-bench-chat.XXXXXX)
OUT=${BENCH_OUT:-$WORK/results}
mkdir -p "$OUT"
SERVER_PID=""
PERF_PID=""
TRIGGER_PID=""

log() { echo "bench-chat: $*" >&2; }

stop_server() {
    [ -n "$SERVER_PID" ] || return 0
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
}
stop_counting() {
    if [ -n "$PERF_PID" ]; then  # SIGINT: perf writes its counts and exits
        kill -INT "$PERF_PID" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$PERF_PID" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$PERF_PID" 2>/dev/null || true
        wait "$PERF_PID" 2>/dev/null || true
        PERF_PID=""
    fi
    if [ -n "$TRIGGER_PID" ]; then  # ends by itself at the end of strace's output
        for _ in $(seq 50); do kill -0 "$TRIGGER_PID" 2>/dev/null || break; sleep 0.1; done
        kill "$TRIGGER_PID" 2>/dev/null || true
        wait "$TRIGGER_PID" 2>/dev/null || true
        TRIGGER_PID=""
    fi
}
trap 'stop_counting; stop_server' EXIT
trap 'exit 130' INT TERM

# --- build / availability -----------------------------------------------------------------
if [ -z "${HICONN_BIN:-}" ] || [ -z "${HICONN_LOAD_BIN:-}" ]; then
    BUILD="$ROOT/build/bench"
    log "building hiconn Release in $BUILD"
    cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DHICONN_BUILD_TESTS=OFF -DHICONN_SANITIZE= >/dev/null
    timeout 1800 cmake --build "$BUILD" --target hiconn hiconn-load -j2 >/dev/null
    HICONN_BIN=$BUILD/src/hiconn
    HICONN_LOAD_BIN=$BUILD/src/hiconn-load
fi
available=""
for s in $SERVERS; do
    case $s in
        hiconn|hiconn-defaults)
            if "$HICONN_BIN" check-config --config "$ROOT/config/chat.json" >/dev/null 2>&1; then
                available+=" $s"
            else
                log "MISSING: hiconn's chat workload (config/chat.json does not check) -- skipped"
            fi ;;
        ngircd) if command -v ngircd >/dev/null; then available+=" $s"; else log "MISSING: ngircd (apt-get install ngircd)"; fi ;;
        inspircd) if command -v inspircd >/dev/null; then available+=" $s"; else log "MISSING: inspircd (apt-get install inspircd)"; fi ;;
    esac
done
SERVERS=$available
[ -n "$SERVERS" ] || { log "no server to measure"; exit 1; }
if [ "$COUNT_SYSCALLS" = 1 ] && [ -z "${BENCH_REPORT_ONLY:-}" ]; then
    if ! command -v strace >/dev/null; then
        log "MISSING: strace (apt-get install strace): no system call counts"; COUNT_SYSCALLS=0
    elif ! perf stat -e "$SYSCALL_EVENTS" -- /bin/true >/dev/null 2>&1; then
        log "perf cannot count the syscall tracepoints here (linux-perf installed? perf_event_paranoid" \
            "$(cat /proc/sys/kernel/perf_event_paranoid 2>/dev/null), tracefs): no system call counts"
        COUNT_SYSCALLS=0
    fi
fi

# --- TLS: a throw-away certificate; hiconn's chat config with a tls section ------------------
TLS_DIR=$WORK/tls
case " $CASES " in *" tls "*)
    if [ -n "${BENCH_REPORT_ONLY:-}" ]; then :
    elif ! command -v openssl >/dev/null; then
        log "MISSING: the openssl command (apt-get install openssl): no TLS case"; CASES=${CASES//tls/}
    else
        mkdir -p "$TLS_DIR"
        if [ "$TLS_KEY" = ec ]; then keyopt=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1); else keyopt=(-newkey "$TLS_KEY"); fi
        openssl req -x509 "${keyopt[@]}" -nodes -days 2 -subj "/CN=127.0.0.1" \
            -addext "subjectAltName=IP:127.0.0.1" -keyout "$TLS_DIR/key.pem" -out "$TLS_DIR/cert.pem" 2>/dev/null
        /usr/bin/python3 - "$ROOT/config/chat.json" "$TLS_DIR/chat.json" <<'EOF'
import json, sys
cfg = json.load(open(sys.argv[1]))
cfg.pop("$schema", None)
cfg["tls"] = {"certificate": "cert.pem", "private_key": "key.pem"}  # relative to the config
json.dump(cfg, open(sys.argv[2], "w"), indent=2)
EOF
    fi ;;
esac

# --- servers -----------------------------------------------------------------------------
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_listening() {  # port: up to 20 s
    for _ in $(seq 200); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    log "server on port $1 did not start"; return 1
}

write_ngircd_conf() {  # dir port
    cat >"$1/ngircd.conf" <<EOF
[Global]
	Name = irc.bench.local
	Info = hiconn bench
	Listen = 127.0.0.1
	Ports = $2
	MotdPhrase = "bench"
	PidFile = $1/ngircd.pid
[Limits]
	# no connection cap, no per-IP cap, no penalty (flood) time, no ping-out during the run
	MaxConnections = 0
	MaxConnectionsIP = 0
	MaxJoins = 0
	MaxNickLength = 12
	MaxPenaltyTime = 0
	PingTimeout = 600
	PongTimeout = 600
[Options]
	DNS = no
	Ident = no
	PAM = no
EOF
}

write_inspircd_conf() {  # dir port [tls-port]
    echo "bench" >"$1/motd.txt"
    cat >"$1/inspircd.conf" <<EOF
<server name="irc.bench.local" description="hiconn bench" network="bench">
<admin name="bench" nick="bench" email="bench@bench.local">
<bind address="127.0.0.1" port="$2" type="clients">
# no per-IP cap, no flood penalty (threshold/commandrate/fakelag), big send queues
<connect name="bench" allow="*" maxchans="100" timeout="120" pingfreq="10m"
         hardsendq="64M" softsendq="8M" recvq="1M" threshold="1000000" commandrate="100000000"
         fakelag="no" localmax="1000000" globalmax="1000000" maxconnwarn="no" useident="no"
         limit="1000000">
<files motd="$1/motd.txt">
<dns timeout="1">
<options defaultmodes="nt">
<performance netbuffersize="10240" somaxconn="4096" softlimit="100000" clonesonconnect="no" quietbursts="yes">
<security hidesplits="no" maxtargets="20">
<limits maxnick="30" maxchan="64">
<log method="file" type="* -USERINPUT -USEROUTPUT" level="default" target="$1/ircd.log">
<pid file="$1/inspircd.pid">
EOF
    [ -n "${3:-}" ] || return 0
    # TLS through ssl_gnutls (Debian's module), the certificate of TLS_DIR; GnuTLS' default
    # priorities (hiconn: OpenSSL's defaults)
    cat >>"$1/inspircd.conf" <<EOF
<module name="ssl_gnutls">
<sslprofile name="bench" provider="gnutls" certfile="$TLS_DIR/cert.pem" keyfile="$TLS_DIR/key.pem"
            priority="NORMAL" requestclientcert="no" hash="sha256">
<bind address="127.0.0.1" port="$3" type="clients" sslprofile="bench">
EOF
}

# start_server NAME [tls] -> SERVER_PID, PORT, PACE (hiconn-load registration pacing flags),
# SOURCES (client addresses of its own: every step re-registers thousands of clients, and
# the previous steps' ports linger in TIME_WAIT); with "tls" also a TLS listener on TLS_PORT
# (hiconn and inspircd only)
start_server() {
    PORT=$(free_port)
    TLS_PORT=""
    local dir="$WORK/$1" config="$ROOT/config/chat.json" listen=()
    if [ "${2:-}" = tls ]; then
        TLS_PORT=$(free_port)
        config=$TLS_DIR/chat.json
        listen=(--listen "tls://127.0.0.1:$TLS_PORT")
    fi
    mkdir -p "$dir"
    case $1 in
        hiconn)
            "$HICONN_BIN" run --config "$config" --listen "127.0.0.1:$PORT" "${listen[@]}" \
                --threads "$SERVER_THREADS" --set limits.max_connections=19500 \
                --set chat.flood.messages_per_second=100000 --set chat.flood.burst=100000 \
                --set chat.flood.max_queued=100000 --set limits.max_send_queue_bytes=67108864 \
                --set stats.interval_s=0 --log-level warn >"$dir/out.log" 2>&1 &
            PACE="--concurrency 1000"; SOURCES=127.0.1.1,127.0.1.2,127.0.1.3,127.0.1.4 ;;
        hiconn-defaults)  # no config file: the built-in defaults (send.coalesce_ms 0)
            "$HICONN_BIN" run --workload chat --listen "127.0.0.1:$PORT" \
                --threads "$SERVER_THREADS" --set limits.max_connections=19500 \
                --set chat.flood.messages_per_second=100000 --set chat.flood.burst=100000 \
                --set chat.flood.max_queued=100000 --set limits.max_send_queue_bytes=67108864 \
                --set stats.interval_s=0 --log-level warn >"$dir/out.log" 2>&1 &
            PACE="--concurrency 1000"; SOURCES=127.0.4.1,127.0.4.2,127.0.4.3,127.0.4.4 ;;
        ngircd)
            write_ngircd_conf "$dir" "$PORT"
            ngircd -n -f "$dir/ngircd.conf" >"$dir/out.log" 2>&1 &
            PACE="--concurrency 8"; SOURCES=127.0.2.1,127.0.2.2,127.0.2.3,127.0.2.4 ;;
        inspircd)
            write_inspircd_conf "$dir" "$PORT" "$TLS_PORT"
            # no core file: InspIRCd 3.15 with ssl_gnutls crashes on its way out (after unloading
            # the module, at SIGTERM); the measurements are taken before
            (ulimit -c 0; exec inspircd --config "$dir/inspircd.conf" --nofork --nopid --runasroot) >"$dir/out.log" 2>&1 &
            PACE="--concurrency 5000 --register-rate 2500"; SOURCES=127.0.3.1,127.0.3.2,127.0.3.3,127.0.3.4 ;;
    esac
    SERVER_PID=$!
    wait_listening "$PORT" || return 1
    [ -z "$TLS_PORT" ] || wait_listening "$TLS_PORT"
}

# chat_run FILE args...: one hiconn-load chat run against the running server (on LOAD_PORT
# when set, else PORT; LOAD_MODE instead of chat, LOAD_SOURCES instead of SOURCES)
chat_run() {
    local file=$1; shift
    # shellcheck disable=SC2086
    timeout 420 "$HICONN_LOAD_BIN" "${LOAD_MODE:-chat}" --port "${LOAD_PORT:-$PORT}" --server-pid "$SERVER_PID" \
        $PACE --sources "${LOAD_SOURCES:-$SOURCES}" \
        --connect-timeout 60 --timeout 400 --threads 2 --no-progress "$@" >"$file" 2>"$file.err" || true
    if ! grep -q '^RESULT' "$file"; then log "no RESULT in $file ($(tail -1 "$file.err"))"; return 1; fi
}

# counted_chat_run FILE args...: chat_run, with the server's system calls counted over the
# measured window into FILE.syscalls (perf stat -x, output). perf attaches to the server
# disabled; hiconn-load runs under strace (openat only, unbuffered on stderr), whose lines a
# reader scans: the 2nd open of /proc/SERVER_PID/stat (the "ready" sample) enables perf's
# counting, the 3rd (the "end" sample) disables it; every other line goes to FILE.err.
counted_chat_run() {
    local file=$1; shift
    [ "$COUNT_SYSCALLS" = 1 ] || { chat_run "$file" "$@"; return; }
    rm -f "$WORK/perf.ctl" "$WORK/trace.fifo" "$file.syscalls"
    mkfifo "$WORK/perf.ctl" "$WORK/trace.fifo"
    local ctl
    exec {ctl}<>"$WORK/perf.ctl"  # read-write: neither side's open blocks
    perf stat -x, -e "$SYSCALL_EVENTS" -D -1 --control "fifo:$WORK/perf.ctl" -p "$SERVER_PID" \
        -o "$file.syscalls" >/dev/null 2>&1 &
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
    # shellcheck disable=SC2086
    timeout 420 strace -f --seccomp-bpf -qq -e trace=openat -e signal=none \
        "$HICONN_LOAD_BIN" chat --port "$PORT" --server-pid "$SERVER_PID" $PACE --sources "$SOURCES" \
        --connect-timeout 60 --timeout 400 --threads 2 --no-progress "$@" >"$file" 2>"$WORK/trace.fifo" || true
    stop_counting
    exec {ctl}>&-
    [ "$(cat "$file.samples" 2>/dev/null)" = 3 ] || log "$file: the server was not sampled 3 times: no system call counts"
    if ! grep -q '^RESULT' "$file"; then log "no RESULT in $file ($(tail -1 "$file.err"))"; return 1; fi
}

# clean FILE: zero loss, p99 <= the limit, every client registered
clean() {
    /usr/bin/python3 -c '
import json, sys
r = json.loads(next(l for l in open(sys.argv[1]) if l.startswith("RESULT "))[7:])
ok = r["lost"] == 0 and r["duplicates"] == 0 and r["register_failed"] == 0 \
     and r["latency_us"]["p99"] <= int(sys.argv[2]) and not r["timed_out"]
sys.exit(0 if ok else 1)' "$1" "$P99_LIMIT_US"
}

# ramp CASE SERVER CLIENTS CHANNELS SENDERS RATES...: rising rates until a step is not
# clean; the 8,000 and 24,000 msg/s steps (CPU, latency and system calls per delivery are
# compared there) run in any case.
ramp() {
    local case=$1 server=$2 clients=$3 channels=$4 senders=$5; shift 5
    local step=0 stopped=""
    for rate in "$@"; do
        [ -z "$stopped" ] || [ "$rate" = 8000 ] || [ "$rate" = 24000 ] || continue
        step=$((step + 1))
        # A fresh server per step: the previous step's thousands of QUITs are not this one's
        # work (ngircd spends minutes of CPU on them at 10,000 clients).
        stop_server; start_server "$server" || break
        log "$case / $server: $clients clients, $channels channels, $senders senders, $rate msg/s"
        chat_run "$OUT/$case.$server.$rate" -c "$clients" --channels "$channels" \
            --senders "$senders" --rate "$rate" -d "$DURATION" --nick-prefix "s${step}n" || break
        if [ -z "$stopped" ] && ! clean "$OUT/$case.$server.$rate"; then
            log "$case / $server: loss or p99 over ${P99_LIMIT_US} us at $rate msg/s: stop raising"
            stopped=$rate
        fi
        # The system calls are counted in a run of their own: perf's tracepoints slow every
        # system call on the machine and strace slows the load tool (both 2-3x in an echo
        # check here), so a counted run's rate, latency and CPU are not the step's.
        if [ "$COUNT_SYSCALLS" = 1 ] && { [ "$rate" = 8000 ] || [ "$rate" = 24000 ]; }; then
            step=$((step + 1))
            stop_server; start_server "$server" || break
            log "$case / $server: $rate msg/s again, system calls counted"
            counted_chat_run "$OUT/$case.$server.$rate.counted" -c "$clients" --channels "$channels" \
                --senders "$senders" --rate "$rate" -d "$DURATION" --nick-prefix "s${step}n" || true
        fi
    done
}

# tls_cases SERVER: 2,000 idle clients over TLS, then over plain TCP, then handshakes/s,
# each on a fresh server. Every server registers at the same pace here, at most 200 in
# flight (1,000 new per second): a handshake's buffers are freed once it is done, but the heap
# they grew stays in RSS, so the in-flight count would otherwise weigh on the per-client figure.
TLS_PACE="--concurrency 200 --register-rate 1000"
tls_cases() {
    local server=$1 hs_sources
    case $server in
        hiconn) hs_sources=127.0.5.1,127.0.5.2 ;;
        inspircd) hs_sources=127.0.6.1,127.0.6.2 ;;
        *) log "tls / $server: no TLS listener configured for it here -- skipped"; return 0 ;;
    esac
    stop_server; start_server "$server" tls || { log "tls / $server: did not start (see $WORK/$server/out.log)"; return 0; }
    log "tls / $server: 2,000 registered idle clients over TLS (port $TLS_PORT)"
    PACE=$TLS_PACE LOAD_PORT=$TLS_PORT chat_run "$OUT/tls-idle.$server" --tls -c 2000 --channels 134 \
        --senders 0 -d 3 --nick-prefix "ti" || true
    stop_server; start_server "$server" || return 0
    log "tls / $server: 2,000 registered idle clients over plain TCP"
    PACE=$TLS_PACE chat_run "$OUT/tls-idle-plain.$server" -c 2000 --channels 134 --senders 0 -d 3 \
        --nick-prefix "pi" || true
    stop_server; start_server "$server" tls || return 0
    log "tls / $server: full TLS handshakes, 32 clients for ${DURATION} s"
    LOAD_MODE=handshake LOAD_PORT=$TLS_PORT LOAD_SOURCES=$hs_sources PACE="" chat_run "$OUT/tls-handshake.$server" \
        -c 32 -d "$DURATION" --drain 5 || true
}

RATES_A="1000 2000 4000 8000 16000 24000 32000"
RATES_B="1000 4000 8000 24000"
[ -z "${BENCH_REPORT_ONLY:-}" ] || SERVERS_TO_RUN=""
for server in ${SERVERS_TO_RUN-$SERVERS}; do
    start_server "$server" || { log "MISSING: $server did not start (see $WORK/$server/out.log)"; stop_server; continue; }
    log "$server: pid $SERVER_PID, port $PORT"
    for case in $CASES; do
        case $case in
            idle)
                log "idle / $server: 15,000 registered clients"
                chat_run "$OUT/idle.$server" -c 15000 --channels 1000 --senders 0 -d 3 \
                    --nick-prefix "i" || true
                ;;
            fanout-a) ramp fanout-a "$server" 2000 20 50 $RATES_A ;;
            fanout-b) ramp fanout-b "$server" 10000 1000 1000 $RATES_B ;;
            tls) tls_cases "$server" ;;
        esac
    done
    stop_server
done

# --- report ------------------------------------------------------------------------------
/usr/bin/python3 - "$OUT" "$SERVERS" <<'EOF'
import glob, json, os, sys
out, servers = sys.argv[1], sys.argv[2].split()
def load(path):
    try:
        return json.loads(next(l for l in open(path) if l.startswith("RESULT "))[7:])
    except (OSError, StopIteration):
        return None
P99_LIMIT = int(os.environ.get("BENCH_P99_LIMIT_US", "100000"))
def clean(r):
    return r is not None and r["lost"] == 0 and r["duplicates"] == 0 and \
        r["register_failed"] == 0 and r["latency_us"]["p99"] <= P99_LIMIT and not r["timed_out"]
WRITES = ("write", "writev", "sendto", "sendmsg")
def syscalls(path, r):
    """{call: count per delivery} over the measured window, "all" = every system call."""
    counts = {}
    try:
        if open(path + ".samples").read().strip() != "3":  # the window was not bounded
            return None
        for line in open(path + ".syscalls"):
            f = line.strip().split(",")
            if len(f) > 2 and f[0].isdigit():
                counts[f[2].split(":")[1].replace("sys_enter_", "").replace("sys_enter", "all")] = int(f[0])
    except OSError:
        return None
    if not counts or r is None or not r["received"]:
        return None
    per = {k: v / r["received"] for k, v in counts.items()}
    per["writes"] = sum(per.get(k, 0) for k in WRITES)
    return per
rows = {}
for s in servers:
    idle = load(os.path.join(out, f"idle.{s}"))
    if idle:
        rows.setdefault("idle: registered clients", {})[s] = idle["registered"]
        rows.setdefault("idle: server RSS bytes/client", {})[s] = idle.get("server_rss_per_client")
        if idle["registered"]:
            rows.setdefault("idle: server CPU us per registration", {})[s] = \
                idle.get("server_cpu_setup_s", 0) * 1e6 / idle["registered"]
    # tls: 2,000 idle registered clients over TLS and over plain TCP (fresh servers), handshakes
    tls_idle, plain_idle = load(os.path.join(out, f"tls-idle.{s}")), load(os.path.join(out, f"tls-idle-plain.{s}"))
    if tls_idle:
        rows.setdefault("tls: idle TLS clients registered (of 2,000)", {})[s] = tls_idle["registered"]
        rows.setdefault("tls: server RSS bytes/idle TLS client", {})[s] = tls_idle.get("server_rss_per_client")
    if plain_idle:
        rows.setdefault("tls: server RSS bytes/idle plain client (2,000)", {})[s] = plain_idle.get("server_rss_per_client")
    if tls_idle and plain_idle and tls_idle.get("server_rss_per_client") is not None \
            and plain_idle.get("server_rss_per_client") is not None:
        rows.setdefault("tls: RSS bytes TLS adds per idle client", {})[s] = \
            tls_idle["server_rss_per_client"] - plain_idle["server_rss_per_client"]
    if tls_idle and tls_idle["registered"]:
        rows.setdefault("tls: server CPU us per TLS registration", {})[s] = \
            tls_idle.get("server_cpu_setup_s", 0) * 1e6 / tls_idle["registered"]
    hs = load(os.path.join(out, f"tls-handshake.{s}"))
    if hs:
        rows.setdefault("tls: full handshakes/s (32 clients)", {})[s] = hs.get("handshakes_per_s")
        rows.setdefault("tls: server CPU us/handshake", {})[s] = hs.get("server_cpu_us_per_handshake")
        rows.setdefault("tls: handshake p99 latency us", {})[s] = hs["latency_us"]["p99"]
        if hs.get("failed") or hs.get("errors"):
            print(f"tls handshake {s}: failed {hs.get('failed')}, errors {hs.get('errors')}")
    for case in ("fanout-a", "fanout-b"):
        steps = sorted(((int(p.rsplit(".", 1)[1]), load(p)) for p in glob.glob(os.path.join(out, f"{case}.{s}.*"))
                        if p.rsplit(".", 1)[1].isdigit()), key=lambda x: x[0])
        if not steps: continue
        best = None
        for rate, r in steps:
            if not clean(r): break
            best = (rate, r)
        zero_loss = [rate for rate, r in steps if r and r["lost"] == 0 and r["register_failed"] == 0]
        rows.setdefault(f"{case}: highest zero-loss rate msg/s (any p99)", {})[s] = max(zero_loss, default=0)
        if best:
            rate, r = best
            rows.setdefault(f"{case}: highest clean rate msg/s", {})[s] = rate
            rows.setdefault(f"{case}: deliveries/s there", {})[s] = r["deliveries_per_s"]
            rows.setdefault(f"{case}: server CPU us/delivery there", {})[s] = r.get("server_cpu_us_per_delivery")
            rows.setdefault(f"{case}: p99 latency us there", {})[s] = r["latency_us"]["p99"]
        else:
            rows.setdefault(f"{case}: highest clean rate msg/s", {})[s] = 0
        for at, name in ((8000, "8,000"), (24000, "24,000")):
            r = dict(steps).get(at)
            if r and r["received"]:
                rows.setdefault(f"{case}: server CPU us/delivery at {name} msg/s", {})[s] = r.get("server_cpu_us_per_delivery")
            if r:
                rows.setdefault(f"{case}: lost at {name} msg/s", {})[s] = r["lost"]
                rows.setdefault(f"{case}: p99 latency us at {name} msg/s", {})[s] = r["latency_us"]["p99"]
            rc = load(os.path.join(out, f"{case}.{s}.{at}.counted"))
            per = syscalls(os.path.join(out, f"{case}.{s}.{at}.counted"), rc)
            if per:
                rows.setdefault(f"{case}: write calls per delivery at {name} msg/s", {})[s] = per["writes"]
                rows.setdefault(f"{case}: all syscalls per delivery at {name} msg/s", {})[s] = per.get("all")
        for rate, r in steps:
            if r is None: print(f"{case} {s} {rate}: no result"); continue
            print(f"{case} {s} {rate:>6} msg/s: sent {r['sent']}, deliveries {r['received']}/{r['expected']}"
                  f" (lost {r['lost']}), {r['deliveries_per_s']:,.0f}/s, p99 {r['latency_us']['p99']:,} us,"
                  f" max {r['latency_us']['max']:,} us, server CPU {r.get('server_cpu_us_per_delivery', 0):.3f} us/delivery,"
                  f" registered {r['registered']}/{r['clients']}")
            rc = load(os.path.join(out, f"{case}.{s}.{rate}.counted"))
            per = syscalls(os.path.join(out, f"{case}.{s}.{rate}.counted"), rc)
            if per:
                print(f"{'':>{len(case) + len(s) + 9}}counted run: {rc['received']:,}/{rc['expected']:,} delivered,"
                      f" p99 {rc['latency_us']['p99']:,} us; per delivery: {per['writes']:.4f} write calls ("
                      + ", ".join(f"{k} {per.get(k, 0):.4f}" for k in WRITES)
                      + f"), {per.get('all', 0):.4f} system calls")
print()
w = 56
peers = [s for s in servers if not s.startswith("hiconn")]
names = {"hiconn-defaults": "hiconn-dflt"}
print(f"{'figure':<{w}}" + "".join(f"{names.get(s, s):>12}" for s in servers)
      + "".join(f"{'hiconn/' + s:>16}" for s in peers))
for label, vals in rows.items():
    line = f"{label:<{w}}"
    digits = 3 if "calls per delivery" in label else 2
    for s in servers:
        v = vals.get(s)
        line += f"{(f'{v:,.{digits}f}' if isinstance(v, float) and v < 100 else f'{v:,.0f}' if v is not None else 'n/a'):>12}"
    h = vals.get("hiconn")
    for s in peers:
        v = vals.get(s)
        line += f"{(f'{h / v:.2f}' if h is not None and v else 'n/a'):>16}"
    print(line)
if "hiconn-defaults" in servers:
    print("\nhiconn = config/chat.json (send.coalesce_ms 10); hiconn-dflt = --workload chat, no config file"
          " (built-in defaults: no coalescing); the ratios are hiconn's.")
print("write calls = write + writev + sendto + sendmsg, counted by perf stat over the measured window")
if any(k.startswith("tls:") for k in rows):
    print("tls: RSS per client = (RSS once registered - RSS before) / registered, 2,000 idle clients, each run on a"
          " fresh server; TLS adds = TLS run - plain run")
print(f"\nraw RESULT lines: {out}")
EOF
