#!/usr/bin/env bash
# The Windows half of CI, on Linux: cross-builds hiconn (mingw-w64), then under Wine 8
#   1. the Catch2 unit tests (ctest through the toolchain's Wine emulator),
#   2. a console run (echo, Ctrl-C = graceful stop); the echo and chat integration tests
#      against hiconn.exe from Linux clients; the load tool's tests with hiconn-load.exe,
#   3. the service lifecycle with hiconn's own commands: install, start, echo, pause
#      (new connection refused, old one served, stays PAUSED with no connection), continue,
#      reload, stop (process exits, port closes), uninstall; starts that fail with a
#      service-specific code (bind error, config error); the `service` entry started by hand,
#   4. the same service with sc.exe: create, start, query, stop, delete;
#   5. the .zip package (scripts/package.sh zip) holds both executables, configs and README.
# Every step is checked and bounded by a deadline; the first wrong step fails the run.
# What Wine cannot do (sc pause/continue, delayed auto-start, recovery actions, SHUTDOWN)
# is listed in docs/windows.md under "Checked only on Windows".
# Logs: build/windows/test-logs/ (wine-session.log, the service logs).
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
PACKAGES=(g++-mingw-w64-x86-64-posix wine64 libboost1.81-dev libboost-program-options1.81-dev
          nlohmann-json3-dev catch2 libspdlog-dev python3-pytest python3-irc tmux irssi
          iproute2 procps)
missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
    say "installing ${missing[*]}"
    [[ $(id -u) == 0 ]] || fail "packages missing and not root: apt-get install ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- cross build -------------------------------------------------------------------------
say "cross build"
"$ROOT/scripts/build-windows.sh"
EXE=$BUILD/src/hiconn.exe

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
trap '"$S" -k >/dev/null 2>&1 || true' EXIT
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
    say "$what integration tests against hiconn.exe (${*##*/}; -k '$WINE_DESELECT')"
    (cd "$ROOT/tests/integration" &&
        HICONN_BIN=$EXE HICONN_CMD_PREFIX=$W HICONN_SOURCE_DIR=$ROOT \
        HICONN_LOAD_BIN=$BUILD/src/hiconn-load.exe HICONN_LOAD_PREFIX=$W \
        /usr/bin/python3 -m pytest -q -rs -p no:cacheprovider -k "$WINE_DESELECT" "$@") ||
        fail "$what integration tests under Wine"
}
integration_under_wine echo "$ROOT"/tests/integration/test_echo*.py
integration_under_wine chat "$ROOT"/tests/integration/test_chat*.py
integration_under_wine "load tool (hiconn-load.exe)" "$ROOT"/tests/integration/test_load_tool.py

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
