#!/usr/bin/env bash
# The Windows half of CI, on Linux: cross-builds hiconn (mingw-w64), then under Wine 8
#   1. the Catch2 unit tests (ctest through the toolchain's Wine emulator),
#   2. a console run (echo, Ctrl-C = graceful stop); the echo and chat integration tests
#      against hiconn.exe from Linux clients; the load tool's tests with hiconn-load.exe;
#      federation: hiconn.exe and the Linux hiconn (build/release, built here when needed)
#      as two nodes of one IRC network on a private Linux redis-server,
#   3. the service lifecycle with hiconn's own commands: install, start, echo, pause
#      (new connection refused, old one served, stays PAUSED with no connection), continue,
#      reload, stop (process exits, port closes), uninstall; starts that fail with a
#      service-specific code (bind error, config error); the `service` entry started by hand,
#   4. the same service with sc.exe: create, start, query, stop, delete;
#   5. the .zip package (scripts/package.sh zip) holds both executables, configs and README.
# Every step is checked and bounded by a deadline; the first wrong step fails the run.
# What Wine cannot do (sc pause/continue, delayed auto-start, recovery actions, SHUTDOWN)
# is listed in docs/windows.md under "Checked only on Windows".
# Logs: build/windows/test-logs/ (wine-session.log, the federation nodes' and Redis' logs
# fed-*.log, the service logs).
# Usage: scripts/test-windows.sh   (as root when packages are missing; CI=true in .ci/run)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$ROOT/build/windows
LOGS=$BUILD/test-logs
W=/usr/lib/wine/wine64
S=/usr/lib/wine/wineserver
DEADLINE_S=${HICONN_WINE_DEADLINE_S:-30}
STARTED=$SECONDS
trap 'echo "test-windows: FAILED at line $LINENO: $BASH_COMMAND" >&2' ERR

say() { printf '\n== [%3ds] %s\n' $((SECONDS - STARTED)) "$*"; }
ok() { printf '   ok: %s\n' "$*"; }
fail() {
    printf '\ntest-windows: FAILED: %s\n' "$*" >&2
    for f in "$LOGS"/*.log; do
        [[ -s $f ]] || continue
        printf -- '--- last lines of %s\n' "$f" >&2
        tail -n 25 "$f" >&2
    done
    exit 1
}

# --- packages ----------------------------------------------------------------------------
# libhiredis-dev and libssl-dev: their versions pick the hiredis and OpenSSL sources that
# build-windows-deps.sh cross-builds (dpkg-source from dpkg-dev unpacks them; OpenSSL's
# Configure needs perl); redis-server: a Linux one for the tests under Wine.
PACKAGES=(g++-mingw-w64-x86-64-posix wine64 libboost1.81-dev libboost-program-options1.81-dev
          nlohmann-json3-dev catch2 libspdlog-dev libhiredis-dev libssl-dev dpkg-dev perl make
          python3-pytest python3-irc tmux irssi weechat-headless iproute2 procps redis-server)
missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
    say "installing ${missing[*]}"
    [[ $(id -u) == 0 ]] || fail "packages missing and not root: apt-get install ${missing[*]}"
    apt-get update -qq
    # No system redis-server may start on install (the tests start their own on an ephemeral
    # port): it is installed with a policy-rc.d that answers 101, for that install only, as in
    # scripts/setup.sh; a policy-rc.d the machine already has is kept, and the service stopped.
    others=()
    for p in "${missing[@]}"; do [[ $p == redis-server ]] || others+=("$p"); done
    install=(apt-get install -y -qq --no-install-recommends)
    export DEBIAN_FRONTEND=noninteractive
    ((${#others[@]} == 0)) || "${install[@]}" "${others[@]}" >/dev/null
    if [[ " ${missing[*]} " == *" redis-server "* ]]; then
        POLICY=/usr/sbin/policy-rc.d
        if [[ -e $POLICY ]]; then
            "${install[@]}" redis-server >/dev/null
            invoke-rc.d redis-server stop >/dev/null 2>&1 || true
        else
            trap 'rm -f "$POLICY"' EXIT
            printf '#!/bin/sh\n# scripts/test-windows.sh (hiconn): no service starts during its install\nexit 101\n' >"$POLICY"
            chmod 755 "$POLICY"
            "${install[@]}" redis-server >/dev/null
            rm -f "$POLICY"
            trap - EXIT
        fi
    fi
fi

# --- cross build -------------------------------------------------------------------------
say "cross build"
"$ROOT/scripts/build-windows.sh"
EXE=$BUILD/src/hiconn.exe

# --- the Linux hiconn, for the federation step (a Linux node beside the Windows one) -------
# The Release tree of scripts/test.sh (build/release, every option named as there, so the
# two scripts never reconfigure each other). Built every run: a no-op when it is current,
# and a build/release/src/hiconn older than the sources (e.g. one without federation) is
# brought up to date instead of being tested.
say "Linux hiconn (build/release) for the federation step"
LINUX_BUILD=$ROOT/build/release
LINUX_EXE=$LINUX_BUILD/src/hiconn
cmake -S "$ROOT" -B "$LINUX_BUILD" -DCMAKE_BUILD_TYPE=Release -DHICONN_BUILD_TESTS=ON \
    -DHICONN_SANITIZE= >/dev/null || fail "configure $LINUX_BUILD"
cmake --build "$LINUX_BUILD" -j"${HICONN_JOBS:-2}" --target hiconn >/dev/null ||
    fail "build $LINUX_EXE"
[[ -x $LINUX_EXE ]] || fail "$LINUX_EXE was not built"
ok "$LINUX_EXE"

# --- Wine session ------------------------------------------------------------------------
# One fresh prefix per run inside the build dir. The session that creates a prefix runs two
# services.exe (service calls then reach either one), so end it and open a second one.
# The server is persistent (-p): otherwise Wine ends the session, services included, ~1 s
# after the last ordinary process. Wine's daemons inherit the fds of whoever starts the
# session, so it is started with all of them redirected.
say "Wine session"
export WINEPREFIX=$BUILD/wineprefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
rm -rf "$WINEPREFIX" "$LOGS"
mkdir -p "$LOGS" "$WINEPREFIX"  # wineserver needs the folder to exist
SESSION_LOG=$LOGS/wine-session.log
# On any exit: the Linux processes this script started (by PID), then the wineserver.
CLEANUP_PIDS=()
cleanup() {
    local pid
    for pid in "${CLEANUP_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    "$S" -k >/dev/null 2>&1 || true
}
trap cleanup EXIT
"$S" -k >/dev/null 2>&1 || true
"$S" -p </dev/null >/dev/null 2>&1
"$W" wineboot -i </dev/null >/dev/null 2>>"$SESSION_LOG" || fail "wineboot -i"
"$S" -k >/dev/null 2>&1 || true
"$S" -p </dev/null >/dev/null 2>&1
"$W" wineboot </dev/null >/dev/null 2>>"$SESSION_LOG" || fail "wineboot"
ok "prefix $WINEPREFIX, persistent wineserver"

# --- helpers -----------------------------------------------------------------------------
free_port() {
    /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
listening() { ss -ltnH "sport = :$1" | grep -q LISTEN; }
# wait_for DESCRIPTION COMMAND...: polls COMMAND until it succeeds or the deadline passes.
wait_for() {
    local what=$1 end=$((SECONDS + DEADLINE_S))
    shift
    until "$@"; do
        ((SECONDS < end)) || fail "timed out after ${DEADLINE_S}s waiting for: $what"
        sleep 0.05
    done
}
not() { ! "$@"; }
gone() { ! kill -0 "$1" 2>/dev/null; }
refused() { ! (exec 5<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# echo_on FD TEXT: sends a line on an open connection and expects it back byte for byte.
echo_on() {
    local fd=$1 text=$2 line=''
    printf '%s\n' "$text" >&"$fd" || fail "write to the echo connection failed"
    IFS= read -r -t 10 line <&"$fd" || fail "no echo for '$text'"
    [[ $line == "$text" ]] || fail "echo mismatch: sent '$text', got '$line'"
}
# hiconn WORD ARGS... (through Wine); output in $OUT, exit status in $RC.
hiconn() {
    set +e
    OUT=$("$W" "$EXE" "$@" 2>&1)
    RC=$?
    set -e
    printf '%s\n' "$OUT" | sed 's/^/   | /'
}
expect_rc() { [[ $RC == "$1" ]] || fail "$2: exit status $RC, expected $1"; }
expect_out() { grep -qF -- "$1" <<<"$OUT" || fail "$2: output lacks '$1'"; }
expect_state() {
    hiconn status --name "$1"
    expect_rc 0 "status $1"
    expect_out "service $1: $2" "status $1 should be $2"
    ok "status: $2"
}
service_pid() { pgrep -f -- "service --config .* --name $1\$" || true; }

# --- 1. unit tests -----------------------------------------------------------------------
say "unit tests under Wine"
ctest --test-dir "$BUILD" --output-on-failure --no-tests=error --timeout 300 || fail "unit tests"

# --- 2a. console run: echo, then Ctrl-C ----------------------------------------------------
# Wine turns SIGINT into CTRL_C_EVENT for the console handler (SIGTERM just kills).
say "console run under Wine: echo, Ctrl-C stops gracefully"
PORT=$(free_port)
"$W" "$EXE" run --listen "127.0.0.1:$PORT" --threads 2 </dev/null >"$LOGS/console-run.log" 2>&1 &
CONSOLE_PID=$!
wait_for "console hiconn.exe listening on $PORT" listening "$PORT"
exec 3<>"/dev/tcp/127.0.0.1/$PORT"
echo_on 3 "console echo"
exec 3>&-
kill -INT "$CONSOLE_PID"
wait_for "console hiconn.exe exits after Ctrl-C" gone "$CONSOLE_PID"
set +e; wait "$CONSOLE_PID"; RC=$?; set -e
expect_rc 0 "console run stopped by Ctrl-C"
grep -q "stopped:" "$LOGS/console-run.log" || fail "no graceful stop line after Ctrl-C"
ok "console: echoed, Ctrl-C -> graceful stop, exit 0"

# --- 2b. echo, chat and load-tool integration tests ---------------------------------------
# test_echo_control.py (POSIX signals) and test_echo_exhaustion.py (RLIMIT_NOFILE) skip
# themselves under Wine -- pause/continue is checked through the service below; so do the
# load tool's POSIX-only tests. Deselected here, with the reason:
#  - two_thousand_concurrent, 5000_clients: Wine accepts ~40-60 connections/s through its
#    AcceptEx emulation, and a part of 2000 simultaneous connects are reset; a Wine limit,
#    not an hiconn one (5,000 chat clients take ~85 s).
#  - never_reads: under Wine the server's sends to a client that never reads keep
#    completing, so the send-queue cap is not reached within the test's deadline.
#    Back-pressure is checked on Linux and listed in docs/windows.md for real Windows.
WINE_DESELECT="not two_thousand_concurrent and not never_reads and not 5000_clients"
# integration_under_wine WHAT FILES...: pytest against hiconn.exe (and hiconn-load.exe) in Wine
integration_under_wine() {
    local what=$1
    shift
    [[ -e $1 ]] || fail "no $what integration tests found ($1): they must run under Wine"
    local select=${WINE_SELECT:-$WINE_DESELECT}
    say "$what integration tests against hiconn.exe (${*##*/}; -k '$select')"
    (cd "$ROOT/tests/integration" &&
        HICONN_BIN=$EXE HICONN_CMD_PREFIX=$W HICONN_SOURCE_DIR=$ROOT \
        HICONN_LOAD_BIN=$BUILD/src/hiconn-load.exe HICONN_LOAD_PREFIX=$W \
        /usr/bin/python3 -m pytest -q -rs -p no:cacheprovider -k "$select" "$@") ||
        fail "$what integration tests under Wine"
}
integration_under_wine echo "$ROOT"/tests/integration/test_echo*.py
integration_under_wine chat "$ROOT"/tests/integration/test_chat*.py
integration_under_wine "TLS (echo and chat)" "$ROOT"/tests/integration/test_tls*.py
integration_under_wine "load tool (hiconn-load.exe)" "$ROOT"/tests/integration/test_load_tool.py
# WebSocket: echo over ws:// and wss:// (many connections, fragments, ping/pong, the close
# handshake) and chat over ws:// beside a TCP client, both subprotocols, against hiconn.exe.
WINE_SELECT="echo_is_byte_exact or ping_gets_pong or chat_over_websocket or bad_frames" \
    integration_under_wine "WebSocket (echo and chat)" "$ROOT"/tests/integration/test_websocket.py

# --- 2c. federation: a Windows node and a Linux node of one network -----------------------
# A Linux redis-server of our own (free loopback port, no persistence), hiconn.exe under
# Wine as node irc.win.test and the Linux hiconn as node irc.linux.test (heartbeat 1 s,
# node timeout 3 s). One IRC client on each node: both register and join one channel; the
# channel's NAMES on each node lists the other node's user; a channel PRIVMSG and a private
# PRIVMSG cross Windows -> Linux and Linux -> Windows, each seen exactly once (counted after
# a fence: a later message of the same sender, then a PING round trip on both connections);
# a QUIT crosses. Then both nodes stop gracefully (Ctrl-C for hiconn.exe, SIGTERM for the
# Linux one): exit 0, "stopped:" logged, and the Linux node hears the Windows node's goodbye.
# Every process is stopped by its PID; every wait is bounded by DEADLINE_S.
say "federation: hiconn.exe (Wine) and the Linux hiconn as two nodes on one Redis"
FED_DIR=$BUILD/federation-test
rm -rf "$FED_DIR"
mkdir -p "$FED_DIR"
REDIS_PORT=$(free_port)
/usr/bin/redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
    --dir "$FED_DIR" </dev/null >"$LOGS/fed-redis.log" 2>&1 &
REDIS_PID=$!
CLEANUP_PIDS+=("$REDIS_PID")
redis_pong() {
    local line=''
    { exec 4<>"/dev/tcp/127.0.0.1/$REDIS_PORT"; } 2>/dev/null || return 1
    printf 'PING\r\n' >&4
    IFS= read -r -t 5 line <&4 || true
    exec 4>&-
    [[ $line == $'+PONG\r' ]]
}
wait_for "redis-server answering PING on $REDIS_PORT" redis_pong
ok "redis-server pid $REDIS_PID on 127.0.0.1:$REDIS_PORT"

WIN_NODE=irc.win.test
LINUX_NODE=irc.linux.test
WIN_PORT=$(free_port)
LINUX_PORT=$(free_port)
# fed_config NODE PORT: a chat node of network FedNet on our Redis.
fed_config() {
    cat <<JSON
{"workload": "chat", "listen": ["127.0.0.1:$2"], "threads": 2, "log": {"level": "info"},
 "stats": {"interval_s": 0}, "timeouts": {"linger_s": 1},
 "chat": {"server_name": "$1", "network_name": "FedNet",
          "flood": {"messages_per_second": 1000, "burst": 1000, "max_queued": 1000}},
 "federation": {"redis": "127.0.0.1:$REDIS_PORT", "password": "", "heartbeat_s": 1,
                "node_timeout_s": 3, "key_prefix": "hiconn:"}}
JSON
}
fed_config "$WIN_NODE" "$WIN_PORT" >"$FED_DIR/win.json"
fed_config "$LINUX_NODE" "$LINUX_PORT" >"$FED_DIR/linux.json"
WIN_LOG=$LOGS/fed-win-node.log
LINUX_LOG=$LOGS/fed-linux-node.log
"$W" "$EXE" run --config "$FED_DIR/win.json" </dev/null >"$WIN_LOG" 2>&1 &
WIN_PID=$!
CLEANUP_PIDS+=("$WIN_PID")
"$LINUX_EXE" run --config "$FED_DIR/linux.json" </dev/null >"$LINUX_LOG" 2>&1 &
LINUX_PID=$!
CLEANUP_PIDS+=("$LINUX_PID")
joined() { grep -q "federation: node $1 joined network FedNet" "$2"; }
wait_for "$WIN_NODE (hiconn.exe) listening on $WIN_PORT" listening "$WIN_PORT"
wait_for "$LINUX_NODE (Linux) listening on $LINUX_PORT" listening "$LINUX_PORT"
wait_for "$WIN_NODE joined the network" joined "$WIN_NODE" "$WIN_LOG"
wait_for "$LINUX_NODE joined the network" joined "$LINUX_NODE" "$LINUX_LOG"
ok "$WIN_NODE: hiconn.exe pid $WIN_PID, port $WIN_PORT; $LINUX_NODE: Linux pid $LINUX_PID, port $LINUX_PORT"

# The two clients; every read is bounded by the deadline, the whole script by 4x it.
timeout $((DEADLINE_S * 4)) /usr/bin/python3 - "$WIN_PORT" "$WIN_NODE" "$LINUX_PORT" \
    "$LINUX_NODE" "$DEADLINE_S" <<'PY' || fail "federation between $WIN_NODE and $LINUX_NODE"
import socket, sys, time

win_port, win_node, linux_port, linux_node = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
DEADLINE = float(sys.argv[5])
CHANNEL = "#fedwin"


class Fail(Exception):
    pass


def numeric(line):
    parts = line.split(" ", 2)
    return parts[1] if line.startswith(":") and len(parts) > 2 and parts[1].isdigit() else None


class Irc:
    """One IRC connection; every line received is kept in `history`."""

    def __init__(self, port, nick, node, side):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=DEADLINE)
        self.nick, self.node, self.side = nick, node, side
        self.buf, self.history = b"", []

    def __str__(self):
        return f"{self.nick}@{self.node}"

    def send(self, *lines):
        self.sock.sendall("".join(l + "\r\n" for l in lines).encode())

    def read_until(self, pred, what):
        got, end = [], time.monotonic() + DEADLINE
        while True:
            while b"\n" in self.buf:
                raw, self.buf = self.buf.split(b"\n", 1)
                line = raw.rstrip(b"\r").decode(errors="replace")
                self.history.append(line)
                got.append(line)
                if line.startswith("PING "):
                    self.send("PONG " + line[5:])
                if pred(line):
                    return got
            left = end - time.monotonic()
            if left <= 0:
                raise Fail(f"{self}: no {what} within {DEADLINE:.0f} s; last lines: {self.history[-6:]}")
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                continue
            if not data:
                raise Fail(f"{self}: connection closed while waiting for {what}; last lines: {self.history[-6:]}")
            self.buf += data

    def wait_for(self, pred, since, what):
        for line in self.history[since:]:
            if pred(line):
                return line
        return self.read_until(pred, what)[-1]

    def sync(self):
        tok = f"sync{time.monotonic_ns()}"
        self.send(f"PING :{tok}")
        self.read_until(lambda l: l.endswith(f"PONG {self.node} :{tok}"), f"PONG {tok}")

    def register(self):
        self.send(f"NICK {self.nick}", f"USER {self.nick} 0 * :{self.side} user")
        lines = self.read_until(lambda l: numeric(l) in ("376", "422", "432", "433", "464"),
                                "end of the welcome")
        if numeric(lines[-1]) not in ("376", "422"):
            raise Fail(f"{self}: registration refused: {lines[-1]}")
        welcome = [l for l in lines if numeric(l) == "001"]
        if not welcome or not welcome[0].startswith(f":{self.node} 001 {self.nick} "):
            raise Fail(f"{self}: no 001 from {self.node}: {lines[:3]}")
        print(f"   ok: {self} ({self.side}) registered: {welcome[0]}")

    def names(self, channel):
        self.send(f"NAMES {channel}")
        lines = self.read_until(lambda l: numeric(l) == "366", f"366 for NAMES {channel}")
        members = []
        for l in lines:
            if numeric(l) == "353":
                members += l.split(" :", 1)[1].split()
        return sorted(members)

    def wait_names(self, channel, *expected):
        """Polls NAMES until it is one of the `expected` lists of members."""
        expected, got, end = [sorted(e) for e in expected], [], time.monotonic() + DEADLINE
        while True:
            got = self.names(channel)
            if got in expected:
                print(f"   ok: NAMES {channel} on {self.node} ({self.side}): {' '.join(got)}")
                return
            if time.monotonic() > end:
                raise Fail(f"{self}: NAMES {channel} is {got}, expected {' or '.join(map(str, expected))}")
            time.sleep(0.1)


def cross(src, dst, target, what):
    """src sends PRIVMSG target; dst must see it exactly once (src: never)."""
    tok = f"{src.side}-to-{dst.side}-{time.monotonic_ns()}"
    src_mark, dst_mark = len(src.history), len(dst.history)
    src.send(f"PRIVMSG {target} :{tok}")
    expected_tail = f" PRIVMSG {target} :{tok}"
    line = dst.wait_for(lambda l: l.endswith(expected_tail), dst_mark, f"{what} '{tok}'")
    if not line.startswith(f":{src.nick}!"):
        raise Fail(f"{dst}: {what} from the wrong source: {line}")
    # Fence: a later message of the same sender (one node's events cross in order), then a
    # PING round trip on each connection; whatever else came of the first is in by then.
    fence = f"fence-{tok}"
    src.send(f"PRIVMSG {target} :{fence}")
    dst.wait_for(lambda l: l.endswith(f" :{fence}"), dst_mark, f"fence '{fence}'")
    dst.sync()
    src.sync()
    seen = sum(1 for l in dst.history[dst_mark:] if l.endswith(expected_tail))
    echoed = sum(1 for l in src.history[src_mark:] if l.endswith(expected_tail))
    if seen != 1 or echoed != 0:
        raise Fail(f"{what}: {dst} saw it {seen} times (want 1), {src} {echoed} times (want 0)")
    print(f"   ok: {what} {src.side} -> {dst.side}: {dst} got it once: {line}")


try:
    w = Irc(win_port, "winuser", win_node, "Windows")
    l = Irc(linux_port, "linuser", linux_node, "Linux")
    w.register()
    l.register()
    w.send(f"JOIN {CHANNEL}")
    w.read_until(lambda x: numeric(x) == "366", f"JOIN {CHANNEL}")
    # The Linux node lists the Windows user (the channel's op) before linuser joins.
    l.wait_names(CHANNEL, ["@winuser"])
    mark = len(w.history)
    l.send(f"JOIN {CHANNEL}")
    l.read_until(lambda x: numeric(x) == "366", f"JOIN {CHANNEL}")
    w.wait_for(lambda x: x.startswith(":linuser!") and " JOIN " in x, mark, "linuser's JOIN")
    print(f"   ok: {w} saw linuser (on {linux_node}) join {CHANNEL}")
    w.wait_names(CHANNEL, ["@winuser", "linuser"])
    l.wait_names(CHANNEL, ["@winuser", "linuser"])
    cross(w, l, CHANNEL, "channel PRIVMSG")
    cross(l, w, CHANNEL, "channel PRIVMSG")
    cross(w, l, l.nick, "private PRIVMSG")
    cross(l, w, w.nick, "private PRIVMSG")
    mark = len(l.history)
    w.send("QUIT :bye from Windows")
    l.wait_for(lambda x: x.startswith(":winuser!") and " QUIT " in x, mark, "winuser's QUIT")
    print(f"   ok: {l} saw winuser's QUIT")
    # winuser is gone from the channel on the Linux node too (linuser may or may not be op).
    l.wait_names(CHANNEL, ["linuser"], ["@linuser"])
    l.send("QUIT :bye from Linux")
except Fail as e:
    print(f"   FAILED: {e}", file=sys.stderr)
    sys.exit(1)
PY

# Windows node first (Ctrl-C): its goodbye must reach the Linux node, which drops it at once.
kill -INT "$WIN_PID"
wait_for "$WIN_NODE (hiconn.exe) exits after Ctrl-C" gone "$WIN_PID"
set +e; wait "$WIN_PID"; RC=$?; set -e
expect_rc 0 "$WIN_NODE stopped by Ctrl-C"
grep -q "stopped:" "$WIN_LOG" || fail "$WIN_NODE: no graceful stop line after Ctrl-C"
wait_for "$LINUX_NODE hears $WIN_NODE leave" grep -q "federation: node $WIN_NODE left the network" "$LINUX_LOG"
ok "$WIN_NODE: Ctrl-C -> graceful stop, exit 0; $LINUX_NODE logged: node $WIN_NODE left the network"
kill -TERM "$LINUX_PID"
wait_for "$LINUX_NODE exits after SIGTERM" gone "$LINUX_PID"
set +e; wait "$LINUX_PID"; RC=$?; set -e
expect_rc 0 "$LINUX_NODE stopped by SIGTERM"
grep -q "stopped:" "$LINUX_LOG" || fail "$LINUX_NODE: no graceful stop line after SIGTERM"
ok "$LINUX_NODE: SIGTERM -> graceful stop, exit 0"
kill -TERM "$REDIS_PID"
wait_for "redis-server exits" gone "$REDIS_PID"
set +e; wait "$REDIS_PID"; RC=$?; set -e
expect_rc 0 "redis-server stopped by SIGTERM"
ok "redis-server stopped (pid $REDIS_PID)"
CLEANUP_PIDS=()  # all three reaped: their PIDs may be reused

# --- 3. service lifecycle with hiconn's own commands ---------------------------------------
say "service lifecycle: hiconn install/start/pause/continue/stop/uninstall"
NAME=hiconn-wine-test
PORT=$(free_port)
SVC_DIR=$BUILD/service-test
rm -rf "$SVC_DIR"
mkdir -p "$SVC_DIR"
# No log.file: a service logs to hiconn.log beside its config.
cat >"$SVC_DIR/echo.json" <<JSON
{"workload": "echo", "listen": ["127.0.0.1:$PORT"], "threads": 2, "log": {"level": "info"}}
JSON
SVC_LOG=$SVC_DIR/hiconn.log
CONFIG_WIN=$("$W" winepath -w "$SVC_DIR/echo.json" 2>/dev/null | tr -d '\r')

# A relative --config is resolved at install time against the current folder.
cd "$SVC_DIR"
hiconn install --config echo.json --name "$NAME" --display-name "hiconn Wine test" --start manual
cd "$ROOT"
expect_rc 0 "install"
expect_out "installed service $NAME" "install"
expect_out "$CONFIG_WIN" "install must store the absolute config path"
expect_state "$NAME" STOPPED
hiconn status --name "$NAME"
expect_out "start: manual" "status start type"

hiconn install --config "$SVC_DIR/echo.json" --name "$NAME" --display-name "other"
expect_rc 1 "second install of the same name"
expect_out "already installed" "second install"

hiconn start --name "$NAME"
expect_rc 0 "start"
expect_out "RUNNING" "start"
wait_for "port $PORT listening" listening "$PORT"
expect_state "$NAME" RUNNING
PID=$(service_pid "$NAME")
[[ -n $PID ]] || fail "no Unix process for the service"
ok "service process $PID listens on $PORT"

exec 3<>"/dev/tcp/127.0.0.1/$PORT"
echo_on 3 "hello from linux"
echo_on 3 "line with  spaces, tabs	and ümlauts"
ok "echo over a Linux client connection"

hiconn pause --name "$NAME"
expect_rc 0 "pause"
expect_state "$NAME" PAUSED
wait_for "new connections refused while paused" refused "$PORT"
echo_on 3 "still served while paused"
ok "paused: new connection refused, the open one echoes"

exec 3>&-
sleep 2  # give a wrongly written service the chance to stop by itself once idle
expect_state "$NAME" PAUSED
[[ -n $(service_pid "$NAME") ]] || fail "the paused service exited once its last connection closed"
refused "$PORT" || fail "a connection was accepted while paused"
ok "paused with no connection open: still PAUSED, process alive"

hiconn continue --name "$NAME"
expect_rc 0 "continue"
expect_state "$NAME" RUNNING
wait_for "port $PORT accepting again" listening "$PORT"
exec 3<>"/dev/tcp/127.0.0.1/$PORT"
echo_on 3 "accepted again after continue"
ok "continued: new connections accepted"

hiconn reload --name "$NAME"
expect_rc 0 "reload"
echo_on 3 "served after reload"
expect_state "$NAME" RUNNING
ok "reload (control 128) keeps the service running"

hiconn stop --name "$NAME"
expect_rc 0 "stop"
exec 3>&-
expect_state "$NAME" STOPPED
wait_for "service process exits" gone "$PID"
wait_for "port $PORT closed" not listening "$PORT"
ok "stopped: process $PID gone, port closed"

# A start that fails is reported with our service-specific code and a logged reason:
# 2 = start failed (an address that is not local cannot be bound), 1 = config error.
say "failed starts are reported with service-specific codes"
cat >"$SVC_DIR/unbindable.json" <<JSON
{"workload": "echo", "listen": ["192.0.2.1:$PORT"], "log": {"level": "info"}}
JSON
printf '{"workload": "echo", "listen": [' >"$SVC_DIR/broken.json"
for kind in unbindable:2:"start failed" broken:1:"config error"; do
    IFS=: read -r cfg code why <<<"$kind"
    hiconn install --config "$SVC_DIR/$cfg.json" --name "$NAME-$cfg" --start manual \
        --display-name "hiconn Wine test $cfg"
    expect_rc 0 "install $cfg"
    hiconn start --name "$NAME-$cfg"
    expect_rc 1 "start with the $cfg config"
    expect_out "service-specific error $code: $why" "failed start ($cfg)"
    expect_state "$NAME-$cfg" "STOPPED (last exit: service-specific error $code: $why"
    grep -q "service $NAME-$cfg: $why" "$SVC_LOG" || fail "'$why' for $NAME-$cfg is not in $SVC_LOG"
    hiconn uninstall --name "$NAME-$cfg"
    expect_rc 0 "uninstall $NAME-$cfg"
    ok "$cfg config: service-specific error $code ($why), reason in $(basename "$SVC_LOG")"
done

hiconn uninstall --name "$NAME"
expect_rc 0 "uninstall"
hiconn status --name "$NAME"
expect_rc 1 "status after uninstall"
ok "uninstalled"

# delayed auto-start: Wine answers ERROR_INVALID_LEVEL (124); install must still succeed.
hiconn install --config "$SVC_DIR/echo.json" --name "$NAME-delayed" --start delayed
expect_rc 0 "install --start delayed"
hiconn status --name "$NAME-delayed"
expect_out "start: auto" "delayed install is an auto-start service"
hiconn uninstall --name "$NAME-delayed"
expect_rc 0 "uninstall delayed"
ok "--start delayed installs (as plain auto-start where delayed is unsupported)"

# Started by hand, the SCM entry refuses at once (no 10 s dispatcher timeout under Wine).
hiconn service --config "$CONFIG_WIN" --name "$NAME"
expect_rc 2 "service entry started by hand"
expect_out "not by hand" "service entry started by hand"
ok "service entry outside the SCM exits 2"

# --- 4. the same with sc.exe -------------------------------------------------------------
say "service lifecycle with sc.exe"
SC_NAME=hiconn-wine-sc
EXE_WIN=$("$W" winepath -w "$EXE" 2>/dev/null | tr -d '\r')
sc() {
    set +e
    OUT=$("$W" sc "$@" 2>&1 | tr -d '\r')
    RC=$?
    set -e
    printf '%s\n' "$OUT" | sed 's/^/   | /'
}
sc create "$SC_NAME" binPath= "\"$EXE_WIN\" service --config \"$CONFIG_WIN\" --name $SC_NAME" \
    start= demand DisplayName= "hiconn sc test"
expect_rc 0 "sc create"
sc query "$SC_NAME"
expect_out "STOPPED" "sc query after create"
sc start "$SC_NAME"
wait_for "port $PORT listening (sc start)" listening "$PORT"
sc query "$SC_NAME"
expect_out "RUNNING" "sc query after start"
PID=$(service_pid "$SC_NAME")
exec 3<>"/dev/tcp/127.0.0.1/$PORT"
echo_on 3 "echo from sc.exe-started service"
exec 3>&-
ok "sc start: RUNNING and echoing"
sc stop "$SC_NAME"
wait_for "port $PORT closed (sc stop)" not listening "$PORT"
wait_for "sc query STOPPED" bash -c "'$W' sc query '$SC_NAME' | grep -q STOPPED"
[[ -z $PID ]] || wait_for "service process exits (sc stop)" gone "$PID"
ok "sc stop: STOPPED, process gone, port closed"
sc delete "$SC_NAME"
expect_rc 0 "sc delete"
sc query "$SC_NAME"
[[ $RC != 0 ]] || fail "sc query still finds $SC_NAME after sc delete"
ok "sc delete"

# --- 5. the .zip ---------------------------------------------------------------------------
say "the Windows .zip (scripts/package.sh zip)"
HICONN_PACKAGE_DIR=$BUILD/packages "$ROOT/scripts/package.sh" zip >"$LOGS/package.log" 2>&1 ||
    fail "scripts/package.sh zip (see $LOGS/package.log)"
/usr/bin/python3 - "$BUILD"/packages/hiconn-*-win64.zip <<'PY' || fail "the .zip lacks a file"
import sys, zipfile
names = {n.split("/", 1)[1] for n in zipfile.ZipFile(sys.argv[1]).namelist() if "/" in n}
wanted = {"bin/hiconn.exe", "bin/hiconn-load.exe", "config/echo.json", "config/chat.json",
          "config/hiconn.schema.json", "README.md"}
missing = wanted - names
print(f"   {sys.argv[1]}: {len(names)} files" + (f", missing {sorted(missing)}" if missing else ""))
sys.exit(1 if missing else 0)
PY
ok "hiconn.exe, hiconn-load.exe, configs, schema and README in the .zip"

say "all Windows checks passed in $((SECONDS - STARTED)) s"
