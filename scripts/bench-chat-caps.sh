#!/usr/bin/env bash
# What IRCv3 capabilities cost hiconn's chat fan-out (issue 14's targets), side by side in one
# run: fanout-a of bench-chat.sh (2,000 clients in 20 channels, 50 senders, 8,000 msg/s, the
# shipped config/chat.json) without capabilities, and with half of the clients (every 2nd)
# requesting "server-time message-tags", so every broadcast has two recipient variants.
# Rounds alternate the two, each on a fresh server; prints the median server CPU per
# delivery of each, their ratio (target <= 1.2), and RSS per registered client (its
# "ready" sample, after registration and joins) of each.
#   scripts/bench-chat-caps.sh          (ROUNDS=3, DURATION=8, BUILD=build/release)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build/release}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-8}
CAPS="server-time message-tags"
if [[ ! -x $BUILD/src/hiconn || ! -x $BUILD/src/hiconn-load ]]; then
    cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$BUILD" --target hiconn hiconn-load -j2 >/dev/null
fi
WORK=$(mktemp -d)
SERVER_PID=""
cleanup() { [[ -z $SERVER_PID ]] || kill "$SERVER_PID" 2>/dev/null || true; }
trap cleanup EXIT
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# run NAME ROUND [load options...]: one fan-out on a fresh server into $WORK/NAME.ROUND
run() {
    local name=$1 round=$2 port
    shift 2
    port=$(free_port)
    "$BUILD/src/hiconn" run --config "$ROOT/config/chat.json" --listen "127.0.0.1:$port" \
        --set limits.max_connections=19500 --set chat.flood.messages_per_second=100000 \
        --set chat.flood.burst=100000 --set chat.flood.max_queued=100000 \
        --set limits.max_send_queue_bytes=67108864 --set stats.interval_s=0 --log-level warn \
        >"$WORK/$name.$round.server" 2>&1 &
    SERVER_PID=$!
    sleep 0.5
    timeout 120 "$BUILD/src/hiconn-load" chat --port "$port" --server-pid "$SERVER_PID" \
        --concurrency 1000 --sources 127.0.1.1,127.0.1.2 --connect-timeout 60 --timeout 100 \
        --threads 2 --no-progress -c 2000 --channels 20 --senders 50 --rate 8000 -d "$DURATION" \
        --nick-prefix "r${round}" "$@" >"$WORK/$name.$round" 2>"$WORK/$name.$round.err" || true
    kill "$SERVER_PID" && wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
    grep -q '^RESULT' "$WORK/$name.$round" || { echo "bench-chat-caps: no RESULT ($name, round $round)" >&2; exit 1; }
}

for round in $(seq 1 "$ROUNDS"); do
    echo "round $round/$ROUNDS" >&2
    run plain "$round"
    run caps "$round" --caps "$CAPS" --caps-every 2
done

/usr/bin/python3 - "$WORK" "$ROUNDS" <<'EOF'
import json, statistics, sys
work, rounds = sys.argv[1], int(sys.argv[2])
def results(name):
    out = []
    for r in range(1, rounds + 1):
        line = next(l for l in open(f"{work}/{name}.{r}") if l.startswith("RESULT "))
        out.append(json.loads(line[7:]))
    return out
plain, caps = results("plain"), results("caps")
for name, rs in (("no capabilities", plain), ("half with server-time + message-tags", caps)):
    lost = sum(r["lost"] for r in rs)
    print(f"{name}: CPU per delivery {[round(r['server_cpu_us_per_delivery'], 3) for r in rs]} us"
          f" (median {statistics.median(r['server_cpu_us_per_delivery'] for r in rs):.3f}),"
          f" RSS per registered client {[round((r['server_rss_ready'] - r['server_rss_start']) / 2000) for r in rs]} B,"
          f" lost {lost}")
ratio = statistics.median(r["server_cpu_us_per_delivery"] for r in caps) / \
        statistics.median(r["server_cpu_us_per_delivery"] for r in plain)
print(f"ratio caps / no caps, CPU per delivery: {ratio:.2f}x (target <= 1.2)")
EOF
