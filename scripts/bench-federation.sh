#!/usr/bin/env bash
# Federation benchmark: hiconn chat nodes that form one IRC network through Redis, against
# standalone hiconn, side by side in one run, all on loopback and driven by hiconn-load:
#   fanout:   3 federated nodes + Redis, 3,000 clients spread round robin over the nodes
#             (hiconn-load --servers: every channel has members on every node, so 2/3 of the
#             recipients of a message are on another node than its sender) in 30 channels,
#             60 senders at 6,000 msg/s; then the same load against 1 standalone node:
#             deliveries, loss, p50/p99 latency, server CPU per delivery (nodes + Redis, from
#             /proc/PID/stat, measured phase only) and the ratio federated/standalone;
#   scale:    4 federated nodes + Redis holding 12,500 registered idle clients each (50,000),
#             then the same on 4 standalone nodes: RSS growth (/proc/PID/status VmRSS, before
#             the first client vs everybody registered) summed over the nodes and Redis, per
#             client;
#   nodeloss: 3 federated nodes with clients sharing one channel; one node is SIGKILLed and a
#             small python3 client measures how long until the clients on the other nodes have
#             seen the QUIT of every user of the killed node.
# Every process it starts (redis-server, hiconn nodes) gets a free loopback port, is tracked
# by PID and stopped by PID at the end (never by name). Every wait is bounded.
#
# Environment: HICONN_BIN / HICONN_LOAD_BIN (skip the build), BENCH_QUICK=1 (a small fast
# variant: 300 clients in fanout, 2,000 idle clients per node, 10 users per node in nodeloss),
# BENCH_CASES (default "fanout scale nodeloss"), BENCH_DURATION (s of fan-out traffic, default
# 8; quick: 2), BENCH_HEARTBEAT_S / BENCH_NODE_TIMEOUT_S (the federation section, default 2 /
# 10), REDIS_SERVER (default redis-server), BENCH_OUT (raw RESULT lines, default a temp dir).
# Without federation in the hiconn binary (check-config rejects the "federation" section) the
# federated runs are skipped with a MISSING line and the standalone ones still run.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
QUICK=${BENCH_QUICK:-}
CASES=${BENCH_CASES:-"fanout scale nodeloss"}
HEARTBEAT_S=${BENCH_HEARTBEAT_S:-2}
NODE_TIMEOUT_S=${BENCH_NODE_TIMEOUT_S:-10}
REDIS_SERVER=${REDIS_SERVER:-redis-server}
PY=/usr/bin/python3
if [ -n "$QUICK" ]; then
    DURATION=${BENCH_DURATION:-2}
    FAN_CLIENTS=300 FAN_CHANNELS=30 FAN_SENDERS=60 FAN_RATE=600
    SCALE_PER_NODE=2000
    LOSS_PER_NODE=10
else
    DURATION=${BENCH_DURATION:-8}
    FAN_CLIENTS=3000 FAN_CHANNELS=30 FAN_SENDERS=60 FAN_RATE=6000
    SCALE_PER_NODE=12500
    LOSS_PER_NODE=50
fi
FAN_NODES=3
SCALE_NODES=4
LOSS_NODES=3
FD_PER_PROCESS=18000  # hiconn-load clients per process: the open-file limit here is 20,000
WORK=$(mktemp -d /tmp/hiconn-bench-federation.XXXXXX)
OUT=${BENCH_OUT:-$WORK/results}
mkdir -p "$OUT"
STARTED=()   # PIDs of every process this script started, stopped by PID

log() { echo "bench-federation: $*" >&2; }

stop_pid() {  # pid: SIGTERM, up to 30 s for a graceful stop, then SIGKILL
    local pid=$1
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}
stop_all() {
    local i
    for ((i = ${#STARTED[@]} - 1; i >= 0; i--)); do stop_pid "${STARTED[$i]}"; done
    STARTED=()
}
trap stop_all EXIT
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
command -v "$REDIS_SERVER" >/dev/null || { log "MISSING: $REDIS_SERVER (apt-get install redis-server)"; exit 1; }

free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# node_config FILE PORT NAME [REDIS_PORT]: config/chat.json for one node (send.coalesce_ms as
# it is there), 1 I/O thread, flood control and send queues opened up as in bench-chat.sh,
# and the federation section when REDIS_PORT is given.
node_config() {
    $PY - "$ROOT/config/chat.json" "$@" "$HEARTBEAT_S" "$NODE_TIMEOUT_S" <<'EOF'
import json, sys
src, out, port, name, *rest = sys.argv[1:]
redis = rest[0] if len(rest) == 3 else ""
heartbeat_s, node_timeout_s = int(rest[-2]), int(rest[-1])
c = json.load(open(src))
c.pop("$schema", None)
c["listen"] = [f"127.0.0.1:{port}"]
c["threads"] = 1
c["limits"].update({"max_connections": 19500, "max_send_queue_bytes": 67108864})
c["chat"]["server_name"] = name
c["chat"]["flood"] = {"messages_per_second": 100000, "burst": 100000, "max_queued": 100000}
c["stats"]["interval_s"] = 0
c["log"]["level"] = "warn"
if redis:
    c["federation"] = {"redis": f"127.0.0.1:{redis}", "heartbeat_s": heartbeat_s,
                       "node_timeout_s": node_timeout_s, "key_prefix": "hiconn:"}
json.dump(c, open(out, "w"), indent=2)
EOF
}

check_dir="$WORK/check"
mkdir -p "$check_dir"
node_config "$check_dir/standalone.json" 6667 n0.bench.local
if ! "$HICONN_BIN" check-config --config "$check_dir/standalone.json" >/dev/null 2>"$check_dir/standalone.err"; then
    log "MISSING: hiconn's chat workload ($(head -1 "$check_dir/standalone.err"))"; exit 1
fi
node_config "$check_dir/federated.json" 6667 n0.bench.local 6379
FEDERATION=1
if ! "$HICONN_BIN" check-config --config "$check_dir/federated.json" >/dev/null 2>"$check_dir/federated.err"; then
    log "MISSING: federation in $HICONN_BIN (check-config: $(head -1 "$check_dir/federated.err")) -- the federated runs are skipped"
    FEDERATION=""
fi

# --- processes -----------------------------------------------------------------------------
wait_listening() {  # port: up to 20 s
    for _ in $(seq 200); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    log "nothing listens on port $1"; return 1
}

redis_ping() {  # port: true once Redis answers +PONG
    $PY - "$1" <<'EOF'
import socket, sys
try:
    with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1) as s:
        s.sendall(b"PING\r\n")
        sys.exit(0 if s.recv(64).startswith(b"+PONG") else 1)
except OSError:
    sys.exit(1)
EOF
}

# start_redis DIR -> REDIS_PID, REDIS_PORT
start_redis() {
    local dir=$1
    mkdir -p "$dir"
    REDIS_PORT=$(free_port)
    (cd "$dir" && exec "$REDIS_SERVER" --save '' --appendonly no --port "$REDIS_PORT" --bind 127.0.0.1 \
        --daemonize no --dir "$dir") >"$dir/redis.log" 2>&1 &
    REDIS_PID=$!
    STARTED+=("$REDIS_PID")
    for _ in $(seq 100); do redis_ping "$REDIS_PORT" && return 0; sleep 0.1; done
    log "redis-server did not answer on port $REDIS_PORT (see $dir/redis.log)"; return 1
}

# start_nodes DIR COUNT [REDIS_PORT] -> NODE_PIDS, NODE_PORTS (arrays), SERVERS (--servers)
start_nodes() {
    local dir=$1 count=$2 redis=${3:-} i port
    NODE_PIDS=() NODE_PORTS=()
    mkdir -p "$dir"
    for ((i = 0; i < count; i++)); do
        port=$(free_port)
        node_config "$dir/node$i.json" "$port" "n$i.bench.local" $redis
        "$HICONN_BIN" run --config "$dir/node$i.json" >"$dir/node$i.log" 2>&1 &
        NODE_PIDS+=($!)
        STARTED+=($!)
        NODE_PORTS+=("$port")
    done
    for ((i = 0; i < count; i++)); do
        wait_listening "${NODE_PORTS[$i]}" || { log "node $i did not start (see $dir/node$i.log)"; return 1; }
    done
    SERVERS=$(printf '127.0.0.1:%s,' "${NODE_PORTS[@]}"); SERVERS=${SERVERS%,}
    # Federated nodes: one heartbeat period to find each other in Redis.
    [ -z "$redis" ] || sleep $((HEARTBEAT_S + 1))
}

# check_alive DIR: a node that exited during a run is reported (its log has the reason)
check_alive() {
    local i
    for i in "${!NODE_PIDS[@]}"; do
        kill -0 "${NODE_PIDS[$i]}" 2>/dev/null || log "node $i (pid ${NODE_PIDS[$i]}) exited during the run: see $1/node$i.log"
    done
}

pids_csv() { local IFS=,; echo "$*"; }

# load_run FILE args...: one hiconn-load run, its RESULT line into FILE
load_run() {
    local file=$1; shift
    timeout 1000 "$HICONN_LOAD_BIN" "$@" --threads 2 --no-progress >"$file" 2>"$file.err" || true
    if ! grep -q '^RESULT' "$file"; then log "no RESULT in $file ($(tail -1 "$file.err"))"; return 1; fi
}

# --- fanout ----------------------------------------------------------------------------------
fanout() {  # variant: federated | standalone
    local variant=$1 dir="$WORK/fanout-$1" pids
    mkdir -p "$dir"
    if [ "$variant" = federated ]; then
        start_redis "$dir/redis" || return 1
        start_nodes "$dir" "$FAN_NODES" "$REDIS_PORT" || return 1
        pids=$(pids_csv "${NODE_PIDS[@]}" "$REDIS_PID")
    else
        start_nodes "$dir" 1 || return 1
        pids=${NODE_PIDS[0]}
    fi
    log "fanout / $variant: $FAN_CLIENTS clients on ${#NODE_PIDS[@]} node(s), $FAN_CHANNELS channels, $FAN_SENDERS senders, $FAN_RATE msg/s, ${DURATION} s"
    load_run "$OUT/fanout.$variant" chat --servers "$SERVERS" --server-pid "$pids" \
        -c "$FAN_CLIENTS" --channels "$FAN_CHANNELS" --senders "$FAN_SENDERS" --rate "$FAN_RATE" \
        -d "$DURATION" --concurrency 1000 --connect-timeout 60 --timeout 600 --nick-prefix "f" || true
    check_alive "$dir"
    stop_all
}

# --- scale -----------------------------------------------------------------------------------
scale() {  # variant: federated | standalone
    local variant=$1 dir="$WORK/scale-$1" pids total procs sources
    mkdir -p "$dir"
    total=$((SCALE_NODES * SCALE_PER_NODE))
    procs=$(( (total + FD_PER_PROCESS - 1) / FD_PER_PROCESS ))
    if [ "$procs" -gt 1 ]; then
        echo "scale / $variant: $total clients exceed one process's open-file limit (20,000): hiconn-load runs $procs worker processes (--procs $procs)"
    else
        echo "scale / $variant: $total clients fit in one hiconn-load process (open-file limit 20,000)"
    fi
    # Own source addresses per variant (the other variant's closed connections linger in
    # TIME_WAIT), at least one per worker process.
    local base=4; [ "$variant" = federated ] || base=5
    sources=$(for ((i = 1; i <= (procs > 4 ? procs : 4); i++)); do printf '127.0.%s.%s,' "$base" "$i"; done)
    sources=${sources%,}
    if [ "$variant" = federated ]; then
        start_redis "$dir/redis" || return 1
        start_nodes "$dir" "$SCALE_NODES" "$REDIS_PORT" || return 1
        pids=$(pids_csv "${NODE_PIDS[@]}" "$REDIS_PID")
    else
        start_nodes "$dir" "$SCALE_NODES" || return 1
        pids=$(pids_csv "${NODE_PIDS[@]}")
    fi
    log "scale / $variant: $total idle clients on $SCALE_NODES nodes ($SCALE_PER_NODE each), sources $sources"
    load_run "$OUT/scale.$variant" chat --servers "$SERVERS" --server-pid "$pids" --procs "$procs" \
        --sources "$sources" -c "$total" --channels $((total / 20)) --senders 0 -d 3 \
        --concurrency 1000 --connect-timeout 120 --timeout 900 --nick-prefix "i" || true
    check_alive "$dir"
    stop_all
}

# --- nodeloss --------------------------------------------------------------------------------
nodeloss() {
    local dir="$WORK/nodeloss" victim=$((LOSS_NODES - 1))
    mkdir -p "$dir"
    start_redis "$dir/redis" || return 1
    start_nodes "$dir" "$LOSS_NODES" "$REDIS_PORT" || return 1
    log "nodeloss: $LOSS_PER_NODE users on each of $LOSS_NODES nodes in one channel; SIGKILL node $victim (pid ${NODE_PIDS[$victim]}: bash may report it as 'Killed')"
    timeout $((NODE_TIMEOUT_S * 4 + 150)) $PY - "$OUT/nodeloss.json" "$LOSS_PER_NODE" "${NODE_PIDS[$victim]}" \
        "$NODE_TIMEOUT_S" "${NODE_PORTS[@]}" <<'EOF' || log "nodeloss: the client failed (see above)"
# Registers PER_NODE users on every node, all in #loss; once every user on a surviving node
# knows every user of the last node (NAMES / JOIN), SIGKILLs that node and times, for each
# surviving user, when it has seen the QUIT (or PART/KILL) of every user of the killed node.
import json, os, selectors, signal, socket, sys, time
out, per_node, victim_pid, node_timeout_s = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
ports = [int(p) for p in sys.argv[5:]]
victim = len(ports) - 1
CHANNEL = "#loss"
sel = selectors.DefaultSelector()

class User:
    def __init__(self, node, i):
        self.node, self.nick = node, f"nl{node}x{i}"
        self.sock = socket.create_connection(("127.0.0.1", ports[node]), timeout=10)
        self.sock.setblocking(False)
        self.buf, self.out = b"", b""
        self.joined, self.members, self.gone, self.done_at = False, set(), set(), None
        self.send(f"NICK {self.nick}\r\nUSER {self.nick} 0 * :nodeloss\r\n")
        sel.register(self.sock, selectors.EVENT_READ, self)
    def send(self, text):
        self.out += text.encode()
        try:
            n = self.sock.send(self.out)
            self.out = self.out[n:]
        except BlockingIOError:
            pass
        except OSError:
            self.out = b""
    def lines(self):
        try:
            data = self.sock.recv(65536)
        except BlockingIOError:
            return []
        except OSError:
            data = b""
        if not data:
            sel.unregister(self.sock)
            self.sock.close()
            self.closed = True
            return []
        self.buf += data
        *done, self.buf = self.buf.split(b"\n")
        return [l.rstrip(b"\r").decode(errors="replace") for l in done]
    closed = False

def handle(u, line, now):
    prefix = ""
    if line.startswith(":"):
        prefix, _, line = line[1:].partition(" ")
    cmd, _, rest = line.partition(" ")
    who = prefix.split("!", 1)[0]
    if cmd == "PING":
        u.send(f"PONG {rest}\r\n")
    elif cmd in ("376", "422"):
        u.send(f"JOIN {CHANNEL}\r\n")
    elif cmd == "366":
        u.joined = True
    elif cmd == "353":
        u.members.update(n.lstrip("@+") for n in rest.split(" :", 1)[-1].split())
    elif cmd == "JOIN":
        u.members.add(who)
    elif cmd in ("QUIT", "PART", "KILL"):
        target = rest.split()[0] if cmd == "KILL" and rest else who
        u.members.discard(target)
        if killed_at is not None and target in victims:
            u.gone.add(target)
            if u.done_at is None and u.gone >= victims:
                u.done_at = now - killed_at
            reason = (rest[1:] if rest.startswith(":") else rest.split(" :", 1)[-1])[:80]
            quit_reasons[reason] = quit_reasons.get(reason, 0) + 1

def pump(until, done):
    while time.monotonic() < until and not done():
        for u in users:
            if u.out and not u.closed:
                u.send("")
        for key, _ in sel.select(timeout=0.2):
            u = key.data
            now = time.monotonic()
            for line in u.lines():
                handle(u, line, now)

killed_at, quit_reasons = None, {}
users = [User(n, i) for n in range(len(ports)) for i in range(per_node)]
victims = {u.nick for u in users if u.node == victim}
observers = [u for u in users if u.node != victim]
result = {"users_per_node": per_node, "nodes": len(ports), "observers": len(observers),
          "victims": len(victims), "node_timeout_s": node_timeout_s, "ok": False}
pump(time.monotonic() + 60, lambda: all(u.joined for u in users))
result["joined"] = sum(u.joined for u in users)
# Every observer must know every victim first (federated JOINs / NAMES).
t0 = time.monotonic()
pump(t0 + 60, lambda: all(victims <= u.members for u in observers))
result["victims_known_by"] = sum(victims <= u.members for u in observers)
result["sync_s"] = time.monotonic() - t0
if result["victims_known_by"] == len(observers):
    killed_at = time.monotonic()
    os.kill(victim_pid, signal.SIGKILL)
    pump(killed_at + node_timeout_s * 4 + 60, lambda: all(u.done_at is not None for u in observers))
    times = sorted(u.done_at for u in observers if u.done_at is not None)
    result.update(complete=len(times), quits_seen=sum(len(u.gone) for u in observers),
                  quits_expected=len(observers) * len(victims), quit_reasons=quit_reasons,
                  first_s=times[0] if times else None, median_s=times[len(times) // 2] if times else None,
                  last_s=times[-1] if times else None, ok=len(times) == len(observers))
else:
    print(f"nodeloss: only {result['victims_known_by']}/{len(observers)} users on the other nodes "
          f"saw every user of node {victim} join within 60 s: not killing it", file=sys.stderr)
json.dump(result, open(out, "w"))
print("nodeloss:", json.dumps(result), file=sys.stderr)
EOF
    check_alive "$dir" 2>/dev/null || true
    stop_all
}

# --- run -----------------------------------------------------------------------------------
for case in $CASES; do
    case $case in
        fanout|scale)
            if [ -n "$FEDERATION" ]; then "$case" federated || { log "$case / federated failed"; stop_all; }; fi
            "$case" standalone || { log "$case / standalone failed"; stop_all; } ;;
        nodeloss)
            if [ -n "$FEDERATION" ]; then nodeloss || { log "nodeloss failed"; stop_all; }
            else log "nodeloss: skipped (needs federation)"; fi ;;
        *) log "unknown case '$case' (fanout, scale, nodeloss)" ;;
    esac
done

# --- report ------------------------------------------------------------------------------
$PY - "$OUT" "$FAN_NODES" "$SCALE_NODES" <<'EOF'
import json, os, sys
out, fan_nodes, scale_nodes = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def load(name):
    try:
        return json.loads(next(l for l in open(os.path.join(out, name)) if l.startswith("RESULT "))[7:])
    except (OSError, StopIteration):
        return None
def fmt(v):
    if v is None: return "n/a"
    if isinstance(v, float) and abs(v) < 100: return f"{v:,.2f}"
    return f"{v:,.0f}"
def ratio(a, b):
    return f"{a / b:.2f}" if isinstance(a, (int, float)) and isinstance(b, (int, float)) and b else "n/a"
def table(title, rows, names):
    w = 52
    print(f"\n{title}\n{'figure':<{w}}" + "".join(f"{n:>14}" for n in names) + f"{'fed/standalone':>16}")
    for label, vals in rows:
        print(f"{label:<{w}}" + "".join(f"{fmt(v):>14}" for v in vals) + f"{ratio(*vals):>16}")

fan = {v: load(f"fanout.{v}") for v in ("federated", "standalone")}
if any(fan.values()):
    for v, r in fan.items():
        if not r: continue
        print(f"fanout {v}: registered {r['registered']}/{r['clients']}, sent {r['sent']}, deliveries "
              f"{r['received']}/{r['expected']} (lost {r['lost']}, cross-node {r.get('received_remote', 0)}/"
              f"{r.get('expected_remote', 0)}), {r['deliveries_per_s']:,.0f}/s, p50 {r['latency_us']['p50']:,} us, "
              f"p99 {r['latency_us']['p99']:,} us, server CPU {r.get('server_cpu_us_per_delivery', 0):.3f} us/delivery")
        for p in r.get("server_processes", []):
            print(f"    pid {p['pid']}: CPU {p['cpu_s']:.2f} s in the measured phase, RSS {p['rss_start']:,} -> {p['rss_end']:,}")
        for p in r.get("per_server", []):
            print(f"    {p['server']}: registered {p['registered']}/{p['clients']}, sent {p['sent']}, "
                  f"received {p['received']}/{p['expected']} (lost {p['lost']})")
    f, s = fan["federated"] or {}, fan["standalone"] or {}
    def g(r, key, sub=None):
        v = r.get(key)
        return v.get(sub) if sub and isinstance(v, dict) else v
    table(f"fanout: {fan_nodes} federated nodes + Redis vs 1 standalone node (server CPU = nodes + Redis, measured phase)",
          [("registered clients", [g(f, "registered"), g(s, "registered")]),
           ("deliveries received", [g(f, "received"), g(s, "received")]),
           ("deliveries expected", [g(f, "expected"), g(s, "expected")]),
           ("lost", [g(f, "lost"), g(s, "lost")]),
           ("loss ratio", [g(f, "loss_ratio"), g(s, "loss_ratio")]),
           ("cross-node deliveries received", [g(f, "received_remote"), g(s, "received_remote")]),
           ("deliveries/s", [g(f, "deliveries_per_s"), g(s, "deliveries_per_s")]),
           ("latency p50 us", [g(f, "latency_us", "p50"), g(s, "latency_us", "p50")]),
           ("latency p99 us", [g(f, "latency_us", "p99"), g(s, "latency_us", "p99")]),
           ("cross-node latency p50 us", [g(f, "latency_remote_us", "p50"), None]),
           ("cross-node latency p99 us", [g(f, "latency_remote_us", "p99"), None]),
           ("server CPU us/delivery", [g(f, "server_cpu_us_per_delivery"), g(s, "server_cpu_us_per_delivery")])],
          ["federated", "standalone"])

sc = {v: load(f"scale.{v}") for v in ("federated", "standalone")}
if any(sc.values()):
    print()
    for v, r in sc.items():
        if not r: continue
        print(f"scale {v}: registered {r['registered']}/{r['clients']} with {r['procs']} hiconn-load process(es), "
              f"failed {r['register_failed']}, registration {r.get('register_s', 0):.1f} s")
        for p in r.get("server_processes", []):
            grown = p["rss_ready"] - p["rss_start"]
            print(f"    pid {p['pid']}: RSS {p['rss_start']:,} -> {p['rss_ready']:,} (+{grown:,} bytes), "
                  f"registration CPU {p['cpu_setup_s']:.2f} s")
    f, s = sc["federated"] or {}, sc["standalone"] or {}
    def per_client(r):
        return r.get("server_rss_per_client") if r else None
    def cpu_per_reg(r):
        return r["server_cpu_setup_s"] * 1e6 / r["registered"] if r and r.get("registered") and "server_cpu_setup_s" in r else None
    table(f"scale: {scale_nodes} nodes ({'+ Redis, ' if f else ''}RSS summed over every process, before the first client vs all registered)",
          [("registered idle clients", [f.get("registered"), s.get("registered")]),
           ("RSS growth bytes (sum)", [(f.get("server_rss_ready", 0) - f.get("server_rss_start", 0)) if f else None,
                                       (s.get("server_rss_ready", 0) - s.get("server_rss_start", 0)) if s else None]),
           ("RSS growth bytes/client", [per_client(f), per_client(s)]),
           ("server CPU us per registration", [cpu_per_reg(f), cpu_per_reg(s)])],
          ["federated", "standalone"])

try:
    nl = json.load(open(os.path.join(out, "nodeloss.json")))
except (OSError, ValueError):
    nl = None
if nl:
    print(f"\nnodeloss: {nl['nodes']} federated nodes, {nl['users_per_node']} users each in one channel; the last node "
          f"SIGKILLed (node_timeout_s {nl['node_timeout_s']}, heartbeat {os.environ.get('BENCH_HEARTBEAT_S', '2')} s)")
    if "first_s" in nl:
        print(f"  QUITs of the killed node's {nl['victims']} users seen by {nl['complete']}/{nl['observers']} users on the "
              f"other nodes ({nl['quits_seen']}/{nl['quits_expected']} QUITs): first complete after "
              f"{fmt(nl['first_s'])} s, median {fmt(nl['median_s'])} s, last {fmt(nl['last_s'])} s")
        print(f"  QUIT reasons: {nl['quit_reasons']}")
    else:
        print(f"  not measured: {nl['victims_known_by']}/{nl['observers']} users knew the victims "
              f"({nl['joined']} joined)")
print(f"\nraw RESULT lines: {out}")
EOF
