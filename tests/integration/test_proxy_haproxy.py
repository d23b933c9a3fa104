"""Two hiconn chat nodes behind a real HAProxy (Debian's haproxy, run in the foreground with
`-db` on an ephemeral loopback port; `mode tcp`, `send-proxy-v2` to each node). Clients bind
127.0.0.2 and 127.0.0.3 as their source: each must see its own address in WHOIS, not the
balancer's 127.0.0.1, and limits.max_connections_per_ip must hold per client."""
import os
import shutil
import socket
import subprocess
import tempfile

import pytest

from chat_helpers import Client
from hiconn_harness import connect, free_port, wait_until
from proxy_helpers import chat_proxy_server, whois_host

HAPROXY = shutil.which("haproxy") or ("/usr/sbin/haproxy" if os.path.exists("/usr/sbin/haproxy") else None)
pytestmark = pytest.mark.skipif(HAPROXY is None, reason="needs haproxy (scripts/setup.sh installs it)")


class HAProxy:
    """haproxy in the foreground (-db) in front of `backends` with send-proxy-v2."""

    def __init__(self, backends, balance="roundrobin"):
        self.tmp = tempfile.TemporaryDirectory(prefix="hiconn-haproxy-")
        self.port = free_port()
        servers = "\n".join(f"    server n{i} 127.0.0.1:{p} send-proxy-v2" for i, p in enumerate(backends))
        self.cfg = os.path.join(self.tmp.name, "haproxy.cfg")
        with open(self.cfg, "w") as f:
            f.write(f"""global
    maxconn 100
defaults
    mode tcp
    timeout connect 5s
    timeout client 60s
    timeout server 60s
frontend fe
    bind 127.0.0.1:{self.port}
    default_backend be
backend be
    balance {balance}
{servers}
""")
        self.log_path = os.path.join(self.tmp.name, "haproxy.log")

    def __enter__(self):
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen([HAPROXY, "-f", self.cfg, "-db"], stdout=self.log,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

        def listening():
            assert self.proc.poll() is None, open(self.log_path).read()
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return True
            except OSError:
                return False
        wait_until(listening, what="haproxy to listen")
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()
        if exc[0] is not None:
            print("---- haproxy log ----\n" + open(self.log_path).read()[-4000:])
        self.tmp.cleanup()
        return False


def client_from(port, source, nick):
    c = Client(port, sock=connect(port, source=source))
    c.register(nick)
    return c


def test_haproxy_two_nodes_show_each_client_its_own_address():
    with chat_proxy_server() as n1, chat_proxy_server() as n2:
        with HAProxy([n1.port, n2.port]) as lb:
            a = client_from(lb.port, "127.0.0.2", "hpa")  # round robin: one on each node
            b = client_from(lb.port, "127.0.0.3", "hpb")
            assert whois_host(a, "hpa") == "127.0.0.2"
            assert whois_host(b, "hpb") == "127.0.0.3"
            for node in (n1, n2):  # both nodes served a client, each from its real address
                wait_until(lambda: "PROXY v2 header, client 127.0.0." in node.log(), what="a proxied client")
            a.close()
            b.close()


def test_haproxy_per_ip_limit_holds_per_real_client():
    limits = {"max_connections_per_ip": 1}
    with chat_proxy_server(limits=limits) as n1, chat_proxy_server(limits=limits) as n2:
        # balance source: one client address always reaches the same node.
        with HAProxy([n1.port, n2.port], balance="source") as lb:
            first = client_from(lb.port, "127.0.0.2", "lim1")
            second = Client(lb.port, sock=connect(lb.port, source="127.0.0.2"))
            second.send("NICK lim2", "USER lim2 0 * :x")
            lines = second.wait_closed()
            assert any("Too many connections from your IP" in l for l in lines), lines
            other = client_from(lb.port, "127.0.0.3", "lim3")  # still admitted
            assert whois_host(other, "lim3") == "127.0.0.3"
            assert whois_host(first, "lim1") == "127.0.0.2"
            first.close()
            other.close()
