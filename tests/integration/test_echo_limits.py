"""Connection limits: max_connections with on_limit pause / reject, and the per-IP limit."""
import socket
import time

from hiconn_harness import Server, connect, echo_roundtrip, is_closed_by_peer, recv_exact, wait_until


def served(port, payload, source=None):
    """True when a new connection gets its echo; False when the server closes it (no room yet:
    it may not have seen the last close, which takes longer under the sanitizers)."""
    s = connect(port, source=source)
    try:
        return echo_roundtrip(s, payload) == payload
    except (ConnectionError, OSError):
        return False
    finally:
        s.close()


def test_on_limit_pause_holds_new_connections_until_one_closes():
    config = {"limits": {"max_connections": 5}, "accept": {"on_limit": "pause", "low_watermark": 1,
                                                           "high_watermark": 4}}
    with Server(config) as server:
        held = [connect(server.port) for _ in range(5)]
        for i, s in enumerate(held):
            assert echo_roundtrip(s, b"held %d" % i) == b"held %d" % i
        waiting = connect(server.port)  # completes in the kernel backlog, not accepted
        waiting.sendall(b"queued")
        waiting.settimeout(1.5)
        try:
            early = waiting.recv(100)
        except socket.timeout:
            early = None
        assert early is None, "the 6th connection was served while at the limit"
        held.pop().close()
        # The close makes room: the waiting connection is accepted and gets its bytes back,
        # all of them and nothing else (recv_exact reads the pieces they may arrive in).
        assert recv_exact(waiting, len(b"queued")) == b"queued"
        assert echo_roundtrip(waiting, b"served now") == b"served now"
        log = server.log()
        assert "accepting paused: limits.max_connections (5) reached" in log
        assert "(below the connection limit)" in log  # the "accepting resumed" line


def test_on_limit_pause_serves_sixth_after_release():
    config = {"limits": {"max_connections": 5}, "accept": {"on_limit": "pause", "low_watermark": 1,
                                                           "high_watermark": 4}}
    with Server(config) as server:
        held = [connect(server.port) for _ in range(5)]
        for s in held:
            assert echo_roundtrip(s, b"a") == b"a"
        waiting = connect(server.port)
        waiting.sendall(b"hello")
        time.sleep(0.5)
        held.pop().close()
        waiting.settimeout(10)
        got = b""
        while len(got) < 5:
            got += waiting.recv(100)
        assert got == b"hello"
        for s in held:  # the others were served throughout
            assert echo_roundtrip(s, b"still") == b"still"


def test_on_limit_reject_closes_extra_connections_at_once():
    config = {"limits": {"max_connections": 3}, "accept": {"on_limit": "reject"}}
    with Server(config) as server:
        held = [connect(server.port) for _ in range(3)]
        for s in held:
            assert echo_roundtrip(s, b"ok") == b"ok"
        extra = connect(server.port)
        assert is_closed_by_peer(extra, timeout=10)
        for s in held:
            assert echo_roundtrip(s, b"still ok") == b"still ok"
        held.pop().close()
        wait_until(lambda: served(server.port, b"room again"), what="room for a new connection")


def test_per_ip_limit_rejects_only_that_address():
    config = {"limits": {"max_connections_per_ip": 2}}
    with Server(config, listen=None) as server:
        a = [connect(server.port, source="127.0.0.1") for _ in range(2)]
        for s in a:
            assert echo_roundtrip(s, b"a") == b"a"
        third = connect(server.port, source="127.0.0.1")
        assert is_closed_by_peer(third, timeout=10)
        other = connect(server.port, source="127.0.0.2")  # another client address
        assert echo_roundtrip(other, b"other ip") == b"other ip"
        a.pop().close()
        wait_until(lambda: served(server.port, b"again", source="127.0.0.1"), what="room for 127.0.0.1")
