"""hiconn-load --tls against hiconn's tls:// listeners: echo verifies every byte inside TLS,
connect holds TLS connections (TLS 1.3 session tickets are not a close), chat delivers over
TLS, the handshake mode counts full handshakes, --tls-ca verifies the server (a certificate
from another CA fails with OpenSSL's reason), TLS against a plain port fails by name, and
bad TLS options are usage errors.

Environment: HICONN_LOAD_BIN, HICONN_BIN (the tests that need hiconn are skipped without it).
Certificates are throw-away ones made with the openssl command in a temp dir.
"""
import os
import subprocess

import pytest

from hiconn_harness import Server
from test_load_tool import HICONN_BIN, LOAD_BIN, LOAD_PREFIX, WINDOWS, posix_only, run_load, server_pid_args

needs_hiconn = pytest.mark.skipif(not HICONN_BIN or not os.path.exists(HICONN_BIN),
                                  reason="HICONN_BIN not built")


def make_cert(directory, name):
    """A self-signed EC certificate for 127.0.0.1 (IP SAN): (cert path, key path)."""
    cert, key = os.path.join(directory, f"{name}.pem"), os.path.join(directory, f"{name}.key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-days", "2", "-subj", f"/CN={name}", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    return cert, key


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    d = str(tmp_path_factory.mktemp("load-tls"))
    return {"server": make_cert(d, "server"), "other": make_cert(d, "other")}


def tls_server(certs, workload="echo", extra=None):
    cert, key = certs["server"]
    config = {"workload": workload, "threads": 2, "listen": ["tls://127.0.0.1:0"],
              "tls": {"certificate": cert, "private_key": key}}
    config.update(extra or {})
    return Server(config=config)


@needs_hiconn
def test_echo_over_tls_verifies_every_byte(certs):
    with tls_server(certs) as server:
        status, result, err = run_load("echo", "--tls", "--port", server.port, "-c", 20, "--size-min", 1,
                                       "--size-max", 20000, "--depth", 2, "-d", 1, "--threads", 2,
                                       *server_pid_args(server.proc.pid))
    assert status == 0, err
    assert result["connected"] == 20 and result["connect_failed"] == 0
    assert result["messages"] > 0
    assert result["mismatched_bytes"] == 0 and result["unanswered"] == 0 and result["closed_by_server"] == 0
    assert result["bytes_received_total"] == result["bytes_sent_total"] > 0
    assert "hiconn-load: TLS: TLSv1.3" in err and "(not verified)" in err


@needs_hiconn
def test_connect_holds_tls_connections(certs):
    with tls_server(certs) as server:
        status, result, err = run_load("connect", "--tls", "--port", server.port, "-c", 200, "--hold", 1,
                                       *server_pid_args(server.proc.pid))
    assert status == 0, err
    assert result["connected"] == 200 and result["failed"] == 0
    assert result["dropped"] == 0  # the server's session tickets arrived, nobody closed
    assert WINDOWS or result["server_rss_per_conn"] > 0


@needs_hiconn
def test_chat_over_tls_counts_every_delivery(certs):
    flood = {"messages_per_second": 10000, "burst": 10000, "max_queued": 10000}
    with tls_server(certs, "chat", {"chat": {"flood": flood}}) as server:
        status, result, err = run_load("chat", "--tls", "--port", server.port, "-c", 30, "--channels", 3,
                                       "--senders", 3, "--rate", 60, "-d", 1, "--register-rate", 300)
    assert status == 0, err
    assert result["registered"] == 30 and result["joined"] == 30
    assert result["sent"] > 0 and result["expected"] == result["sent"] * 9
    assert result["received"] == result["expected"] and result["lost"] == 0


@needs_hiconn
def test_handshake_mode_counts_full_handshakes(certs):
    with tls_server(certs) as server:
        status, result, err = run_load("handshake", "--port", server.port, "-c", 4, "-d", 1, "--drain", 2,
                                       *server_pid_args(server.proc.pid))
    assert status == 0, err
    assert result["mode"] == "handshake"
    assert result["handshakes"] > 0 and result["failed"] == 0
    assert result["handshakes_completed"] >= result["handshakes"]
    assert result["handshakes_per_s"] > 0
    assert result["latency_us"]["count"] == result["handshakes"]
    assert result["per_server"][0]["handshakes"] == result["handshakes"]
    assert WINDOWS or result["server_cpu_us_per_handshake"] > 0


@needs_hiconn
def test_handshake_mode_stops_at_max_handshakes(certs):
    with tls_server(certs) as server:
        status, result, err = run_load("handshake", "--port", server.port, "-c", 3, "-d", 60,
                                       "--max-handshakes", 10, timeout=40)
    # The clients stop after 10 attempts in all, and the phase ends with them (not at -d 60).
    assert status == 0, err
    assert result["attempts"] == 10 and result["handshakes_completed"] == 10
    assert result["handshakes"] == 10 and result["failed"] == 0
    assert result["measured_s"] < 30


@needs_hiconn
@posix_only
def test_handshake_workers_share_max_handshakes(certs):
    with tls_server(certs) as server:
        status, result, err = run_load("handshake", "--port", server.port, "-c", 4, "-d", 60, "--procs", 2,
                                       "--max-handshakes", 11, timeout=60)
    assert status == 0, err
    assert result["workers_reporting"] == 2
    assert result["attempts"] == 11 and result["handshakes"] == 11  # 6 + 5


@needs_hiconn
def test_tls_ca_verifies_the_server(certs):
    with tls_server(certs) as server:
        status, result, err = run_load("connect", "--tls-ca", certs["server"][0], "--port", server.port,
                                       "-c", 5, "--hold", 0)
        assert status == 0, err
        assert result["connected"] == 5
        assert "(verified)" in err
        status, result, err = run_load("connect", "--tls-ca", certs["other"][0], "--port", server.port,
                                       "-c", 5, "--hold", 0)
    assert status == 0  # connect mode reports, it does not judge
    assert result["connected"] == 0 and result["failed"] == 5
    assert result["errors"] == {"TLS: certificate verify failed": 5}, result["errors"]


@needs_hiconn
def test_tls_against_a_plain_port_fails_by_name():
    with Server() as server:  # a plain echo listener
        status, result, err = run_load("echo", "--tls", "--port", server.port, "-c", 3, "-d", 1,
                                       "--connect-timeout", 3)
    assert status == 1, err
    assert result["connected"] == 0 and result["connect_failed"] == 3
    assert all(name.startswith("TLS: ") or name in ("timeout", "eof", "tls_truncated")
               for name in result["errors"]), result["errors"]


@pytest.mark.parametrize("args, why", [
    (["handshake", "-p", "7000", "--max-handshakes", "0"], "--max-handshakes"),
    (["echo", "-p", "7000", "--tls-ca", ""], "--tls-ca"),
])
def test_bad_tls_options_are_usage_errors(args, why):
    proc = subprocess.run([*LOAD_PREFIX, LOAD_BIN, *args], capture_output=True, text=True, timeout=30)
    assert proc.returncode == 2
    assert why in proc.stderr


def test_unreadable_tls_ca_is_an_error(tmp_path):
    proc = subprocess.run([*LOAD_PREFIX, LOAD_BIN, "echo", "-p", "7000", "--tls-ca", str(tmp_path / "missing.pem")],
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 2
    assert "cannot read --tls-ca file" in proc.stderr
