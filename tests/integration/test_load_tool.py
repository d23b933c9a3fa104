"""hiconn-load against small Python servers (a correct echo, a corrupting echo, a closed
port) and against the real hiconn: it verifies echoed bytes, reports mismatches with a
non-zero exit, names ECONNREFUSED, merges worker processes, counts chat deliveries, and
spreads clients over several servers (--servers) with a per-server breakdown.

Environment: HICONN_LOAD_BIN (hiconn-load), HICONN_BIN (hiconn; its tests are skipped when
it is missing). For hiconn-load.exe under Wine (scripts/test-windows.sh): HICONN_LOAD_PREFIX
(e.g. /usr/lib/wine/wine64). There --server-pid would need Windows process IDs, and the
open-file limit and --procs are POSIX-only, so those parts are skipped or turned round.
"""
import json
import os
import resource
import shlex
import socketserver
import subprocess
import threading

import pytest

from hiconn_harness import Server, free_port, raise_nofile
from ops_helpers import admin_port, admin_server, request

LOAD_BIN = os.environ.get("HICONN_LOAD_BIN", "hiconn-load")
LOAD_PREFIX = shlex.split(os.environ.get("HICONN_LOAD_PREFIX", ""))
HICONN_BIN = os.environ.get("HICONN_BIN", "")
WINDOWS = LOAD_BIN.endswith(".exe")
posix_only = pytest.mark.skipif(WINDOWS, reason="POSIX-only feature (hiconn-load.exe under Wine)")


def server_pid_args(pid):
    """--server-pid for a Linux process; none for hiconn-load.exe (it takes Windows IDs)."""
    return [] if WINDOWS else ["--server-pid", pid]


def run_load(*args, timeout=120, nofile=None):
    """Runs hiconn-load (with an open-file limit of `nofile` when given); returns
    (exit status, the RESULT json, stderr)."""
    preexec = None
    if nofile:
        preexec = lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))  # noqa: E731
    proc = subprocess.run([*LOAD_PREFIX, LOAD_BIN, *map(str, args), "--no-progress"], capture_output=True,
                          text=True, timeout=timeout, preexec_fn=preexec)
    results = [line[7:] for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    assert len(results) == 1, f"expected one RESULT line:\n{proc.stdout}\n{proc.stderr}"
    return proc.returncode, json.loads(results[0]), proc.stderr


class _Threaded(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 512


def _serve(handler):
    server = _Threaded(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class _Echo(socketserver.BaseRequestHandler):
    def handle(self):
        while True:
            try:
                data = self.request.recv(65536)
            except OSError:
                return
            if not data:
                return
            self.request.sendall(data)


class _CorruptingEcho(socketserver.BaseRequestHandler):
    """Echoes every byte back, but flips the first byte of every chunk."""

    def handle(self):
        while True:
            try:
                data = self.request.recv(65536)
            except OSError:
                return
            if not data:
                return
            self.request.sendall(bytes([data[0] ^ 0xFF]) + data[1:])


@pytest.fixture
def echo_server():
    server = _serve(_Echo)
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.fixture
def corrupting_server():
    server = _serve(_CorruptingEcho)
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_echo_verifies_every_byte_from_a_python_server(echo_server):
    status, result, err = run_load("echo", "--port", echo_server, "-c", 20, "--size-min", 1,
                                   "--size-max", 3000, "--depth", 2, "-d", 1)
    assert status == 0, err
    assert result["ok"] is True
    assert result["connected"] == 20
    assert result["messages"] > 0
    assert result["mismatched_bytes"] == 0
    assert result["unanswered"] == 0
    # Everything sent came back, byte for byte (the drain waited for the replies).
    assert result["bytes_received_total"] == result["bytes_sent_total"] > 0
    assert result["latency_us"]["count"] == result["messages"]
    assert result["latency_us"]["p50"] <= result["latency_us"]["p99"] <= result["latency_us"]["max"]


def test_corrupting_server_makes_echo_fail_and_report_mismatches(corrupting_server):
    status, result, _ = run_load("echo", "--port", corrupting_server, "-c", 5, "--size", 200,
                                 "-d", 1)
    assert status == 1
    assert result["ok"] is False
    assert result["mismatched_bytes"] > 0
    assert result["mismatched_connections"] == 5


def test_connect_reports_econnrefused_on_a_closed_port():
    port = free_port()  # bound then released: nothing listens there
    status, result, _ = run_load("connect", "--port", port, "-c", 5)
    assert status == 0
    assert result["connected"] == 0
    assert result["failed"] == 5
    assert result["errors"] == {"ECONNREFUSED": 5}
    assert result["stop_reason"] == "ECONNREFUSED"


def test_connect_holds_connections_and_samples_the_server(echo_server):
    # The Python server runs in this process: --server-pid samples us.
    status, result, _ = run_load("connect", "--port", echo_server, "-c", 50, "--hold", 0.5,
                                 *server_pid_args(os.getpid()))
    assert status == 0
    assert result["connected"] == 50
    assert result["dropped"] == 0
    assert result["stop_reason"] == "done"
    if WINDOWS:
        return
    assert result["server_rss_start"] > 0 and result["server_rss_end"] > 0
    assert result["server_cpu_s"] >= 0
    assert "server_rss_per_conn" in result


@posix_only
def test_connect_stops_at_emfile_under_a_low_file_limit(echo_server):
    status, result, _ = run_load("connect", "--port", echo_server, "-c", 300, "--concurrency", 50,
                                 nofile=100)
    assert status == 0
    assert result["fd_limit"] == 100
    assert 0 < result["connected"] < 100
    assert result["errors"].get("EMFILE", 0) > 0
    assert result["stop_reason"] == "EMFILE"
    # It stopped launching: not every one of the 300 was attempted.
    assert result["attempted"] < 300


@posix_only
def test_worker_processes_share_the_work_and_merge_results(echo_server):
    status, result, err = run_load("echo", "--port", echo_server, "-c", 30, "--procs", 3,
                                   "--sources", "127.0.0.1,127.0.0.2,127.0.0.3", "--size", 100,
                                   "-d", 1)
    assert status == 0, err
    assert result["procs"] == 3
    assert result["workers_reporting"] == 3
    assert result["connected"] == 30
    assert result["mismatched_bytes"] == 0
    assert result["bytes_received_total"] == result["bytes_sent_total"] > 0


def test_unknown_mode_is_a_usage_error():
    proc = subprocess.run([*LOAD_PREFIX, LOAD_BIN, "frobnicate", "--port", "1"], capture_output=True,
                          text=True, timeout=30)
    assert proc.returncode == 2
    assert "MODE" in proc.stderr


@pytest.mark.parametrize("servers,why", [
    ("127.0.0.1", "no port"),
    ("127.0.0.1:6667,::1:6668", "an IPv6 address needs brackets"),
    ("127.0.0.1:6667,,127.0.0.1:6668", "empty"),
    ("[::1]:70000", "the port must be 1..65535"),
    ("127.0.0.1:66x7", "the port must be 1..65535"),
])
def test_malformed_servers_is_a_usage_error(servers, why):
    proc = subprocess.run([*LOAD_PREFIX, LOAD_BIN, "chat", "--servers", servers, "-c", "1"],
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 2
    assert "bad --servers entry" in proc.stderr and why in proc.stderr, proc.stderr
    assert "RESULT" not in proc.stdout


def test_servers_spread_echo_connections_round_robin(echo_server):
    other = _serve(_Echo)
    try:
        names = [f"127.0.0.1:{echo_server}", f"127.0.0.1:{other.server_address[1]}"]
        status, result, err = run_load("echo", "--servers", ",".join(names), "-c", 7, "--size", 100,
                                       "-d", 0.5)
    finally:
        other.shutdown()
        other.server_close()
    assert status == 0, err
    assert result["connected"] == 7 and result["mismatched_bytes"] == 0
    # Connection g goes to server g % 2.
    assert [(p["server"], p["requested"], p["connected"]) for p in result["per_server"]] == [
        (names[0], 4, 4), (names[1], 3, 3)]
    assert sum(p["messages"] for p in result["per_server"]) == result["messages"] > 0


@pytest.mark.skipif(not WINDOWS, reason="Windows: --procs is refused there")
def test_worker_processes_are_a_usage_error_on_windows():
    proc = subprocess.run([*LOAD_PREFIX, LOAD_BIN, "echo", "--port", "1", "--procs", "2"],
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 2
    assert "--procs > 1 needs fork/exec" in proc.stderr


needs_hiconn = pytest.mark.skipif(not HICONN_BIN or not os.path.exists(HICONN_BIN),
                                  reason="HICONN_BIN not built")


@needs_hiconn
def test_echo_against_hiconn_verifies_bytes():
    raise_nofile(19000)
    with Server(config={"threads": 2}) as server:
        status, result, err = run_load("echo", "--port", server.port, "-c", 300, "--size-min", 1,
                                       "--size-max", 20000, "--depth", 3, "-d", 2, "--threads", 2,
                                       *server_pid_args(server.proc.pid))
    assert status == 0, err
    assert result["connected"] == 300
    assert result["mismatched_bytes"] == 0 and result["unanswered"] == 0
    assert result["bytes_received_total"] == result["bytes_sent_total"] > 0
    assert WINDOWS or result["server_cpu_us_per_msg"] > 0


@needs_hiconn
def test_chat_against_hiconn_counts_every_delivery():
    config = {"workload": "chat", "threads": 2,
              "chat": {"flood": {"messages_per_second": 10000, "burst": 10000, "max_queued": 10000}}}
    with Server(config=config) as server:
        status, result, err = run_load("chat", "--port", server.port, "-c", 60, "--channels", 6,
                                       "--senders", 6, "--rate", 60, "-d", 2,
                                       "--register-rate", 500, "--procs", 1 if WINDOWS else 2,
                                       *server_pid_args(server.proc.pid))
    assert status == 0, err
    assert result["registered"] == 60 and result["joined"] == 60
    assert result["sent"] > 0
    assert WINDOWS or result["workers_reporting"] == 2
    # 10 members per channel (on Linux spread over both worker processes): each message
    # reaches the 9 others once.
    assert result["expected"] == result["sent"] * 9
    assert result["received"] == result["expected"]
    assert result["duplicates"] == 0 and result["lost"] == 0
    assert WINDOWS or result["server_rss_per_client"] > 0


@needs_hiconn
def test_chat_with_caps_reads_tagged_lines():
    """--caps: every 2nd client negotiates server-time + message-tags, so half of the
    deliveries arrive with an @time tag; each one must still be counted, none as corrupt."""
    config = {"workload": "chat", "threads": 1,
              "chat": {"flood": {"messages_per_second": 10000, "burst": 10000, "max_queued": 10000}}}
    with Server(config=config) as server:
        status, result, err = run_load("chat", "--port", server.port, "-c", 20, "--channels", 2,
                                       "--senders", 4, "--rate", 40, "-d", 1,
                                       "--caps", "server-time message-tags", "--caps-every", 2)
    assert status == 0, err
    assert result["registered"] == 20 and result["joined"] == 20
    assert result["sent"] > 0 and result["received"] == result["expected"] == result["sent"] * 9
    assert result["corrupt"] == 0 and result["lost"] == 0


def test_chat_caps_every_must_be_positive():
    proc = subprocess.run([*LOAD_PREFIX, LOAD_BIN, "chat", "--port", "1", "--caps", "server-time",
                           "--caps-every", "0"], capture_output=True, text=True, timeout=30)
    assert proc.returncode == 2
    assert "--caps-every must be at least 1" in proc.stderr, proc.stderr


@needs_hiconn
def test_chat_over_two_standalone_servers_counts_each_server():
    """hiconn-load chat --servers A,B against two standalone (not federated) chat servers.

    Client g goes to server g % 2 and joins channel (g / 2 + (g % 2) * 2) % 4: with 40 clients
    each of the 4 channels has 5 members on each server. Standalone servers deliver a
    message only to the members on the sender's own server, so every message reaches 4 of
    its 9 recipients and the run reports the other 5 (all on the other server) as lost:
    the test checks those exact counts -- which prove the layout -- and the per-server
    figures against each server's own /stats, not a zero loss (that needs federation).
    """
    flood = {"messages_per_second": 10000, "burst": 10000, "max_queued": 10000}
    config = {"workload": "chat", "threads": 1, "chat": {"flood": flood}}
    a, b = admin_server(config=config), admin_server(config=config)
    with a, b:
        ports = [admin_port(a), admin_port(b)]
        names = [f"127.0.0.1:{a.port}", f"127.0.0.1:{b.port}"]
        pids = [] if WINDOWS else ["--server-pid", f"{a.proc.pid},{b.proc.pid}"]
        status, result, err = run_load("chat", "--servers", ",".join(names), "-c", 40, "--channels", 4,
                                       "--senders", 4, "--rate", 40, "-d", 1, "--drain", 1,
                                       "--register-rate", 500, "--procs", 1 if WINDOWS else 3, *pids)
        stats = [json.loads(request(port, "GET", "/stats")[2]) for port in ports]
    assert status == 1, err  # the cross-server deliveries are missing
    assert result["registered"] == 40 and result["joined"] == 40 and result["register_failed"] == 0
    sent = result["sent"]
    assert sent > 0
    assert result["expected"] == sent * 9 and result["expected_remote"] == sent * 5
    assert result["received"] == sent * 4 and result["received_remote"] == 0
    assert result["lost"] == result["lost_remote"] == sent * 5
    assert result["duplicates"] == 0 and result["corrupt"] == 0
    per_server = result["per_server"]
    assert [p["server"] for p in per_server] == names
    for p, st in zip(per_server, stats):
        assert (p["clients"], p["connected"], p["registered"], p["joined"]) == (20, 20, 20, 20)
        assert p["sent"] > 0 and p["received"] == p["sent"] * 4
        assert p["lost"] == p["expected"] - p["received"]
        # What each server saw: the connections, the messages of its own senders and the
        # deliveries to its own clients.
        assert st["accepts"] == p["connected"]
        assert st["workload_metrics"]["chat_messages_total"] == p["sent"]
        assert st["workload_metrics"]["chat_deliveries_total"] == p["received"]
    assert sum(p["sent"] for p in per_server) == sent
    if not WINDOWS:
        assert result["workers_reporting"] == 3
        assert [p["pid"] for p in result["server_processes"]] == [a.proc.pid, b.proc.pid]
        assert result["server_rss_start"] == sum(p["rss_start"] for p in result["server_processes"])
