"""The stats.http endpoint of the real binary: Prometheus text read by prometheus_client's
parser, figures checked against a known load, the admin controls and who may use them,
reload under load, and the log file's rotation and reopen."""
import http.client
import json
import os
import signal
import threading

import pytest

from hiconn_harness import connect, echo_roundtrip, raise_nofile, wait_until
from ops_helpers import admin_port, admin_server, can_connect, request, scrape


def value(samples, name, **labels):
    return samples[name][frozenset(labels.items())]


@pytest.fixture
def server_factory():
    started = []

    def make(*args, log_file=None, **kwargs):
        srv = admin_server(*args, **kwargs)
        srv.start(wait=log_file is None)  # the harness waits on stderr
        started.append(srv)
        return srv, admin_port(srv, log_file)

    yield make
    for srv in started:
        if srv.proc.poll() is None:
            srv.signal(signal.SIGTERM)
            try:
                srv.wait_exit(60)
            except Exception:
                srv.proc.kill()
                srv.proc.wait()


def test_metrics_parse_and_follow_100_connections(server_factory):
    raise_nofile(2000)
    srv, port = server_factory()
    clients = [connect(srv.port) for _ in range(100)]
    try:
        for i, c in enumerate(clients):
            assert echo_roundtrip(c, b"m%03d" % i) == b"m%03d" % i
        # A write's bytes are counted when it completes, which can be just after the client
        # has read the echo: wait for the last one to be counted (seen under ASan in CI).
        wait_until(lambda: value(scrape(port)[1], "hiconn_sent_bytes_total") >= 400,
                   timeout=10, what="the 100 echoes counted in hiconn_sent_bytes_total")
        families, samples = scrape(port)

        # Every family documented and typed; counters are *_total samples.
        for family in families:
            assert family.name.startswith("hiconn_")
            assert family.documentation, family.name
            assert family.type in ("counter", "gauge"), family.name
            for s in family.samples:
                assert s.name.endswith("_total") == (family.type == "counter"), s.name

        assert value(samples, "hiconn_connections") == 100
        assert value(samples, "hiconn_connections_peak") >= 100
        assert value(samples, "hiconn_accepts_total") >= 100
        assert value(samples, "hiconn_received_bytes_total") >= 400
        assert value(samples, "hiconn_sent_bytes_total") >= 400
        assert value(samples, "hiconn_accepting") == 1
        assert value(samples, "hiconn_outstanding_accepts") >= 1
        assert value(samples, "hiconn_accept_target") >= 1
        for name in ("hiconn_posted_sends", "hiconn_posted_receives", "hiconn_send_waiters",
                     "hiconn_send_queue_bytes"):
            assert value(samples, name) >= 0
        assert value(samples, "hiconn_process_open_fds") >= 100
        assert value(samples, "hiconn_process_resident_memory_bytes") > 1 << 20
        assert value(samples, "hiconn_closes_total", reason="peer_closed") == 0
        assert {dict(k)["reason"] for k in samples["hiconn_closes_total"]} >= {
            "peer_closed", "io_error", "first_data_timeout", "idle_timeout", "send_stall",
            "rejected_limit", "rejected_per_ip", "server_stop"}
        assert {dict(k)["cause"] for k in samples["hiconn_accept_pauses_total"]} == {
            "resource", "limit", "operator"}
        assert {dict(k)["kind"] for k in samples["hiconn_timeouts_total"]} == {
            "first_data", "idle", "send_stall", "linger"}
        (build,) = samples["hiconn_build_info"].items()
        assert dict(build[0])["version"] and build[1] == 1
        assert value(samples, "hiconn_workload_info", workload="echo") == 1

        status, headers, body = request(port, "GET", "/stats")
        assert status == 200 and headers["Content-Type"] == "application/json"
        stats = json.loads(body)
        assert stats["connections"]["current"] == 100
        assert stats["workload"] == "echo"
        assert set(stats["closes"]) >= {"peer_closed", "server_stop"}
    finally:
        for c in clients:
            c.close()

    def all_closed():
        _, s = scrape(port)
        return (value(s, "hiconn_connections") == 0 and
                value(s, "hiconn_closes_total", reason="peer_closed") == 100)
    wait_until(all_closed, timeout=30, what="100 peer_closed closes in the metrics")


def test_admin_pause_continue_reload_from_loopback(server_factory):
    srv, port = server_factory()
    status, _, body = request(port, "POST", "/pause")
    assert status == 200, body
    wait_until(lambda: not can_connect(srv.port), what="the listener to close")
    _, samples = scrape(port)
    assert value(samples, "hiconn_accepting") == 0
    assert value(samples, "hiconn_accept_pauses_total", cause="operator") >= 1

    status, _, body = request(port, "POST", "/continue")
    assert status == 200, body
    wait_until(lambda: can_connect(srv.port), what="the listener to reopen")
    with connect(srv.port) as c:
        assert echo_roundtrip(c, b"back") == b"back"

    status, _, body = request(port, "POST", "/reload")
    assert status == 200, body
    assert "reload: configuration applied" in srv.log()

    # A broken config file: 500, the old config kept, still serving.
    with open(srv.config_path, "w") as f:
        f.write('{"limits": {"max_connections": "many"}}')
    status, _, body = request(port, "POST", "/reload")
    assert status == 500 and "old config is kept" in body
    with connect(srv.port) as c:
        assert echo_roundtrip(c, b"kept") == b"kept"

    # Wrong method and unknown path.
    assert request(port, "GET", "/pause")[0] == 405
    assert request(port, "GET", "/nothing-here")[0] == 404


def test_admin_refused_from_other_address_until_allowed(server_factory):
    srv, port = server_factory()
    # 127.0.0.2 is a loopback address, but not localhost (127.0.0.1): an "other" peer.
    status, _, body = request(port, "POST", "/pause", source="127.0.0.2")
    assert status == 403, body
    assert request(port, "POST", "/reload", source="127.0.0.2")[0] == 403
    with connect(srv.port) as c:  # nothing was paused
        assert echo_roundtrip(c, b"x") == b"x"
    _, samples = scrape(port)
    assert value(samples, "hiconn_accept_pauses_total", cause="operator") == 0
    # The figures are readable from anywhere that reaches the endpoint.
    assert request(port, "GET", "/metrics", source="127.0.0.2")[0] == 200

    # Listing the address (applied by a reload) lets it in.
    srv.config["stats"]["http"]["allow"] = ["127.0.0.2"]
    srv.write_config(srv.config)
    srv.signal(signal.SIGHUP)
    wait_until(lambda: "reload: configuration applied" in srv.log(), what="the reload")
    status, _, body = request(port, "POST", "/pause", source="127.0.0.2")
    assert status == 200, body
    wait_until(lambda: not can_connect(srv.port), what="the listener to close")
    assert request(port, "POST", "/continue", source="127.0.0.2")[0] == 200
    # 127.0.0.3 is still not listed.
    assert request(port, "POST", "/pause", source="127.0.0.3")[0] == 403


def test_admin_token(server_factory):
    srv, port = server_factory({"token": "s3cret-t0ken"})
    status, headers, _ = request(port, "POST", "/pause")
    assert status == 401 and headers.get("WWW-Authenticate", "").startswith("Bearer")
    assert request(port, "POST", "/pause", {"Authorization": "Bearer wrong"})[0] == 401
    assert request(port, "POST", "/pause", {"Authorization": "s3cret-t0ken"})[0] == 401
    assert can_connect(srv.port)
    assert request(port, "POST", "/pause", {"Authorization": "Bearer s3cret-t0ken"})[0] == 200
    wait_until(lambda: not can_connect(srv.port), what="the listener to close")
    assert request(port, "POST", "/continue", {"Authorization": "Bearer s3cret-t0ken"})[0] == 200
    # The token does not open the controls to other addresses.
    assert request(port, "POST", "/pause", {"Authorization": "Bearer s3cret-t0ken"},
                   source="127.0.0.2")[0] == 403
    # Reading the figures needs no token.
    assert request(port, "GET", "/metrics")[0] == 200


def test_garbage_and_oversized_requests_do_not_hurt(server_factory):
    import socket as pysocket
    srv, port = server_factory()
    with pysocket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"\x00\x01garbage that is not HTTP\r\n\r\n")
        assert s.recv(4096).startswith(b"HTTP/1.1 400")
    with pysocket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"GET /metrics HTTP/1.1\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n")
        assert s.recv(4096).startswith(b"HTTP/1.1 413")
    with pysocket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"POST /pause HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n" + b"b" * 8192)
        assert s.recv(4096).startswith(b"HTTP/1.1 413")
    assert can_connect(srv.port)  # the 413 POST did not pause
    assert request(port, "GET", "/metrics")[0] == 200


def test_reload_under_load_drops_no_connection(server_factory):
    raise_nofile(2000)
    srv, port = server_factory()
    clients = [connect(srv.port) for _ in range(200)]
    stop = threading.Event()
    errors = []
    rounds = [0]

    def load():
        # Bounded: at most 200 rounds of one echo per connection.
        try:
            while not stop.is_set() and rounds[0] < 200:
                for i, c in enumerate(clients):
                    payload = b"r%d-%d;" % (rounds[0], i)
                    if echo_roundtrip(c, payload) != payload:
                        errors.append(f"connection {i}: wrong echo")
                        return
                rounds[0] += 1
        except Exception as e:  # noqa: BLE001 -- reported below
            errors.append(repr(e))

    worker = threading.Thread(target=load)
    worker.start()
    try:
        for n in range(5):
            srv.config["timeouts"] = {"idle_s": 300 + n}
            srv.write_config(srv.config)
            status, _, body = request(port, "POST", "/reload")
            assert status == 200, body
        srv.signal(signal.SIGHUP)
        wait_until(lambda: srv.log().count("reload: configuration applied") >= 6, what="six reloads")
    finally:
        stop.set()
        worker.join(120)
    assert not errors, errors
    assert rounds[0] >= 1
    for i, c in enumerate(clients):
        assert echo_roundtrip(c, b"after %d" % i) == b"after %d" % i
    _, samples = scrape(port)
    assert value(samples, "hiconn_connections") == 200
    assert sum(samples["hiconn_closes_total"].values()) == 0
    for c in clients:
        c.close()


def test_log_file_rotation_and_reopen(server_factory, tmp_path):
    log_file = tmp_path / "logs" / "hiconn.log"
    srv, port = server_factory(config={"log": {"level": "debug", "file": str(log_file),
                                               "max_size_mb": 1, "max_files": 2}},
                               log_file=log_file)

    # At debug level each admin request is one access-log line with its (1 KiB) target.
    def hammer(count, tag):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            for i in range(count):
                conn.request("GET", "/%s-%06d-" % (tag, i) + "p" * 1000)
                response = conn.getresponse()
                response.read()
                assert response.status == 404
        finally:
            conn.close()

    hammer(4000, "first")  # ~4.3 MB of log through a 1 MB limit
    names = sorted(p.name for p in log_file.parent.iterdir())
    assert names == ["hiconn.1.log", "hiconn.2.log", "hiconn.log"]
    for p in log_file.parent.iterdir():
        assert p.stat().st_size <= 1024 * 1024
    newest = log_file.read_text() + (log_file.parent / "hiconn.1.log").read_text()
    assert "GET /first-003999-" in newest
    everything = newest + (log_file.parent / "hiconn.2.log").read_text()
    assert "GET /first-000000-" not in everything  # the oldest lines rotated away
    for line in everything.splitlines():
        assert line[:4].isdigit() and line[23] == "Z", line[:80]

    # SIGHUP re-opens the file: after an external move, lines go to a fresh hiconn.log.
    os.rename(log_file, log_file.parent / "moved.log")
    srv.signal(signal.SIGHUP)
    wait_until(lambda: log_file.exists() and "reload: configuration applied" in log_file.read_text(),
               what="the re-opened log file")
    hammer(3, "second")
    assert "GET /second-000002-" in log_file.read_text()
    assert "GET /second-" not in (log_file.parent / "moved.log").read_text()
