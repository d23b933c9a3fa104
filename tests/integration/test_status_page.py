"""The status page on stats.http (GET /, /status.css, /status.js) and its history
(GET /stats/history): who may read them, what they answer, and the page itself in Debian's
headless Chromium, driven by playwright-core (tests/integration/browser), whose figures must
be /stats' figures of a quiet server. The screenshot lands in the build tree's artifacts/."""
import json
import os
import subprocess
import time

import pytest

from chat_helpers import numeric, registered
from federation_helpers import SPLIT, Network
from hiconn_harness import BIN, SOURCE_DIR, connect, echo_roundtrip, wait_until
from ops_helpers import admin_port, admin_server, request

BROWSER_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "browser")
CSP = "default-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"


def artifacts_dir():
    """HICONN_ARTIFACTS_DIR (CTest sets BUILD_DIR/artifacts), else beside the binary's tree."""
    path = os.environ.get("HICONN_ARTIFACTS_DIR") or os.path.join(
        os.path.dirname(os.path.dirname(os.path.abspath(BIN))), "artifacts")
    os.makedirs(path, exist_ok=True)
    return path


def playwright_core():
    """The installed playwright-core (scripts/install-playwright.sh installs it when missing).
    Without it the test fails saying why: a browser test that cannot run has not passed."""
    script = os.path.join(SOURCE_DIR, "scripts", "install-playwright.sh")
    run = subprocess.run([script], capture_output=True, text=True, timeout=300)
    if run.returncode != 0:
        pytest.fail("playwright-core is not installed and could not be installed with npm "
                    f"(scripts/install-playwright.sh, needs the npm registry once):\n{run.stderr}")
    path = os.path.join(run.stdout.strip(), "node_modules", "playwright-core")
    assert os.path.isfile(os.path.join(path, "package.json")), path
    return path


def get_json(port, path, source=None):
    status, headers, body = request(port, "GET", path, source=source)
    assert status == 200, (path, status, body)
    assert headers["Content-Type"] == "application/json"
    return json.loads(body)


def flatten(obj, prefix=""):
    """{"connections": {"current": 3}} -> {"connections.current": 3}, as the page's table."""
    out = {}
    for key, value in obj.items():
        name = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            out.update(flatten(value, name))
        else:
            out[name] = value
    return out


def as_attribute(value):
    """A /stats value as the page writes it into data-value (JavaScript's String())."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    return json.dumps(value)  # true/false, integers


@pytest.fixture
def admin():
    started = []

    def make(**kwargs):
        srv = admin_server(**kwargs)
        srv.start()
        started.append(srv)
        return srv, admin_port(srv)

    yield make
    for srv in started:
        srv.stop()


def test_page_and_history_are_open_to_gets_and_nothing_else(admin):
    srv, port = admin(http_config={"token": "s3cret"})  # the token guards controls only
    clients = [connect(srv.port) for _ in range(3)]
    try:
        for c in clients:
            assert echo_roundtrip(c, b"x" * 1000) == b"x" * 1000
        # GETs: anyone who reaches the address, 127.0.0.2 (not localhost) included, no token.
        status, headers, page = request(port, "GET", "/", source="127.0.0.2")
        assert status == 200
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        assert headers["Cache-Control"] == "no-cache"
        assert headers["Content-Security-Policy"] == CSP
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert '<script src="/status.js"' in page and 'href="/status.css"' in page
        assert "http://" not in page and "https://" not in page  # nothing from elsewhere
        for path, kind in (("/status.js", "text/javascript"), ("/status.css", "text/css")):
            status, headers, body = request(port, "GET", path, source="127.0.0.2")
            assert status == 200 and headers["Content-Type"] == kind + "; charset=utf-8", path
            assert headers["Content-Security-Policy"] == CSP
            assert "https://" not in body and "//cdn" not in body, path
        status, headers, body = request(port, "HEAD", "/")
        assert status == 200 and body == ""
        assert int(headers["Content-Length"]) == len(page.encode())
        # Like the other figures: no other method, no other file, controls unchanged.
        status, headers, _ = request(port, "POST", "/")
        assert status == 405 and headers["Allow"] == "GET"
        assert request(port, "POST", "/stats/history", source="127.0.0.2")[0] == 405
        assert request(port, "GET", "/index.html")[0] == 404
        assert request(port, "GET", "/status.js/..")[0] == 404
        assert request(port, "POST", "/pause", source="127.0.0.2")[0] == 403
        assert request(port, "POST", "/pause")[0] == 401  # localhost, but no token

        # The history: a point a second, the figures of /stats.
        wait_until(lambda: get_json(port, "/stats/history", "127.0.0.2")["series"]["connections"][-1:] == [3]
                   and len(get_json(port, "/stats/history")["time_ms"]) >= 3,
                   timeout=30, what="three points of history with 3 connections")
        history = get_json(port, "/stats/history", source="127.0.0.2")
        assert history["interval_s"] == 1 and history["capacity"] == 600
        assert history["workload"] == "echo"
        times = history["time_ms"]
        assert all(a < b for a, b in zip(times, times[1:])), times
        assert abs(times[-1] / 1000 - time.time()) < 60  # the wall clock, for the axis
        series = history["series"]
        assert set(series) == {"connections", "accepts_per_s", "closes_per_s", "bytes_in_per_s",
                               "bytes_out_per_s", "send_queue_bytes", "accept_pauses", "accepting"}
        columns = [v for k, v in series.items() if isinstance(v, list)]
        for family in ("closes_per_s", "accept_pauses"):
            columns += list(series[family].values())
        assert "peer_closed" in series["closes_per_s"]
        for column in columns:
            assert len(column) == len(times)
            assert all(v is None or v >= 0 for v in column)
        assert series["accepting"][-1] == 1
        # The echoes: 3000 bytes in and out within the window, at some rate.
        assert sum(v or 0 for v in series["bytes_in_per_s"]) > 0
        assert sum(v or 0 for v in series["accepts_per_s"]) > 0
    finally:
        for c in clients:
            c.close()


def test_chat_history_has_messages_and_deliveries_and_no_federation(admin):
    srv, port = admin(config={"workload": "chat", "chat": {"server_name": "irc.test", "network_name": "TestNet"},
                              "timeouts": {"linger_s": 1}})
    alice, bob = registered(srv.port, "alice"), registered(srv.port, "bob")
    try:
        for c in (alice, bob):
            c.send("JOIN #status")
            c.read_until(lambda line: numeric(line) == 366, what="end of NAMES")
        for i in range(5):
            alice.send(f"PRIVMSG #status :line {i}")
        bob.read_until(lambda line: "PRIVMSG #status :line 4" in line, what="the fifth line")
        wait_until(lambda: get_json(port, "/stats")["workload_metrics"]["chat_deliveries_total"] == 5,
                   timeout=30, what="five deliveries in /stats")

        def delivered():
            series = get_json(port, "/stats/history")["series"]
            return sum(v or 0 for v in series["deliveries_per_s"]) > 0 and series
        wait_until(delivered, timeout=30, what="deliveries in the history")
        history = get_json(port, "/stats/history")
        assert history["workload"] == "chat"
        series = history["series"]
        assert len(series["messages_per_s"]) == len(series["deliveries_per_s"]) == len(history["time_ms"])
        assert sum(v or 0 for v in series["messages_per_s"]) > 0
        assert "federation_nodes" not in series  # standalone
        assert series["connections"][-1] == 2
    finally:
        alice.close()
        bob.close()


def test_federated_history_follows_the_nodes():
    """Two nodes, then one killed: node 1's history steps from 2 nodes down to 1."""
    network = Network(2)
    try:
        network.start()  # formed: both see 2 nodes
        first = network.nodes[0]
        wait_until(lambda: get_json(first.http_port, "/stats/history")["series"]["federation_nodes"][-1:] == [2],
                   timeout=30, what="2 nodes in the history")
        network.nodes[1].kill()
        wait_until(lambda: get_json(first.http_port, "/stats/history")["series"]["federation_nodes"][-1:] == [1],
                   timeout=SPLIT, what="the split seen in the history")
        nodes = get_json(first.http_port, "/stats/history")["series"]["federation_nodes"]
        last_two = len(nodes) - 1 - nodes[::-1].index(2)
        assert nodes[last_two + 1:] and set(nodes[last_two + 1:]) == {1}, nodes  # one step down
    finally:
        network.close()


def test_status_page_in_chromium_shows_the_figures_of_stats(admin):
    node_modules = playwright_core()
    srv, port = admin()
    # Real traffic: five echo clients, two of which leave again.
    clients = [connect(srv.port) for _ in range(5)]
    for i, c in enumerate(clients):
        payload = bytes([65 + i]) * 65536
        assert echo_roundtrip(c, payload) == payload
    for c in clients[:2]:
        c.close()
    open_clients = clients[2:]
    try:
        # Quiet now. Wait until /stats has seen the closes and a history point came after.
        wait_until(lambda: get_json(port, "/stats")["closes"]["peer_closed"] == 2,
                   timeout=30, what="the two closes in /stats")
        quiet_ms = time.time() * 1000
        before = get_json(port, "/stats")
        wait_until(lambda: get_json(port, "/stats/history")["time_ms"][-1] > quiet_ms + 100,
                   timeout=30, what="a history point after the traffic stopped")

        screenshot = os.path.join(artifacts_dir(), "status-page.png")
        if os.path.exists(screenshot):
            os.remove(screenshot)
        started = time.monotonic()
        run = subprocess.run(["node", os.path.join(BROWSER_DIR, "status_page.js"),
                              f"http://127.0.0.1:{port}/", screenshot],
                             env=dict(os.environ, PLAYWRIGHT_CORE=node_modules),
                             capture_output=True, text=True, timeout=120)
        seconds = time.monotonic() - started
        assert run.returncode == 0, f"the browser run failed:\n{run.stderr}\n{run.stdout}"
        shown = json.loads(run.stdout.strip().splitlines()[-1])
        after = get_json(port, "/stats")
        print(f"status page in chromium: {seconds:.1f} s (browser launch "
              f"{shown['launch_ms']} ms, whole run {shown['total_ms']} ms)")
        with open(os.path.join(artifacts_dir(), "status-page.json"), "w") as f:
            json.dump({"seconds": seconds, "shown": shown, "stats": after}, f, indent=2)

        assert shown["status"] == 200
        assert shown["csp"] == CSP
        assert shown["errors"] == []  # no script error, no CSP violation
        base = f"http://127.0.0.1:{port}/"
        assert all(url.startswith(base) for url in shown["requests"]), shown["requests"]
        assert {base + "status.js", base + "status.css", base + "stats/history"} <= set(shown["requests"])

        # The server stayed quiet while the page read it, so the figures are exact.
        # Not the process' memory and descriptors, nor the accept controller's target, which
        # shrinks toward accept.low_watermark on its own while no one connects.
        moving = ("process.", "outstanding_accepts", "accept_target")
        quiet = {k: v for k, v in flatten(after).items() if not k.startswith(moving)}
        assert len(quiet) > 20, quiet
        assert {k: v for k, v in flatten(before).items() if k in quiet} == quiet
        assert quiet["connections.current"] == 3 and quiet["accepts"] == 5
        assert quiet["bytes_in"] == quiet["bytes_out"] == 5 * 65536
        table = shown["table"]
        assert {k: table.get(k) for k in quiet} == {k: as_attribute(v) for k, v in quiet.items()}
        assert "PAUSED" not in shown["accepting"]

        # The charts are drawn: each has a line with points; the latest are /stats' figures.
        titles = [c["title"] for c in shown["charts"]]
        assert titles[:6] == ["Connections", "Accepts per second", "Closes per second by reason",
                              "Bytes per second", "Send-queue bytes",
                              "Accept pauses (per second) and accepting (1/0)"], titles
        assert not any("Chat" in t or "Federation" in t for t in titles)  # echo: not reported
        for chart in shown["charts"]:
            assert chart["lines"] and all(line["points"] >= 2 for line in chart["lines"]), chart
        lines = {line["series"] for chart in shown["charts"] for line in chart["lines"]}
        assert "closes_per_s.peer_closed" in lines  # the reason that happened
        assert shown["latest"]["connections"] == "3"
        assert shown["latest"]["send_queue_bytes"] == "0"
        assert shown["latest"]["accepting"] == "1"
        assert shown["latest"]["accepts_per_s"] == "0"  # quiet for the last second

        with open(screenshot, "rb") as f:
            assert f.read(8) == b"\x89PNG\r\n\x1a\n"
        assert os.path.getsize(screenshot) > 10000
    finally:
        for c in open_clients:
            c.close()
