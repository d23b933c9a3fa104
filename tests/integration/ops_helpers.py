"""Helpers shared by the test_ops_* files: the admin endpoint of a running hiconn."""
import http.client
import re
import socket

from prometheus_client.parser import text_string_to_metric_families

from hiconn_harness import Server, wait_until


def admin_server(http_config=None, config=None, **kwargs):
    """A Server with stats.http on 127.0.0.1 and port 0: the kernel picks a free port, which
    admin_port() reads from the start-up line (no race with other tests for the port)."""
    cfg = dict(config or {})
    stats = dict(cfg.get("stats", {}))
    stats.setdefault("interval_s", 0)
    stats["http"] = {"address": "127.0.0.1", "port": 0, **(http_config or {})}
    cfg["stats"] = stats
    return Server(config=cfg, **kwargs)


def admin_port(server, log_file=None):
    """Waits for the endpoint's start-up line (in stderr, or in `log_file` when hiconn logs
    to a file) and returns its port."""
    def text():
        if log_file is None:
            return server.log()
        try:
            with open(log_file) as f:
                return f.read()
        except FileNotFoundError:
            return ""
    pattern = re.compile(r"stats\.http: listening on http://[^ ]*:(\d+)")
    wait_until(lambda: pattern.search(text()) or server.proc.poll() is not None,
               timeout=60, what="the admin endpoint")
    match = pattern.search(text())
    assert match, f"no admin endpoint line:\n{server.log()}\n{text()}"
    return int(match.group(1))


class SourceHTTPConnection(http.client.HTTPConnection):
    """http.client with a chosen source address (127.0.0.2 plays the "other" client)."""

    def __init__(self, host, port, source=None, timeout=10):
        super().__init__(host, port, timeout=timeout,
                         source_address=(source, 0) if source else None)


def request(port, method, path, headers=None, source=None, host="127.0.0.1", body=None):
    """Returns (status, headers dict, body text). `body`: bytes or str sent with the request."""
    conn = SourceHTTPConnection(host, port, source=source)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        body = response.read().decode()
        return response.status, dict(response.getheaders()), body
    finally:
        conn.close()


def can_connect(port, host="127.0.0.1"):
    try:
        with socket.create_connection((host, port), timeout=5):
            return True
    except OSError:
        return False


def scrape(port):
    """{sample name: {frozenset(labels): value}} plus the families, via prometheus_client."""
    status, headers, body = request(port, "GET", "/metrics")
    assert status == 200
    assert headers["Content-Type"].startswith("text/plain; version=0.0.4")
    families = list(text_string_to_metric_families(body))
    samples = {}
    for family in families:
        for s in family.samples:
            samples.setdefault(s.name, {})[frozenset(s.labels.items())] = s.value
    return families, samples
