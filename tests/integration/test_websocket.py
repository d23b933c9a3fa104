"""ws:// and wss:// listeners (RFC 6455) against the real binary, with a raw-socket client
(ws_helpers.py) that can also send what no library client would:

- echo byte-exact over ws and wss for many connections at once, random sizes (0 B .. 200 KiB)
  in 1..4 fragments, text and binary, each message answered by one message of its opcode;
- ping -> pong with the ping's data; the close handshake (our close frame, then EOF);
- chat over WebSocket (text.ircv3.net, binary.ircv3.net, none offered) with a TCP client in
  the same channel, both ways, one IRC line per message without CRLF;
- an Origin outside websocket.allowed_origins gets 403; bad upgrades get 400/426/431;
- unmasked, oversized, RSV and bad-UTF-8 frames and garbage close that connection with the
  right status while another keeps being served;
- an upgrade that never completes is closed after timeouts.first_data_s;
- GET / serves the web chat page on a chat listener (404 with chat.web_client false, and
  on echo);
- config errors exit 2 naming the JSON path.

Runs against hiconn.exe under Wine too (scripts/test-windows.sh, `-m "not linux_only"` is not
needed: nothing here is POSIX-only).
"""
import json
import random
import re
import shutil
import socket
import struct
import subprocess
import threading

import pytest

from chat_helpers import Client, chat_server
from hiconn_harness import BIN, PREFIX, UNDER_WINE, Server, connect, is_closed_by_peer, raise_nofile
from tls_helpers import TestPKI, client_context
from ws_helpers import (BINARY, CLOSE, PING, PONG, TEXT, WsClient, WsLineSocket, read_http_response,
                        upgrade_request, ws_connect, wss_connect)


@pytest.fixture(scope="module")
def pki():
    if shutil.which("openssl") is None:
        pytest.fail("needs the openssl tool (scripts/setup.sh installs it)")
    p = TestPKI()
    yield p
    p.cleanup()


def ports(server, scheme):
    return [port for (_, port), s in zip(server.ports, server.schemes) if s == scheme]


def echo_server(pki=None, config=None, listen=("ws://127.0.0.1:0",)):
    cfg = {"workload": "echo", "timeouts": {"linger_s": 1, "first_data_s": 0, "idle_s": 0}}
    if pki is not None:
        cfg["tls"] = {"certificate": pki.server_cert, "private_key": pki.server_key}
    for key, value in (config or {}).items():
        cfg[key] = {**cfg[key], **value} if isinstance(value, dict) and isinstance(cfg.get(key), dict) else value
    return Server(cfg, listen=list(listen))


def random_message(rng):
    size = rng.choice([0, 1, 125, 126, 127, 65535, 65536, rng.randrange(1, 4096), rng.randrange(1, 200_000)])
    if rng.random() < 0.5:
        return TEXT, "".join(rng.choice("aé€😀 z") for _ in range(size // 3)).encode()
    return BINARY, rng.randbytes(size)


def echo_many(make_client, count, messages, seed):
    errors = []

    def worker(index):
        rng = random.Random(seed * 1000 + index)
        try:
            c = make_client()
            for _ in range(messages):
                opcode, payload = random_message(rng)
                c.send_message(payload, opcode, fragments=rng.randrange(1, 5))
                got_opcode, got = c.recv_message(timeout=30)
                if got_opcode != opcode or got != payload:
                    errors.append(f"client {index}: opcode {got_opcode} / {len(got)} B back for "
                                  f"opcode {opcode} / {len(payload)} B")
                    return
            c.close()
        except Exception as e:  # noqa: BLE001 (reported below)
            errors.append(f"client {index}: {e!r}")

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors[:5]


def test_echo_is_byte_exact_over_ws_and_wss_for_many_connections(pki):
    raise_nofile()
    count = 20 if UNDER_WINE else 100
    with echo_server(pki, config={"websocket": {"max_message_bytes": 1 << 20}},
                     listen=("ws://127.0.0.1:0", "wss://127.0.0.1:0")) as server:
        ws_port, wss_port = ports(server, "ws")[0], ports(server, "wss")[0]
        context = client_context(pki.ca_cert)
        echo_many(lambda: ws_connect(ws_port), count, 5, seed=1)
        echo_many(lambda: wss_connect(wss_port, context), count, 5, seed=2)


def test_ping_gets_pong_and_close_gets_close_then_eof():
    with echo_server() as server:
        c = ws_connect(server.port)
        assert c.protocol is None  # echo selects no subprotocol
        c.send_frame(PING, b"are you there")
        assert c.recv_frame() == (True, PONG, b"are you there")
        # A ping between the fragments of a message is answered at once; the message continues.
        c.send_frame(TEXT, b"hel", fin=False)
        c.send_frame(PING, b"")
        c.send_frame(0, b"lo", fin=True)
        assert c.recv_frame()[1] in (TEXT, PONG)
        c.send_frame(CLOSE, struct.pack("!H", 1000) + b"bye")
        frames = []
        while True:
            fin, op, payload = c.recv_frame()
            frames.append((op, payload))
            if op == CLOSE:
                break
        assert frames[-1] == (CLOSE, struct.pack("!H", 1000)), frames
        assert is_closed_by_peer(c.sock)


def test_server_close_sends_a_close_frame_before_the_fin():
    with echo_server(config={"timeouts": {"idle_s": 1}}) as server:
        c = ws_connect(server.port)
        assert c.close_code(timeout=15) == 1000  # the idle timeout closes it, with a close frame
        assert is_closed_by_peer(c.sock)


def chat_ws_server(extra=None, listen=("ws://127.0.0.1:0", "127.0.0.1:0")):
    cfg = {"workload": "chat",
           "chat": {"server_name": "irc.test", "network_name": "TestNet",
                    "flood": {"messages_per_second": 1000, "burst": 1000, "max_queued": 1000}},
           "stats": {"interval_s": 0}, "timeouts": {"linger_s": 1}}
    for key, value in (extra or {}).items():
        cfg[key] = {**cfg[key], **value} if isinstance(value, dict) and isinstance(cfg.get(key), dict) else value
    return Server(cfg, listen=list(listen))


def ws_chat_client(port, protocols=None, binary=False, ws=None):
    ws = ws or ws_connect(port, protocols=protocols)
    return Client(port, sock=WsLineSocket(ws, binary=binary))


@pytest.mark.parametrize("protocols,binary,selected", [
    (["text.ircv3.net"], False, "text.ircv3.net"),
    (["binary.ircv3.net"], True, "binary.ircv3.net"),
    (["binary.ircv3.net", "text.ircv3.net"], False, "text.ircv3.net"),
    (None, False, None)], ids=["text", "binary", "both-offered", "none"])
def test_chat_over_websocket_shares_a_channel_with_a_tcp_client(protocols, binary, selected):
    with chat_ws_server() as server:
        ws_port, tcp_port = ports(server, "ws")[0], ports(server, "")[0]
        ws = ws_connect(ws_port, protocols=protocols)
        assert ws.protocol == selected
        web = ws_chat_client(ws_port, binary=binary, ws=ws)
        web.register("webby")
        tcp = Client(tcp_port)
        tcp.register("tcpy")
        web.send("JOIN #both")
        web.expect("366")
        tcp.send("JOIN #both")
        tcp.expect("366")
        web.expect("JOIN")
        web.send("PRIVMSG #both :hello from the browser \u00e9\u20ac")
        line = tcp.expect("PRIVMSG #both")[-1]
        assert line.endswith(":hello from the browser \u00e9\u20ac"), line
        tcp.send("PRIVMSG #both :hello from TCP", "PRIVMSG webby :private")
        assert web.expect("PRIVMSG #both")[-1].endswith(":hello from TCP")
        assert web.expect("PRIVMSG webby")[-1].endswith(":private")
        # PING from the client, answered over WebSocket; every message one line, no CRLF
        # (WsLineSocket checks), and the NAMES reply lists both.
        web.send("NAMES #both")
        names = web.expect("353")[-1]
        assert "webby" in names and "tcpy" in names, names
        assert all(b"\r" not in m and b"\n" not in m for m in web.sock.messages)
        # Two lines in one message are two commands (the spec allows one; we read lines).
        tcp.send("QUIT :done")
        assert "tcpy" in web.expect("QUIT")[-1]
        web.send("QUIT :bye")
        web.wait_closed()


def test_chat_fan_out_reaches_many_websocket_clients_and_tcp():
    count = 10 if UNDER_WINE else 60
    with chat_ws_server() as server:
        ws_port, tcp_port = ports(server, "ws")[0], ports(server, "")[0]
        clients = []
        for i in range(count):
            c = ws_chat_client(ws_port, protocols=["text.ircv3.net"] if i % 2 else ["binary.ircv3.net"],
                               binary=not i % 2)
            c.register(f"w{i}")
            c.send("JOIN #fan")
            c.expect("366")
            clients.append(c)
        tcp = Client(tcp_port)
        tcp.register("speaker")
        tcp.send("JOIN #fan")
        tcp.expect("366")
        for n in range(20):
            tcp.send(f"PRIVMSG #fan :line {n} " + "x" * (n * 20))
        for c in clients:
            for n in range(20):
                assert c.expect("PRIVMSG #fan")[-1].endswith(f":line {n} " + "x" * (n * 20))


def test_origin_outside_allowed_origins_gets_403():
    with echo_server(config={"websocket": {"allowed_origins": ["http://good.example"]}}) as server:
        assert ws_connect(server.port, origin="http://good.example").code == 101
        assert ws_connect(server.port).code == 101  # no Origin: not a browser
        with pytest.raises(ConnectionError, match="403"):
            ws_connect(server.port, origin="http://evil.example")


@pytest.mark.parametrize("request_bytes,code", [
    (b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
     b"Sec-WebSocket-Key: short\r\nSec-WebSocket-Version: 13\r\n\r\n", 400),
    (b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
     b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n", 426),
    (b"\x16\x03\x01 not HTTP at all\r\n\r\n", 400),
    (b"GET / HTTP/1.1\r\nX-Pad: " + b"a" * 9000, 431),
], ids=["bad-key", "version-8", "garbage", "too-long"])
def test_bad_upgrade_requests_get_an_http_error_and_the_close(request_bytes, code):
    with echo_server() as server:
        s = connect(server.port)
        s.sendall(request_bytes)
        got, _, _ = read_http_response(s)
        assert got == code
        assert is_closed_by_peer(s)
        assert ws_connect(server.port).code == 101  # the listener serves on


@pytest.mark.parametrize("frame,code", [
    (WsClient.frame(TEXT, b"unmasked", masked=False), 1002),
    (WsClient.frame(TEXT, b"rsv", rsv=0x40), 1002),
    (WsClient.frame(0x3, b"opcode 3"), 1002),
    (WsClient.frame(PING, b"p" * 126), 1002),
    (WsClient.frame(BINARY, b"b" * 70000), 1009),
    (WsClient.frame(TEXT, b"\xc3\x28 bad UTF-8"), 1007),
    (b"\x81\xff\x7f\xff\xff\xff\xff\xff\xff\xff", 1009),
], ids=["unmasked", "rsv1", "reserved-opcode", "big-ping", "oversized", "bad-utf8", "huge-length"])
def test_bad_frames_close_that_connection_only(frame, code):
    with echo_server(config={"websocket": {"max_message_bytes": 65536}}) as server:
        good = ws_connect(server.port)
        bad = ws_connect(server.port)
        bad.sock.sendall(frame)
        assert bad.close_code() == code
        assert is_closed_by_peer(bad.sock)
        good.send_message(b"still here", BINARY)
        assert good.recv_message() == (BINARY, b"still here")


def test_an_upgrade_that_never_completes_is_closed_after_first_data_s():
    # 2 s: the wheel's one-second ticks can make 1 s nearly nothing for a connection opened
    # just before a tick, and the upgraded client below must get its 101 first.
    with echo_server(config={"timeouts": {"first_data_s": 2}}) as server:
        s = connect(server.port)
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")  # and nothing more
        assert is_closed_by_peer(s, timeout=15)
        quiet = connect(server.port)  # nothing at all
        assert is_closed_by_peer(quiet, timeout=15)
        c = ws_connect(server.port)  # an upgraded client is not cut by first_data_s
        c.send_message(b"x", BINARY)
        assert c.recv_message() == (BINARY, b"x")


def http_get(port, path="/", context=None):
    s = connect(port)
    if context is not None:
        s = context.wrap_socket(s, server_hostname="localhost")
    s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
    code, headers, body = read_http_response(s)
    length = int(headers.get("content-length", "0"))
    s.settimeout(10)
    while len(body) < length:
        chunk = s.recv(65536)
        if not chunk:
            break
        body += chunk
    s.close()
    return code, headers, body


def test_get_serves_the_web_chat_page_on_chat_listeners_only(pki):
    with chat_ws_server(extra={"tls": {"certificate": pki.server_cert, "private_key": pki.server_key}},
                        listen=("ws://127.0.0.1:0", "wss://127.0.0.1:0")) as server:
        for port, context in ((ports(server, "ws")[0], None), (ports(server, "wss")[0], client_context(pki.ca_cert))):
            code, headers, body = http_get(port, "/", context)
            assert code == 200 and headers["content-type"].startswith("text/html"), (code, headers)
            assert b"/chat.js" in body
            code, headers, body = http_get(port, "/chat.js", context)
            assert code == 200 and b"text.ircv3.net" in body
            assert http_get(port, "/chat.css", context)[0] == 200
            assert http_get(port, "/nope", context)[0] == 404
    with chat_ws_server(extra={"chat": {"web_client": False}}) as server:
        assert http_get(ports(server, "ws")[0])[0] == 404
    with echo_server() as server:
        assert http_get(server.port)[0] == 404


@pytest.mark.parametrize("cfg,names", [
    ({"listen": ["wss://127.0.0.1:0"]}, r"listen\[0\].*tls"),
    ({"listen": ["wsx://127.0.0.1:0"]}, r"listen\[0\]"),
    ({"websocket": {"allowed_origins": "http://a"}}, r"websocket\.allowed_origins"),
    ({"websocket": {"allowed_origins": ["has space"]}}, r"websocket\.allowed_origins\[0\]"),
    ({"websocket": {"max_message_bytes": 10}}, r"websocket\.max_message_bytes"),
    ({"websocket": {"colour": 1}}, r"websocket\.colour"),
    ({"workload": "chat", "chat": {"web_client": "yes"}}, r"chat\.web_client.*true or false"),
], ids=["wss-without-tls", "bad-scheme", "origins-not-a-list", "origin-with-space", "small-max-message",
        "unknown-key", "web-client-not-boolean"])
def test_config_errors_exit_2_naming_the_path(tmp_path, cfg, names):
    path = tmp_path / "hiconn.json"
    path.write_text(json.dumps({"workload": "echo", "listen": ["ws://127.0.0.1:0"], **cfg}))
    result = subprocess.run(PREFIX + [BIN, "check-config", "--config", str(path)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert re.search(names, result.stderr), result.stderr
    assert str(path.name) in result.stderr, result.stderr


def test_listen_flag_takes_ws_and_the_start_up_line_names_it():
    with Server({"workload": "echo", "timeouts": {"linger_s": 1}}, listen=["127.0.0.1:0"],
                extra_args=["--listen", "ws://127.0.0.1:0"]) as server:
        assert "ws" in server.schemes, server.schemes
        c = ws_connect(ports(server, "ws")[0])
        c.send_message("über", TEXT)
        assert c.recv_message() == (TEXT, "über".encode())
