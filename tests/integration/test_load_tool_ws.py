"""hiconn-load --ws against hiconn's ws:// and wss:// listeners: echo verifies every byte sent
as masked binary messages, connect holds upgraded connections, chat delivers one IRC line per
text message (beside TCP clients of the same server), a message over the server's limit ends
with its close status, and a port that does not speak WebSocket fails by name.

Environment: HICONN_LOAD_BIN, HICONN_BIN (every test here needs hiconn).
"""
import os

import pytest

from hiconn_harness import Server
from test_load_tool import HICONN_BIN, WINDOWS, run_load, server_pid_args
from test_load_tool_tls import make_cert

pytestmark = pytest.mark.skipif(not HICONN_BIN or not os.path.exists(HICONN_BIN), reason="HICONN_BIN not built")


def ws_server(workload="echo", listen=("ws://127.0.0.1:0",), extra=None):
    config = {"workload": workload, "threads": 2, "stats": {"interval_s": 0}, "timeouts": {"linger_s": 1}}
    if workload == "chat":
        config["chat"] = {"flood": {"messages_per_second": 10000, "burst": 10000, "max_queued": 10000}}
    config.update(extra or {})
    return Server(config=config, listen=list(listen))


def test_echo_over_ws_verifies_every_byte():
    with ws_server(extra={"websocket": {"max_message_bytes": 65536}}) as server:
        status, result, err = run_load("echo", "--ws", "--port", server.port, "-c", 20, "--size-min", 1,
                                       "--size-max", 20000, "--depth", 2, "-d", 1, "--threads", 2,
                                       *server_pid_args(server.proc.pid))
    assert status == 0, err
    assert result["connected"] == 20 and result["connect_failed"] == 0
    assert result["messages"] > 0
    assert result["mismatched_bytes"] == 0 and result["excess_bytes"] == 0
    assert result["unanswered"] == 0 and result["closed_by_server"] == 0
    # Payload only: the frame headers and the upgrade are not counted as echoed bytes.
    assert result["bytes_received_total"] == result["bytes_sent_total"] > 0


def test_echo_over_wss(tmp_path):
    cert, key = make_cert(str(tmp_path), "server")
    with ws_server(listen=("wss://127.0.0.1:0",), extra={"tls": {"certificate": cert, "private_key": key}}) as server:
        status, result, err = run_load("echo", "--ws", "--tls", "--port", server.port, "-c", 10, "--size", 16384,
                                       "--depth", 1, "-d", 1)
    assert status == 0, err
    assert result["connected"] == 10 and result["messages"] > 0
    assert result["mismatched_bytes"] == 0 and result["unanswered"] == 0
    assert "hiconn-load: TLS: TLSv1.3" in err


def test_connect_holds_ws_connections():
    with ws_server() as server:
        status, result, err = run_load("connect", "--ws", "--port", server.port, "-c", 200, "--hold", 1,
                                       *server_pid_args(server.proc.pid))
    assert status == 0, err
    assert result["connected"] == 200 and result["failed"] == 0 and result["dropped"] == 0
    assert WINDOWS or result["server_rss_per_conn"] > 0


def test_chat_over_ws_beside_tcp_clients_counts_every_delivery():
    with ws_server("chat", listen=("ws://127.0.0.1:0", "127.0.0.1:0")) as server:
        ws_port, tcp_port = server.ports[0][1], server.ports[1][1]
        assert server.schemes[0] == "ws" and server.schemes[1] == ""
        # 30 clients over WebSocket, 3 of them senders; the channel layout does not care.
        status, result, err = run_load("chat", "--ws", "--port", ws_port, "-c", 30, "--channels", 3,
                                       "--senders", 3, "--rate", 60, "-d", 1, "--register-rate", 300)
        assert status == 0, err
        assert result["registered"] == 30 and result["joined"] == 30
        assert result["sent"] > 0 and result["expected"] == result["sent"] * 9
        assert result["received"] == result["expected"] and result["lost"] == 0
        assert result["corrupt"] == 0
        # The same server's TCP port still speaks plain IRC to the same tool without --ws.
        status, result, err = run_load("chat", "--port", tcp_port, "-c", 6, "--channels", 1, "--senders", 1,
                                       "--rate", 20, "-d", 1, "--nick-prefix", "tcp")
        assert status == 0, err
        assert result["received"] == result["expected"] > 0


def test_a_message_over_the_servers_limit_ends_with_close_1009():
    with ws_server(extra={"websocket": {"max_message_bytes": 1000}}) as server:
        status, result, err = run_load("echo", "--ws", "--port", server.port, "-c", 3, "--size", 2000,
                                       "-d", 1, "--drain", 1)
    assert status == 1, err
    assert result["connected"] == 3 and result["closed_by_server"] == 3
    assert result["errors"] == {"ws_close_1009": 3}, result["errors"]


def test_ws_against_a_plain_port_fails_by_name():
    with Server() as server:  # plain TCP echo: our GET comes back instead of a 101
        status, result, err = run_load("connect", "--ws", "--port", server.port, "-c", 3, "--hold", 0,
                                       "--connect-timeout", 3)
    assert status == 0  # connect mode reports, it does not judge
    assert result["connected"] == 0 and result["failed"] == 3
    assert result["errors"] == {"ws: bad 101": 3}, result["errors"]
    assert "WebSocket upgrade refused: bad HTTP response" in err


def test_ws_does_not_apply_to_the_handshake_mode():
    import subprocess
    from test_load_tool import LOAD_BIN, LOAD_PREFIX
    proc = subprocess.run([*LOAD_PREFIX, LOAD_BIN, "handshake", "--ws", "--port", "1"], capture_output=True,
                          text=True, timeout=30)
    assert proc.returncode == 2
    assert "--ws does not apply to handshake mode" in proc.stderr


def test_connections_closed_during_the_upgrade_leave_the_server_serving():
    # The upgrade's 8 KiB buffer went back to the pool under the receive buffer's size class
    # (16 KiB here) when a connection closed before its request was complete, and a later
    # 16 KiB read landed in it: heap corruption, then a crash (malloc's abort). Probes that
    # connect and close (as a port check does) or send half a request, then 16 KiB messages.
    from hiconn_harness import connect
    config = {"threads": 1, "receive": {"strategy": "posted", "initial_buffer": 16384}}
    with ws_server(extra=config) as server:
        for i in range(50):
            s = connect(server.port)
            if i % 2:
                s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
            s.close()
        status, result, err = run_load("echo", "--ws", "--port", server.port, "-c", 100, "--size", 16384,
                                       "--depth", 1, "-d", 3)
        alive = server.proc.poll() is None
    assert alive, "the server died"
    assert status == 0, err
    assert result["connected"] == 100 and result["messages"] > 0
    assert result["mismatched_bytes"] == 0 and result["closed_by_server"] == 0
