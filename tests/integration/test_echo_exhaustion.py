"""Accept resource exhaustion: the server runs out of descriptors (RLIMIT_NOFILE 256), keeps
serving the connections it has, does not spin, and accepts again once some close."""
import http.client
import json
import selectors
import socket
import time

import pytest

from hiconn_harness import UNDER_WINE, raise_nofile
from ops_helpers import admin_port, admin_server

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


class StatsClient:
    """GET /stats on one kept-alive connection: opened before the descriptors run out, it
    still answers while the server cannot accept anything new (the endpoint's idle timeout is
    10 s, so the requests below come at most a few seconds apart)."""

    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)

    def get(self):
        self.conn.request("GET", "/stats")
        response = self.conn.getresponse()
        body = response.read()
        assert response.status == 200 and not response.will_close, response.getheaders()
        return json.loads(body)


def test_accept_exhaustion_pauses_serves_existing_and_recovers():
    raise_nofile()
    backoff_ms, high_watermark = 200, 8
    config = {"limits": {"max_connections": 10000},
              "accept": {"retry_backoff_ms": backoff_ms, "backlog": 2048, "low_watermark": 2,
                         "high_watermark": high_watermark},
              "timeouts": {"first_data_s": 0, "idle_s": 0}}
    with admin_server(config=config, nofile=256) as server:
        stats = StatsClient(admin_port(server))
        assert stats.get()["accept_errors"] == 0
        socks = []
        for _ in range(1000):
            s = socket.socket()
            s.setblocking(False)
            s.connect_ex(("127.0.0.1", server.port))
            socks.append(s)
        time.sleep(2.0)
        stats.get()  # keeps the session alive
        for s in socks:
            s.setblocking(True)
            s.settimeout(5)
        first = served(socks)
        assert 100 < len(first) < 256, len(first)
        # Paused, not spinning, while 750 connections wait in the backlog: each retry (one
        # per retry_backoff_ms, or when a connection closes -- none does here) posts at most
        # high_watermark accepts, each failing once. A busy loop would fail thousands of
        # times. The bound is taken from the time that really passed between the requests.
        before = stats.get()
        t0 = time.monotonic()
        time.sleep(2.0)
        after = stats.get()
        elapsed_ms = (time.monotonic() - t0) * 1000
        assert before["accept_errors"] > 0 and before["accept_pauses"]["resource"] > 0, before
        retries = elapsed_ms / backoff_ms + 2
        errors = after["accept_errors"] - before["accept_errors"]
        pauses = after["accept_pauses"]["resource"] - before["accept_pauses"]["resource"]
        assert errors <= retries * high_watermark, (errors, elapsed_ms)
        assert pauses <= retries * high_watermark, (pauses, elapsed_ms)
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
