"""Coarse timeouts: first data, idle, and the send stall of a client that never reads."""
import json
import socket
import threading
import time

from hiconn_harness import Server, connect, echo_roundtrip, is_closed_by_peer, wait_until
from ops_helpers import admin_port, admin_server, request


def test_first_data_timeout_closes_silent_connections_only():
    config = {"timeouts": {"first_data_s": 2, "idle_s": 0}}
    with admin_server(config=config) as server:
        stats_port = admin_port(server)
        silent = connect(server.port)
        talker = connect(server.port)
        assert echo_roundtrip(talker, b"hi") == b"hi"
        assert is_closed_by_peer(silent, timeout=10)
        silent.close()  # our FIN ends the server's linger: the close is counted then
        assert echo_roundtrip(talker, b"still here") == b"still here"

        def stats():
            status, _, body = request(stats_port, "GET", "/stats")
            assert status == 200
            return json.loads(body)
        wait_until(lambda: sum(stats()["closes"].values()) >= 1, what="the close to be counted")
        # The server says why: exactly one first-data timeout, that one close for it, and
        # the talker is the one connection left (nothing else was closed).
        figures = stats()
        assert figures["timeouts"]["first_data"] == 1, figures
        assert figures["closes"]["first_data_timeout"] == 1, figures
        assert sum(figures["closes"].values()) == 1, figures["closes"]
        assert figures["connections"]["current"] == 1, figures


def test_idle_timeout_closes_idle_connection_but_not_busy_one():
    config = {"timeouts": {"first_data_s": 0, "idle_s": 3}}
    with Server(config) as server:
        idle = connect(server.port)
        busy = connect(server.port)
        assert echo_roundtrip(idle, b"once") == b"once"
        start = time.monotonic()
        closed = False
        while time.monotonic() - start < 12:
            assert echo_roundtrip(busy, b"tick") == b"tick"
            idle.settimeout(0.5)
            try:
                if idle.recv(10) == b"":
                    closed = True
                    break
            except socket.timeout:
                pass
        assert closed, "idle connection was not closed"
        assert echo_roundtrip(busy, b"alive") == b"alive"


def test_client_that_never_reads_is_bounded_and_closed_others_keep_echo():
    cap = 1 << 20
    config = {"limits": {"max_send_queue_bytes": cap}, "timeouts": {"send_stall_s": 3, "idle_s": 0}}
    with Server(config) as server:
        rss_before = server.rss_bytes()
        flooder = connect(server.port)
        flooder.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
        sent = [0]
        stop = threading.Event()

        def flood():
            chunk = b"z" * 65536
            flooder.settimeout(1)
            while sent[0] < 50 * 1024 * 1024 and not stop.is_set():
                try:
                    sent[0] += flooder.send(chunk)
                except socket.timeout:
                    continue
                except OSError:
                    break

        t = threading.Thread(target=flood)
        t.start()
        good = connect(server.port)
        deadline = time.monotonic() + 30
        closed = False
        max_rss = 0
        while time.monotonic() < deadline:
            assert echo_roundtrip(good, b"ping") == b"ping"
            max_rss = max(max_rss, server.rss_bytes())
            if not t.is_alive():
                closed = True
                break
            time.sleep(0.2)
        stop.set()
        t.join(10)
        assert closed, "the flooding client was not disconnected"
        assert sent[0] < 50 * 1024 * 1024, "the server kept reading everything"
        # Bounded: the queue cap plus buffers, far from the 50 MB sent.
        assert max_rss - rss_before < 32 * 1024 * 1024, (rss_before, max_rss)
        assert echo_roundtrip(good, b"after") == b"after"
        # The stats line of the second in which it closed names the reason.
        wait_until(lambda: "send_stall" in server.log(), timeout=10, what="the send_stall close in the stats line")
