"""Accept resource exhaustion: the server runs out of descriptors (RLIMIT_NOFILE 256), keeps
serving the connections it has, does not spin, and accepts again once some close."""
import selectors
import socket
import time

import pytest

from hiconn_harness import UNDER_WINE, Server, connect, raise_nofile

pytestmark = pytest.mark.skipif(UNDER_WINE, reason="RLIMIT_NOFILE is a POSIX limit")


def served(socks, timeout=3.0):
    """Sends one byte on each socket not yet known to be served; returns those echoed."""
    sel = selectors.DefaultSelector()
    for s in socks:
        try:
            s.send(b"x")
            sel.register(s, selectors.EVENT_READ)
        except OSError:
            pass
    echoed = set()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and len(echoed) < len(socks):
        for key, _ in sel.select(0.2):
            try:
                if key.fileobj.recv(16):
                    echoed.add(key.fileobj)
            except OSError:
                pass
            sel.unregister(key.fileobj)
    sel.close()
    return echoed


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / 100.0  # utime + stime in clock ticks


def test_accept_exhaustion_pauses_serves_existing_and_recovers():
    raise_nofile()
    config = {"limits": {"max_connections": 10000}, "accept": {"retry_backoff_ms": 200, "backlog": 2048},
              "timeouts": {"first_data_s": 0, "idle_s": 0}}
    with Server(config, nofile=256) as server:
        socks = []
        for _ in range(1000):
            s = socket.socket()
            s.setblocking(False)
            s.connect_ex(("127.0.0.1", server.port))
            socks.append(s)
        time.sleep(2.0)
        for s in socks:
            s.setblocking(True)
            s.settimeout(5)
        first = served(socks)
        assert 100 < len(first) < 256, len(first)
        # Paused, not spinning: little CPU while 750 connections wait in the backlog.
        cpu0 = cpu_seconds(server.proc.pid)
        time.sleep(2.0)
        assert cpu_seconds(server.proc.pid) - cpu0 < 0.5
        log = server.log()
        assert "Too many open files" in log and "accepting paused" in log
        assert log.count("accept failed") <= 3, "accept errors must be logged once, not per attempt"
        # Existing clients are still served.
        sample = list(first)[:20]
        for s in sample:
            s.send(b"again")
            assert s.recv(16) == b"again"
        # Release 100: the server accepts waiting connections again.
        for s in list(first)[:100]:
            s.close()
        waiting = [s for s in socks if s not in first]
        time.sleep(1.0)
        second = served(waiting, timeout=5.0)
        assert len(second) >= 50, len(second)
        assert server.proc.poll() is None
        for s in socks:
            s.close()
