"""systemd notifications: hiconn started with NOTIFY_SOCKET pointing to a datagram socket
owned by the test sends READY=1 once listening, RELOADING=1 + READY=1 around SIGHUP,
STOPPING=1 on SIGTERM and WATCHDOG=1 keep-alives when WATCHDOG_USEC asks for them."""
import os
import signal
import socket
import tempfile

import pytest

from hiconn_harness import Server, UNDER_WINE, connect, echo_roundtrip, wait_until

pytestmark = pytest.mark.skipif(UNDER_WINE, reason="sd_notify exists on Linux only")


class NotifySocket:
    def __init__(self):
        self.dir = tempfile.TemporaryDirectory(prefix="hiconn-notify-")
        self.path = os.path.join(self.dir.name, "notify.sock")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        self.messages = []

    def next(self, timeout=20.0, skip_watchdog=True):
        """The next datagram (WATCHDOG=1 keep-alives are recorded but skipped)."""
        self.sock.settimeout(timeout)
        while True:
            data = self.sock.recv(4096).decode()
            self.messages.append(data)
            if skip_watchdog and data == "WATCHDOG=1":
                continue
            return data

    def close(self):
        self.sock.close()
        self.dir.cleanup()


@pytest.fixture
def notify():
    n = NotifySocket()
    yield n
    n.close()


def assignments(message):
    return dict(line.split("=", 1) for line in message.split("\n") if line)


def wait_for_ticks(srv, lines=3):
    """The stats line (stats.interval_s = 1) comes from the same event loop as the 1 s
    tick that sends keep-alives: once it has been logged `lines` times, ticks have run."""
    wait_until(lambda: srv.log().count("stats: connections") >= lines, timeout=30,
               what=f"{lines} stats lines")


def test_ready_reload_stopping(notify):
    srv = Server(env={"NOTIFY_SOCKET": notify.path})
    srv.start(wait=False)
    try:
        assert notify.next() == "READY=1"
        # READY comes after the listeners are open: a client is served right away.
        with connect(srv.port) as c:
            assert echo_roundtrip(c, b"ready") == b"ready"

        srv.signal(signal.SIGHUP)
        reloading = assignments(notify.next())
        assert reloading.get("RELOADING") == "1"
        assert int(reloading["MONOTONIC_USEC"]) > 0
        assert notify.next() == "READY=1"
        assert "reload: configuration applied" in srv.log()

        # An invalid config on reload: still RELOADING=1 then READY=1, the old config kept.
        with open(srv.config_path, "w") as f:
            f.write("{ not json")
        srv.signal(signal.SIGHUP)
        assert assignments(notify.next()).get("RELOADING") == "1"
        assert notify.next() == "READY=1"
        with connect(srv.port) as c:
            assert echo_roundtrip(c, b"still serving") == b"still serving"

        wait_for_ticks(srv)
        srv.signal(signal.SIGTERM)
        assert notify.next() == "STOPPING=1"
        assert srv.wait_exit(60) == 0
    finally:
        if srv.proc.poll() is None:
            srv.proc.kill()
            srv.proc.wait()
    # Without WATCHDOG_USEC no keep-alive is sent, though the tick ran.
    assert "WATCHDOG=1" not in notify.messages


def test_watchdog_keepalives(notify):
    srv = Server(env={"NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "2000000"})
    srv.start(wait=False)
    try:
        assert notify.next() == "READY=1"
        # Keep-alives come from the event loop's 1 s tick: wait for three of them.
        for _ in range(3):
            assert notify.next(skip_watchdog=False) == "WATCHDOG=1"
        srv.signal(signal.SIGTERM)
        assert notify.next() == "STOPPING=1"
        assert srv.wait_exit(60) == 0
    finally:
        if srv.proc.poll() is None:
            srv.proc.kill()
            srv.proc.wait()


def test_watchdog_for_another_pid_is_ignored(notify):
    # WATCHDOG_PID names the process the watchdog is for; hiconn is not pid 1.
    srv = Server(env={"NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "2000000", "WATCHDOG_PID": "1"})
    srv.start(wait=False)
    try:
        assert notify.next() == "READY=1"
        wait_for_ticks(srv)
        srv.signal(signal.SIGTERM)
        assert notify.next() == "STOPPING=1"
        assert srv.wait_exit(60) == 0
    finally:
        if srv.proc.poll() is None:
            srv.proc.kill()
            srv.proc.wait()
    assert "WATCHDOG=1" not in notify.messages


def test_no_notify_socket_runs_unchanged(monkeypatch):
    for name in ("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"):
        monkeypatch.delenv(name, raising=False)
    srv = Server()
    srv.start()
    try:
        with connect(srv.port) as c:
            assert echo_roundtrip(c, b"plain") == b"plain"
        srv.signal(signal.SIGHUP)
        wait_until(lambda: "reload: configuration applied" in srv.log(), what="the reload")
        srv.signal(signal.SIGTERM)
        assert srv.wait_exit(60) == 0
    finally:
        if srv.proc.poll() is None:
            srv.proc.kill()
            srv.proc.wait()
