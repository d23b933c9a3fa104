"""TLS listeners with the echo workload, against the real binary and a throw-away PKI
(tls_helpers.TestPKI, made with the openssl tool):

- 500 concurrent TLS connections echo random sizes (1 B .. 64 KiB) byte-exact, beside a plain one;
- every start-up error of the tls section exits 2 naming the key, in `run` and `check-config`;
- relative paths, a PEM chain, `--listen tls://...`, min_version, ciphers and ciphersuites;
- SIGHUP swaps the certificate for new handshakes while an open session keeps echoing; an
  invalid new pair keeps the old certificate served;
- plain text or garbage on a TLS port closes that connection only; a handshake that never
  finishes is closed after timeouts.first_data_s; handshakes of every kind leave no connection.
"""
import json
import os
import random
import re
import signal
import ssl
import subprocess
import threading
import time

import pytest

from hiconn_harness import (BIN, PREFIX, SOURCE_DIR, UNDER_WINE, Server, connect, echo_roundtrip,
                            raise_nofile, wait_until)
from ops_helpers import admin_port, admin_server, request
from tls_helpers import (TestPKI, cert_fingerprint, client_context, client_hello,
                         install, is_closed_by_peer, peer_fingerprint,
                         served_certificate, served_fingerprint, tls_connect, tls_echo_roundtrip)

TLS_AND_PLAIN = ["tls://127.0.0.1:0", "127.0.0.1:0"]


@pytest.fixture(scope="module")
def pki():
    p = TestPKI()
    yield p
    p.cleanup()


def tls_section(pki, **extra):
    return {"certificate": pki.server_cert, "private_key": pki.server_key, **extra}


def tls_server(pki, tls=None, listen=None, config=None, admin=False):
    """An echo Server with a TLS and a plain listener (or `listen`); short linger, no
    first-data or idle timeout unless `config` sets them."""
    cfg = {"tls": tls if tls is not None else tls_section(pki),
           "timeouts": {"linger_s": 1, "first_data_s": 0, "idle_s": 0}}
    for key, value in (config or {}).items():
        cfg[key] = {**cfg[key], **value} if isinstance(value, dict) and isinstance(cfg.get(key), dict) else value
    if admin:
        return admin_server(config=cfg, listen=listen or TLS_AND_PLAIN)
    return Server(cfg, listen=listen or TLS_AND_PLAIN)


def stats(stats_port):
    status, _, body = request(stats_port, "GET", "/stats")
    assert status == 200, body
    return json.loads(body)


# -- echo -----------------------------------------------------------------------------------

def test_five_hundred_concurrent_tls_connections_echo_byte_exact(pki):
    raise_nofile()
    count, rounds = 500, 2
    with tls_server(pki, tls=tls_section(pki, certificate=pki.server_chain)) as server:
        assert server.schemes == ["tls", ""]
        port = server.tls_port
        ctx = client_context(pki.ca_cert)
        lock = threading.Lock()
        connected, done, errors = [0], [0], []
        go = threading.Event()

        def client(i):
            rng = random.Random(i)
            s = None
            try:
                s = tls_connect(port, pki.ca_cert, context=ctx, timeout=60)
                with lock:
                    connected[0] += 1
                if not go.wait(120):  # every connection is open before any echoes
                    raise TimeoutError("never told to go")
                for r in range(rounds):
                    # The extremes surely, the rest at random.
                    size = {0: 1, 1: 65536}.get(i, rng.randint(1, 65536)) if r == 0 else rng.randint(1, 65536)
                    payload = rng.randbytes(size)
                    got = tls_echo_roundtrip(s, payload, timeout=60)
                    if got != payload:
                        raise AssertionError(f"mismatch in {size} bytes")
                with lock:
                    done[0] += 1
            except Exception as e:  # noqa: BLE001 - every failure is a test failure
                with lock:
                    errors.append(f"client {i}: {type(e).__name__}: {e}")
            finally:
                if s is not None:
                    s.close()

        old_stack = threading.stack_size(512 * 1024)
        try:
            threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(count)]
            for t in threads:
                t.start()
        finally:
            threading.stack_size(old_stack)
        try:
            wait_until(lambda: connected[0] + len(errors) >= count, timeout=120,
                       what=f"{count} TLS handshakes")
            # The plain listener of the same server echoes too, while 500 TLS sessions are open.
            plain = connect(server.plain_port)
            assert echo_roundtrip(plain, b"plain beside TLS") == b"plain beside TLS"
            plain.close()
        finally:
            go.set()
        deadline = time.monotonic() + 180
        for t in threads:
            t.join(max(0.1, deadline - time.monotonic()))
        assert errors == [], errors[:10]
        assert done[0] == count
        assert server.proc.poll() is None


def test_relative_paths_chain_and_listen_flag(pki):
    """Relative paths are read from the config file's directory (hiconn runs in another one);
    `--listen tls://127.0.0.1:0` replaces the config's listeners."""
    server = Server({"tls": {"certificate": "certs/chain.pem", "private_key": "certs/server.key"}},
                    extra_args=["--listen", "tls://127.0.0.1:0"])
    os.makedirs(os.path.join(server.tmp.name, "certs"))
    install(pki.server_chain, os.path.join(server.tmp.name, "certs", "chain.pem"))
    install(pki.server_key, os.path.join(server.tmp.name, "certs", "server.key"))
    assert os.path.abspath(os.getcwd()) != os.path.abspath(server.tmp.name)
    with server:
        assert server.schemes == ["tls"]
        assert re.search(rf"listening on tls://127\.0\.0\.1:{server.tls_port}\b", server.log())
        s = tls_connect(server.tls_port, pki.ca_cert)
        assert peer_fingerprint(s) == cert_fingerprint(pki.server_cert)
        payload = random.Random(3).randbytes(200000)  # many TLS records each way
        assert tls_echo_roundtrip(s, payload) == payload
        s.close()


def test_min_version_ciphers_and_ciphersuites(pki):
    tls12_only = {"max_version": ssl.TLSVersion.TLSv1_2}
    with tls_server(pki) as server:  # default min_version 1.2: a TLS 1.2 client is served
        s = tls_connect(server.tls_port, pki.ca_cert, **tls12_only)
        assert s.version() == "TLSv1.2"
        assert tls_echo_roundtrip(s, b"twelve") == b"twelve"
        s.close()
    with tls_server(pki, tls=tls_section(pki, min_version="1.3")) as server:
        with pytest.raises((ssl.SSLError, ConnectionError)):
            tls_connect(server.tls_port, pki.ca_cert, **tls12_only).close()
        s = tls_connect(server.tls_port, pki.ca_cert)
        assert s.version() == "TLSv1.3"
        assert tls_echo_roundtrip(s, b"thirteen") == b"thirteen"
        s.close()
    suite, cipher = "TLS_CHACHA20_POLY1305_SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256"
    with tls_server(pki, tls=tls_section(pki, ciphersuites=suite, ciphers=cipher)) as server:
        s = tls_connect(server.tls_port, pki.ca_cert)
        assert s.cipher()[0] == suite, s.cipher()
        assert tls_echo_roundtrip(s, b"chacha") == b"chacha"
        s.close()
        s = tls_connect(server.tls_port, pki.ca_cert, **tls12_only)
        assert s.cipher()[0] == cipher, s.cipher()
        s.close()
        # A TLS 1.2 client that offers none of the configured ciphers gets no session.
        ctx = client_context(pki.ca_cert, **tls12_only)
        ctx.set_ciphers("ECDHE-ECDSA-AES256-GCM-SHA384")
        with pytest.raises((ssl.SSLError, ConnectionError)):
            tls_connect(server.tls_port, pki.ca_cert, context=ctx).close()


# -- start-up errors ------------------------------------------------------------------------

def startup_error_cases():
    """(id, function(pki, tmp_path) -> (tls section or None, listen), what the message names)."""
    def cert(path):
        return lambda p, tmp: ({"certificate": path(p, tmp), "private_key": p.server_key}, TLS_AND_PLAIN)

    def key(path):
        return lambda p, tmp: ({"certificate": p.server_cert, "private_key": path(p, tmp)}, TLS_AND_PLAIN)

    def section(**extra):
        return lambda p, tmp: (tls_section(p, **extra), TLS_AND_PLAIN)

    def section_with(**paths):
        return lambda p, tmp: (tls_section(p, **{k: f(p) for k, f in paths.items()}), TLS_AND_PLAIN)

    listen_or_tls = r"listen\[1\]|\btls\b(?!://)"  # "tls" the section, not the scheme
    return [
        ("certificate_missing", cert(lambda p, tmp: str(tmp / "no-such.pem")), r"tls\.certificate"),
        ("certificate_garbage", cert(lambda p, tmp: p.garbage), r"tls\.certificate"),
        ("certificate_is_a_key", cert(lambda p, tmp: p.server_key), r"tls\.certificate"),
        ("private_key_missing", key(lambda p, tmp: str(tmp / "no-such.key")), r"tls\.private_key"),
        ("private_key_garbage", key(lambda p, tmp: p.garbage), r"tls\.private_key"),
        ("private_key_not_matching", key(lambda p, tmp: p.other_key), r"tls\.private_key"),
        ("tls_listener_without_tls_section", lambda p, tmp: (None, TLS_AND_PLAIN[::-1]), listen_or_tls),
        ("min_version_1_1", section(min_version="1.1"), r"tls\.min_version"),
        ("min_version_word", section(min_version="banana"), r"tls\.min_version"),
        ("min_version_number", section(min_version=1.3), r"tls\.min_version"),
        # Beyond the brief's list, as the README documents them:
        ("ciphers_rejected", section(ciphers="NO-SUCH-CIPHER"), r"tls\.ciphers\b"),
        ("ciphersuites_rejected", section(ciphersuites="TLS_NO_SUCH_SUITE"), r"tls\.ciphersuites"),
        ("client_ca_missing", lambda p, tmp: (tls_section(p, client_ca=str(tmp / "no-ca.pem")), TLS_AND_PLAIN),
         r"tls\.client_ca"),
        ("client_ca_garbage", section_with(client_ca=lambda p: p.garbage), r"tls\.client_ca"),
    ]


CASES = startup_error_cases()


@pytest.mark.parametrize("make,names", [(m, n) for _, m, n in CASES], ids=[c[0] for c in CASES])
def test_startup_error_exits_2_naming_the_key(pki, tmp_path, make, names):
    tls, listen = make(pki, tmp_path)
    cfg = {"workload": "echo", "listen": listen, "log": {"level": "info"}}
    if tls is not None:
        cfg["tls"] = tls
    path = tmp_path / "hiconn.json"
    path.write_text(json.dumps(cfg, indent=2))
    # check-config: the same validation, without starting.
    result = subprocess.run(PREFIX + [BIN, "check-config", "--config", str(path)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert re.search(names, result.stderr), result.stderr
    # run: exits 2 before listening (a server that starts anyway is stopped at once).
    proc = subprocess.Popen(PREFIX + [BIN, "run", "--config", str(path)], stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        out, _ = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
        raise AssertionError(f"hiconn run kept running with a bad tls config:\n{out.decode(errors='replace')}")
    out = out.decode(errors="replace")
    assert proc.returncode == 2, (proc.returncode, out)
    assert re.search(names, out), out
    assert "listening on" not in out, out


def test_check_config_accepts_tls_prints_defaults_and_schema_agrees(pki, tmp_path):
    """A valid tls section passes check-config, which prints it with its defaults; the shipped
    JSON Schema (which every key is documented in) accepts the same file."""
    cfg = {"workload": "chat", "listen": ["127.0.0.1:6667", "tls://127.0.0.1:6697"],
           "tls": {"certificate": pki.server_cert, "private_key": pki.server_key}}
    path = tmp_path / "hiconn.json"
    path.write_text(json.dumps(cfg))
    result = subprocess.run(PREFIX + [BIN, "check-config", "--config", str(path)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    effective = json.loads(result.stdout)
    assert effective["listen"] == cfg["listen"]
    assert effective["tls"]["min_version"] == "1.2", effective["tls"]
    assert {"certificate", "private_key", "min_version", "ciphers", "ciphersuites",
            "client_ca"} <= set(effective["tls"]), effective["tls"]
    jsonschema = pytest.importorskip("jsonschema")
    with open(os.path.join(SOURCE_DIR, "config", "hiconn.schema.json")) as f:
        schema = json.load(f)
    full = dict(cfg, tls=dict(cfg["tls"], min_version="1.3", ciphers="ECDHE-ECDSA-AES128-GCM-SHA256",
                              ciphersuites="TLS_AES_128_GCM_SHA256", client_ca=pki.ca_cert))
    errors = [e.message for e in jsonschema.Draft7Validator(schema).iter_errors(full)]
    assert errors == [], errors
    assert not jsonschema.Draft7Validator(schema).is_valid(dict(cfg, tls=dict(cfg["tls"], min_version="1.1")))


def test_listen_flag_tls_without_tls_section_exits_2(tmp_path):
    path = tmp_path / "hiconn.json"
    path.write_text(json.dumps({"workload": "echo", "listen": ["127.0.0.1:0"]}))
    result = subprocess.run(PREFIX + [BIN, "check-config", "--config", str(path),
                                      "--listen", "tls://127.0.0.1:0"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert re.search(r"listen\[0\]|\btls\b(?!://)", result.stderr), result.stderr


# -- reload ---------------------------------------------------------------------------------

def reload_count(server):
    return len(re.findall(r"^.*\breload\b.*$", server.log(), re.M | re.I))


def reload_and_wait(server, stats_port):
    """SIGHUP (POST /reload under Wine, which has no SIGHUP) and wait until the server has
    logged the reload's outcome (every reload logs a line with "reload" in it)."""
    before = reload_count(server)
    if UNDER_WINE:
        request(stats_port, "POST", "/reload")
    else:
        server.signal(signal.SIGHUP)
    wait_until(lambda: reload_count(server) > before, timeout=20, what="the reload to be logged")
    assert server.proc.poll() is None, server.log()


def reloadable_server(pki):
    """A TLS server whose certificate and key are files in its config dir, to be replaced."""
    server = tls_server(pki, tls={"certificate": "cert.pem", "private_key": "key.pem"}, admin=True,
                        listen=["tls://127.0.0.1:0"])
    cert, key = (os.path.join(server.tmp.name, n) for n in ("cert.pem", "key.pem"))
    install(pki.server_cert, cert)
    install(pki.server_key, key)
    return server, cert, key


def test_reload_serves_new_certificate_and_keeps_open_session(pki):
    server, cert, key = reloadable_server(pki)
    with server:
        stats_port = admin_port(server)
        port = server.tls_port
        old, new = cert_fingerprint(pki.server_cert), cert_fingerprint(pki.server2_cert)
        assert served_fingerprint(port, pki.ca_cert) == old
        held = tls_connect(port, pki.ca_cert)
        assert tls_echo_roundtrip(held, b"before the reload") == b"before the reload"

        install(pki.server2_cert, cert)
        install(pki.server2_key, key)
        reload_and_wait(server, stats_port)
        wait_until(lambda: served_fingerprint(port, pki.ca_cert) == new, timeout=10,
                   what="new handshakes to get the second certificate")
        with open(pki.server2_cert) as f:
            assert served_certificate(port) == ssl.PEM_cert_to_DER_cert(f.read())  # serial 1002

        # The session from before the reload keeps its certificate and keeps working.
        assert peer_fingerprint(held) == old
        payload = random.Random(5).randbytes(100000)
        assert tls_echo_roundtrip(held, payload) == payload
        held.close()


def test_reload_with_invalid_pair_keeps_serving_old_certificate(pki):
    server, cert, key = reloadable_server(pki)
    with server:
        stats_port = admin_port(server)
        port = server.tls_port
        old = cert_fingerprint(pki.server_cert)
        held = tls_connect(port, pki.ca_cert)
        assert tls_echo_roundtrip(held, b"held") == b"held"
        bad_pairs = [
            ("a key of another certificate", pki.server_cert, pki.other_key),
            ("garbage for the key", pki.server_cert, pki.garbage),
            ("garbage for the certificate", pki.garbage, pki.server_key),
            ("the new certificate with the old key", pki.server2_cert, pki.server_key),
        ]
        for what, new_cert, new_key in bad_pairs:
            install(new_cert, cert)
            install(new_key, key)
            reload_and_wait(server, stats_port)
            for _ in range(3):
                assert served_fingerprint(port, pki.ca_cert) == old, what
            assert tls_echo_roundtrip(held, what.encode()) == what.encode()
        os.remove(key)  # a missing file too
        reload_and_wait(server, stats_port)
        assert served_fingerprint(port, pki.ca_cert) == old
        # A valid pair after the failures is taken.
        install(pki.server2_cert, cert)
        install(pki.server2_key, key)
        reload_and_wait(server, stats_port)
        wait_until(lambda: served_fingerprint(port, pki.ca_cert) == cert_fingerprint(pki.server2_cert),
                   timeout=10, what="the valid pair to be served")
        assert tls_echo_roundtrip(held, b"still held") == b"still held"
        held.close()


# -- bad clients ----------------------------------------------------------------------------

def test_plain_text_and_garbage_on_tls_port_close_that_connection_only(pki):
    with tls_server(pki) as server:
        port = server.tls_port
        before = tls_connect(port, pki.ca_cert)
        assert tls_echo_roundtrip(before, b"connected before") == b"connected before"
        rng = random.Random(11)
        for payload in (b"hello, this is plain text\r\n",
                        b"NICK plain\r\nUSER plain 0 * :Plain\r\n",
                        b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                        b"\x00\xff" + rng.randbytes(4096),
                        b"\x15\x03\x03\x00\x02\x02\x28"):  # a fatal alert record out of nowhere
            s = connect(port)
            s.sendall(payload)
            assert is_closed_by_peer(s, timeout=10), payload[:20]
            s.close()
        assert tls_echo_roundtrip(before, b"still served") == b"still served"
        after = tls_connect(port, pki.ca_cert)
        assert tls_echo_roundtrip(after, b"connected after") == b"connected after"
        plain = connect(server.plain_port)
        assert echo_roundtrip(plain, b"plain port") == b"plain port"
        for s in (before, after, plain):
            s.close()
        assert server.proc.poll() is None


def test_unfinished_handshake_closed_after_first_data_timeout(pki):
    with tls_server(pki, config={"timeouts": {"first_data_s": 2}}) as server:
        port = server.tls_port
        silent = connect(port)  # no ClientHello at all
        half = connect(port)
        hello = client_hello()
        half.sendall(hello[: len(hello) // 2])  # half of one
        talker = tls_connect(port, pki.ca_cert)
        assert tls_echo_roundtrip(talker, b"talking") == b"talking"
        assert is_closed_by_peer(silent, timeout=15), "a silent connection stayed open"
        assert is_closed_by_peer(half, timeout=15), "a half ClientHello stayed open"
        assert tls_echo_roundtrip(talker, b"still talking") == b"still talking"
        for s in (silent, half, talker):
            s.close()


def test_many_handshakes_leave_no_connection_behind(pki):
    with tls_server(pki, admin=True) as server:
        stats_port = admin_port(server)
        port = server.tls_port
        ctx = client_context(pki.ca_cert)
        hello = client_hello()
        rng = random.Random(13)
        for i in range(200):
            kind = i % 5
            if kind == 0:  # a full session, closed with close_notify
                s = tls_connect(port, pki.ca_cert, context=ctx)
                payload = rng.randbytes(rng.randint(1, 3000))
                assert tls_echo_roundtrip(s, payload) == payload
                try:  # close_notify; whether the server answers with its own is not checked
                    s.unwrap()
                except (ssl.SSLError, OSError):
                    pass
                s.close()
            elif kind == 1:  # a handshake, then a TCP close without close_notify
                tls_connect(port, pki.ca_cert, context=ctx).close()
            elif kind == 2:  # half a ClientHello, then gone
                s = connect(port)
                s.sendall(hello[: rng.randint(1, len(hello) - 1)])
                s.close()
            elif kind == 3:  # a client that refuses the server's certificate mid-handshake
                with pytest.raises(ssl.SSLCertVerificationError):
                    tls_connect(port, pki.other_ca_cert).close()
            else:  # connect and leave at once
                connect(port).close()
        wait_until(lambda: stats(stats_port)["connections"]["current"] == 0, timeout=30,
                   what="the connections gauge to return to 0")
        s = tls_connect(port, pki.ca_cert)
        assert tls_echo_roundtrip(s, b"after 200") == b"after 200"
        s.close()
        assert server.proc.poll() is None
