"""The PROXY protocol (HAProxy's proxy-protocol.txt, v1 and v2) on proxy:// and proxy+tls://
listeners, against the real binary:

- v1 and v2 (IPv4, IPv6, LOCAL) from a trusted peer: the client's address replaces the
  balancer's (echo's debug log, chat WHOIS/WHO), and the bytes after the header in the same
  packet (the client's first data, a TLS ClientHello) are not lost; a header fed in pieces;
- an untrusted peer (nothing is trusted by default, loopback included), a malformed header and
  a header that never comes (timeouts.first_data_s) close the connection;
- chat sends nothing before the header; limits.max_connections_per_ip counts the real client;
- proxy+tls:// with the TLS test PKI; config errors exit 2 naming the JSON path; --listen.
A real HAProxy in front of two nodes: test_proxy_haproxy.py.
"""
import json
import shutil
import signal
import socket
import ssl
import subprocess
import time

import pytest

from chat_helpers import SERVER, Client, chat_server, numeric
from hiconn_harness import BIN, Server, connect, is_closed_by_peer, recv_exact, wait_until
from proxy_helpers import V2_LOCAL, V2_SIGNATURE, chat_proxy_server, proxied_chat_client, v1, v2, whois_host
from tls_helpers import TestPKI, client_context


# -- servers ---------------------------------------------------------------------------------

# -- servers ---------------------------------------------------------------------------------

def echo_proxy_server(trusted=("127.0.0.1",), listen=None, timeouts=None, **config):
    """An echo server with a proxy:// and a plain listener, debug log (the client address of
    each header is logged)."""
    cfg = {"log": {"level": "debug"}, "proxy_protocol": {"trusted": list(trusted)},
           "timeouts": {"linger_s": 1, "first_data_s": 0, "idle_s": 0, **(timeouts or {})}}
    cfg.update(config)
    return Server(cfg, listen=listen or ["proxy://127.0.0.1:0", "127.0.0.1:0"])


def proxy_port(server, scheme="proxy"):
    ports = [p for (_, p), s in zip(server.ports, server.schemes) if s == scheme]
    assert ports, f"no {scheme}:// listener among {server.ports} {server.schemes}"
    return ports[0]


# -- echo: addresses and trailing bytes ------------------------------------------------------

@pytest.mark.parametrize("strategy", ["zero_byte", "posted"])
@pytest.mark.parametrize("version", ["v1", "v2"])
def test_header_and_first_bytes_in_one_packet_echo_and_log_the_client(version, strategy):
    with echo_proxy_server(receive={"strategy": strategy}) as server:
        port = proxy_port(server)
        for src in ("192.0.2.7", "2001:db8::5"):
            header = v1(src, sport=1234) if version == "v1" else v2(src, sport=1234, tlv=b"\x04\x00\x02ab")
            with connect(port) as s:
                s.sendall(header + b"hello, first bytes")  # one packet: nothing may be lost
                assert recv_exact(s, 18) == b"hello, first bytes"
                s.sendall(b"and more")
                assert recv_exact(s, 8) == b"and more"
            wait_until(lambda: f"header, client {src} port 1234" in server.log(),
                       what=f"the {version} client {src} in the log")
        # The plain listener beside it takes no header.
        with connect(server.ports[1][1]) as s:
            s.sendall(b"plain")
            assert recv_exact(s, 5) == b"plain"


def test_header_in_pieces_then_data():
    with echo_proxy_server() as server:
        port = proxy_port(server)
        for header in (v1("198.51.100.9", sport=999), v2("198.51.100.10", sport=999)):
            with connect(port) as s:
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                for i in range(0, len(header), 5):
                    s.sendall(header[i:i + 5])
                    time.sleep(0.02)
                s.sendall(b"after")
                assert recv_exact(s, 5) == b"after"
        wait_until(lambda: "client 198.51.100.9 port 999" in server.log(), what="the v1 client")
        wait_until(lambda: "client 198.51.100.10 port 999" in server.log(), what="the v2 client")


def test_local_and_unknown_keep_the_balancer_address():
    with echo_proxy_server() as server:
        port = proxy_port(server)
        for header in (V2_LOCAL, b"PROXY UNKNOWN\r\n"):
            with connect(port) as s:
                s.sendall(header + b"health")
                assert recv_exact(s, 6) == b"health"
        wait_until(lambda: server.log().count("client unknown (LOCAL/UNKNOWN): 127.0.0.1") == 2,
                   what="two LOCAL/UNKNOWN headers logged")


# -- refusals --------------------------------------------------------------------------------

@pytest.mark.parametrize("trusted", [(), ("10.0.0.0/8", "::1")])
def test_untrusted_peer_is_closed_without_reading(trusted):
    with echo_proxy_server(trusted=trusted) as server:
        with connect(proxy_port(server)) as s:
            s.sendall(v1("192.0.2.1") + b"hello")
            assert is_closed_by_peer(s)
        wait_until(lambda: "not in proxy_protocol.trusted" in server.log(), what="the debug line")
        if not trusted:
            assert "with an empty proxy_protocol.trusted closes every connection" in server.log()


@pytest.mark.parametrize("garbage", [b"GET / HTTP/1.1\r\n\r\n", b"PROXY TCP4 1.2.3.4 5.6.7.8 99999 1\r\n",
                                     V2_SIGNATURE + b"\x21\x11\xff\xff", b"PROXY " + b"1" * 200])
def test_malformed_header_is_closed(garbage):
    with echo_proxy_server() as server:
        with connect(proxy_port(server)) as s:
            s.sendall(garbage)
            assert is_closed_by_peer(s)
        wait_until(lambda: "bad PROXY header" in server.log(), what="the debug line")


@pytest.mark.parametrize("sent", [b"", b"PROXY TCP4 1.2.", V2_SIGNATURE])
def test_header_that_never_comes_is_closed_after_first_data_s(sent):
    with echo_proxy_server(timeouts={"first_data_s": 1}) as server:
        with connect(proxy_port(server)) as s:
            if sent:
                s.sendall(sent)
            started = time.monotonic()
            assert is_closed_by_peer(s, timeout=10)
            assert time.monotonic() - started >= 0.5  # the timeout, not an instant refusal


def test_idle_timeout_before_the_header_closes_without_the_workload():
    """Without first_data_s, idle_s still ends a connection whose header never comes. The
    engine closes it itself: the workload has not opened it (chat would ignore an idle
    connection it has no client for and leave it open)."""
    with chat_server(listen=["proxy://127.0.0.1:0"], proxy_protocol={"trusted": ["127.0.0.1"]},
                     timeouts={"first_data_s": 0, "idle_s": 1}) as server:
        with connect(server.port) as s:
            s.sendall(b"PROXY TCP4 ")
            assert is_closed_by_peer(s, timeout=10)
        a = proxied_chat_client(server.port, v1("192.0.2.44"))
        a.register("after")  # the server lives on
        a.close()


def test_reload_changes_the_trusted_list():
    with echo_proxy_server(trusted=()) as server:
        port = proxy_port(server)
        with connect(port) as s:
            s.sendall(v1("192.0.2.5") + b"x")
            assert is_closed_by_peer(s)
        server.config["proxy_protocol"] = {"trusted": ["127.0.0.0/8"]}
        server.write_config(server.config)
        server.signal(signal.SIGHUP)

        def trusted_now():
            with connect(port) as s:
                s.sendall(v1("192.0.2.5") + b"x")
                s.settimeout(2)
                try:
                    return s.recv(1) == b"x"
                except OSError:
                    return False
        wait_until(trusted_now, what="the reloaded trusted list")


# -- chat: greeting, WHOIS, per-IP -----------------------------------------------------------

def test_chat_sends_nothing_before_the_header_and_shows_the_client_address():
    with chat_proxy_server() as server:
        port = server.port
        sock = connect(port)
        sock.settimeout(0.5)
        with pytest.raises(socket.timeout):
            sock.recv(100)  # nothing before the header
        sock.sendall(v2("203.0.113.50") + b"NICK pa\r\nUSER pa 0 * :Proxied A\r\n")  # one packet
        a = Client(port, sock=sock)
        a.nick = "pa"
        a.read_until(lambda l: numeric(l) in (376, 422), what="end of the welcome")
        b = proxied_chat_client(port, v1("2001:db8::77"))
        b.register("pb")
        assert whois_host(b, "pa") == "203.0.113.50"
        assert whois_host(a, "pb") == "2001:db8::77"
        a.command("JOIN #p")
        who = b.command("WHO #p")
        assert any(f" 352 pb #p ~pa 203.0.113.50 {SERVER} pa " in l for l in who), who
        a.close()
        b.close()


def test_per_ip_limit_counts_the_client_not_the_balancer():
    with chat_proxy_server(limits={"max_connections_per_ip": 1}) as server:
        port = server.port
        first = proxied_chat_client(port, v2("192.0.2.1"))
        first.register("ip1")
        second = proxied_chat_client(port, v2("192.0.2.1"))
        lines = second.wait_closed()
        assert any("Too many connections from your IP" in l for l in lines), lines
        # Another client behind the same balancer address is admitted.
        third = proxied_chat_client(port, v1("192.0.2.2"))
        third.register("ip2")
        # The place is the client's: free again once it leaves.
        first.send("QUIT :bye")
        first.wait_closed()
        def readmitted():
            c = proxied_chat_client(port, v2("192.0.2.1"))
            c.send("NICK ip3", "USER ip3 0 * :x")
            try:
                c.read_until(lambda l: numeric(l) in (376, 422) or "Too many" in l)
                return "Too many" not in c.history[-1]
            except AssertionError:
                return False
            finally:
                c.close()
        wait_until(readmitted, what="192.0.2.1 admitted again")
        third.close()


# -- proxy+tls -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pki():
    # scripts/setup.sh installs openssl: a machine without it must fail here, not skip.
    assert shutil.which("openssl"), "the openssl tool is missing (scripts/setup.sh installs it)"
    p = TestPKI()
    yield p
    p.cleanup()


def tls_over(sock, first, ca_file):
    """A TLS client over `sock` (memory BIOs) whose first flight goes out in one send with
    `first` (the PROXY header) in front. Returns a function that echoes bytes."""
    ctx = client_context(ca_file)
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = ctx.wrap_bio(incoming, outgoing, server_hostname="127.0.0.1")
    pending = first
    while True:
        try:
            tls.do_handshake()
            break
        except ssl.SSLWantReadError:
            sock.sendall(pending + outgoing.read())
            pending = b""
            data = sock.recv(65536)
            if not data:
                raise ConnectionError("closed during the handshake")
            incoming.write(data)
    sock.sendall(outgoing.read())

    def echo(payload):
        tls.write(payload)
        sock.sendall(outgoing.read())
        got = b""
        while len(got) < len(payload):
            try:
                got += tls.read(65536)
            except ssl.SSLWantReadError:
                data = sock.recv(65536)
                if not data:
                    raise ConnectionError("closed")
                incoming.write(data)
        return got
    return echo


def test_proxy_tls_header_then_handshake_in_one_packet(pki):
    cfg = {"tls": {"certificate": pki.server_cert, "private_key": pki.server_key}}
    with echo_proxy_server(listen=["proxy+tls://127.0.0.1:0"], **cfg) as server:
        port = proxy_port(server, "proxy+tls")
        for header in (v1("192.0.2.33", sport=4433), v2("2001:db8::33", sport=4433)):
            with connect(port) as s:
                echo = tls_over(s, header, pki.ca_cert)
                assert echo(b"secret bytes") == b"secret bytes"
        wait_until(lambda: "client 192.0.2.33 port 4433" in server.log(), what="the v1 client")
        wait_until(lambda: "client 2001:db8::33 port 4433" in server.log(), what="the v2 client")
        # Without a header the ClientHello is a malformed header.
        with connect(port) as s:
            with pytest.raises((ssl.SSLError, ConnectionError, OSError)):
                client_context(pki.ca_cert).wrap_socket(s, server_hostname="127.0.0.1").sendall(b"x")


# -- configuration ---------------------------------------------------------------------------

def run_config(tmp_path, cfg, *extra):
    path = tmp_path / "c.json"
    path.write_text(json.dumps(cfg))
    return subprocess.run([BIN, "check-config", "--config", str(path), *extra],
                          capture_output=True, text=True, timeout=30), path


def test_config_errors_exit_2_naming_the_path(tmp_path):
    result, path = run_config(tmp_path, {"listen": ["127.0.0.1:0", "proxy+tls://127.0.0.1:0"]})
    assert result.returncode == 2, result
    assert f"{path}: listen[1]" in result.stderr and "needs the \"tls\" section" in result.stderr
    result, path = run_config(tmp_path, {"proxy_protocol": {"trusted": ["10.0.0.0/8", "::1", "10.0.0.0/33"]}})
    assert result.returncode == 2, result
    assert f"{path}: proxy_protocol.trusted[2]: expected a numeric IPv4 or IPv6 address or CIDR block" in result.stderr
    for bad in ("localhost", "1.2.3.4/", "[::1]"):
        result, _ = run_config(tmp_path, {"proxy_protocol": {"trusted": [bad]}})
        assert result.returncode == 2 and "proxy_protocol.trusted[0]" in result.stderr, (bad, result)
    result, path = run_config(tmp_path, {"listen": ["proxy+ws://127.0.0.1:1"]})
    assert result.returncode == 2 and "listen[0]" in result.stderr, result
    result, path = run_config(tmp_path, {"workload": "chat", "federation": {"redis": "proxy://127.0.0.1:6379"}})
    assert result.returncode == 2 and "federation.redis" in result.stderr, result
    # Good: printed back with the defaults.
    result, _ = run_config(tmp_path, {"listen": ["proxy://[::1]:0"], "proxy_protocol": {"trusted": ["fd00::/8"]}})
    assert result.returncode == 0, result
    assert '"proxy://[::1]:0"' in result.stdout and '"fd00::/8"' in result.stdout
    result, _ = run_config(tmp_path, {})
    assert '"proxy_protocol": {\n    "trusted": []' in result.stdout


def test_listen_flag_takes_proxy_schemes():
    with Server({"proxy_protocol": {"trusted": ["127.0.0.0/8"]}, "log": {"level": "debug"}},
                extra_args=["--listen", "proxy://127.0.0.1:0"]) as server:
        assert server.schemes == ["proxy"]
        with connect(server.port) as s:
            s.sendall(v1("192.0.2.99") + b"x")
            assert recv_exact(s, 1) == b"x"
