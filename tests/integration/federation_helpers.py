"""Helpers for the federation integration tests: a private redis-server on a free loopback
port, hiconn chat nodes pointed at it, IRC clients that know which node they are on, and
the /metrics figures of each node.

Every process here is started by these helpers and stopped by its PID (Popen), never by
name. Waits are bounded (hiconn_harness.wait_until or a read timeout)."""
import itertools
import os
import signal
import socket
import subprocess
import tempfile
import time

import pytest

from chat_helpers import Client, chat_server, numeric
from hiconn_harness import free_port, wait_until
from ops_helpers import admin_port, scrape

REDIS_BIN = os.environ.get("HICONN_REDIS_SERVER", "/usr/bin/redis-server")
NETWORK = "FedNet"
KEY_PREFIX = "hiconn:"
EVENTS_CHANNEL = KEY_PREFIX + "events"
HEARTBEAT_S = 1
NODE_TIMEOUT_S = 3
# A bound on one event crossing from a node to another (generous: ASan/TSan are 3-5x slower).
CROSS = 20.0
# A bound on a dead node's users being dropped: node_timeout_s + a heartbeat, with slack.
SPLIT = NODE_TIMEOUT_S + HEARTBEAT_S + 20.0

_ids = itertools.count()


def nick(base):
    """A nick unique within a test run, at most 9 characters (so that the user name, cut to
    10 bytes by the server, is the nick itself)."""
    n = f"{base}{next(_ids)}"
    assert len(n) <= 9, n
    return n


def token(base="t"):
    return f"{base}{next(_ids)}x{os.getpid()}"


# ---------------------------------------------------------------------------------------
# RESP: just enough of the Redis protocol to talk to redis-server over a raw socket.

def resp_command(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        if isinstance(a, str):
            a = a.encode()
        elif isinstance(a, int):
            a = str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


class RespError(Exception):
    pass


class RespReader:
    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def _more(self):
        data = self.sock.recv(1 << 20)
        if not data:
            raise ConnectionError("redis closed the connection")
        self.buf += data

    def _line(self):
        while b"\r\n" not in self.buf:
            self._more()
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _exact(self, n):
        while len(self.buf) < n + 2:
            self._more()
        data, self.buf = self.buf[:n], self.buf[n + 2:]
        return data

    def read(self):
        line = self._line()
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return rest.decode()
        if kind == b"-":
            return RespError(rest.decode())
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            return None if n < 0 else self._exact(n)
        if kind == b"*":
            n = int(rest)
            return None if n < 0 else [self.read() for _ in range(n)]
        raise RespError(f"unexpected RESP reply {line!r}")


def redis_call(port, *args, timeout=5.0):
    """One command on a fresh connection; returns the decoded reply (bytes for bulk strings)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(resp_command(*args))
        reply = RespReader(s).read()
    if isinstance(reply, RespError):
        raise reply
    return reply


class Redis:
    """A redis-server of our own on a free loopback port, no persistence. redis-server cannot
    report a port it picked (its port 0 means "no TCP"), so the port is chosen beforehand; when
    another process took it in between, the first start tries another one."""

    def __init__(self, port=None):
        self.tmp = tempfile.TemporaryDirectory(prefix="hiconn-redis-")
        self.chosen_port = port is None
        self.port = port or free_port()
        self.started_once = False
        self.proc = None
        self.log_path = os.path.join(self.tmp.name, "redis.log")
        self.log_file = None

    def start(self, timeout=30.0):
        attempts = 3 if self.chosen_port and not self.started_once else 1
        for attempt in range(attempts):
            try:
                self._start(timeout)
                self.started_once = True
                return self
            except AssertionError:
                if attempt + 1 == attempts or "Address already in use" not in self.log():
                    raise
                self.port = free_port()
        return self

    def _start(self, timeout):
        assert self.proc is None or self.proc.poll() is not None, "redis already running"
        if self.log_file:
            self.log_file.close()
        self.log_file = open(self.log_path, "ab")
        cmd = [REDIS_BIN, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
               "--appendonly", "no", "--daemonize", "no", "--dir", self.tmp.name,
               "--loglevel", "warning"]
        self.proc = subprocess.Popen(cmd, stdout=self.log_file, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        wait_until(lambda: self.ping() or self.proc.poll() is not None, timeout=timeout,
                   what=f"redis-server to answer PING on port {self.port}")
        if self.proc.poll() is not None:
            raise AssertionError(f"redis-server exited with {self.proc.returncode}:\n{self.log()}")
        return self

    def ping(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1.0) as s:
                s.sendall(b"*1\r\n$4\r\nPING\r\n")
                return RespReader(s).read() == "PONG"
        except (OSError, ConnectionError, RespError, ValueError):
            return False

    def call(self, *args):
        return redis_call(self.port, *args)

    def publish(self, channel, data):
        """PUBLISH; returns how many subscribers got it."""
        return self.call("PUBLISH", channel, data)

    def publish_many(self, channel, payloads, timeout=30.0):
        """PUBLISHes each payload in order on one connection; returns the receiver counts."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as s:
            s.sendall(b"".join(resp_command("PUBLISH", channel, p) for p in payloads))
            reader = RespReader(s)
            replies = [reader.read() for _ in payloads]
        for r in replies:
            if isinstance(r, RespError):
                raise r
        return replies

    def stop(self, sig=signal.SIGTERM):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def kill(self):
        self.stop(signal.SIGKILL)

    def restart(self):
        """Stops and starts again on the same port (an empty data set: no persistence)."""
        self.stop()
        return self.start()

    def log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode(errors="replace")
        except FileNotFoundError:
            return ""

    def close(self):
        self.stop()
        if self.log_file:
            self.log_file.close()
        self.tmp.cleanup()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()
        return False


class Subscriber:
    """SUBSCRIBE on a raw socket; messages() returns the payloads received so far."""

    def __init__(self, port, channel):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5.0)
        self.reader = RespReader(self.sock)
        self.sock.sendall(resp_command("SUBSCRIBE", channel))
        reply = self.reader.read()
        assert isinstance(reply, list) and reply[0] == b"subscribe", reply
        self.payloads = []

    def collect(self, duration=0.5):
        """Reads what comes within `duration` seconds."""
        deadline = time.monotonic() + duration
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return self.payloads
            self.sock.settimeout(remaining)
            try:
                msg = self.reader.read()
            except socket.timeout:
                return self.payloads
            if isinstance(msg, list) and msg and msg[0] == b"message":
                self.payloads.append(msg[2])

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


# ---------------------------------------------------------------------------------------
# Nodes

def federated_node(redis_port, name, chat=None, federation=None, http=True, stats=None, **sections):
    """A hiconn chat Server (not started) that is a node named `name` of the network on the
    Redis at 127.0.0.1:redis_port; short heartbeat and node timeout."""
    fed = {"redis": f"127.0.0.1:{redis_port}", "password": "", "heartbeat_s": HEARTBEAT_S,
           "node_timeout_s": NODE_TIMEOUT_S, "key_prefix": KEY_PREFIX}
    fed.update(federation or {})
    chat_cfg = {"server_name": name, "network_name": NETWORK}
    chat_cfg.update(chat or {})
    stats_cfg = {"interval_s": 1}
    if http:
        stats_cfg["http"] = {"address": "127.0.0.1", "port": 0}
    stats_cfg.update(stats or {})
    return chat_server(chat=chat_cfg, federation=fed, stats=stats_cfg, **sections)


FEDERATION_METRICS = (
    "hiconn_federation_link_up", "hiconn_federation_reconnects_total", "hiconn_federation_nodes",
    "hiconn_federation_remote_users", "hiconn_federation_events_published_total",
    "hiconn_federation_events_received_total", "hiconn_federation_gaps_total",
    "hiconn_federation_publish_failures_total", "hiconn_federation_malformed_total")


class Node:
    """One hiconn chat process of the network."""

    def __init__(self, redis_port, name, http=True, **kw):
        self.name = name
        self.http = http
        self.server = federated_node(redis_port, name, http=http, **kw)
        self.http_port = None
        self.old_logs = []

    @property
    def port(self):
        return self.server.port

    @property
    def proc(self):
        return self.server.proc

    def start(self, wait=True):
        if getattr(self.server, "log_file", None):
            self.old_logs.append(self.server.log())
            self.server.log_file.close()
        self.server.start(wait=wait)
        self.http_port = None
        if wait and self.http:
            self.http_port = admin_port(self.server)
        return self

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def kill(self):
        """SIGKILL by PID, and reap it."""
        self.proc.kill()
        self.proc.wait(timeout=30)

    def stop(self):
        self.server.stop()

    def log(self):
        return self.server.log()

    def samples(self):
        assert self.http_port, f"{self.name}: no stats.http"
        return scrape(self.http_port)[1]

    def metric(self, name, **labels):
        return self.samples()[name][frozenset(labels.items())]

    def metrics(self, *names):
        s = self.samples()
        return {n: s[n][frozenset()] for n in names}

    def close(self):
        self.stop()
        if getattr(self.server, "log_file", None):
            self.server.log_file.close()
        # Shown by pytest only when the test failed.
        for i, old in enumerate(self.old_logs):
            print(f"---- {self.name} log (life {i + 1}) ----\n{old[-6000:]}")
        print(f"---- {self.name} log (exit {self.proc.returncode if self.proc else None}) ----\n"
              f"{self.log()[-8000:]}")
        self.server.tmp.cleanup()


class FedClient(Client):
    """A chat client on one node: PING round trips answer with that node's server name."""

    def __init__(self, node, timeout=10.0):
        super().__init__(node.port, timeout=timeout)
        self.node = node
        self.server_name = node.name
        self.user = None

    def sync(self, tok=None):
        tok = tok or token("s")
        self.send(f"PING :{tok}")
        lines = self.read_until(lambda l: l.endswith(f"PONG {self.server_name} :{tok}"),
                                what=f"PONG {tok}")
        return lines[:-1]

    def register(self, nick, user=None, realname=None, password=None, timeout=None):
        self.user = user or nick
        self.nick = nick
        if password is not None:
            self.send(f"PASS {password}")
        self.send(f"NICK {nick}", f"USER {self.user} 0 * :{realname or 'Real ' + nick}")
        lines = self.read_until(lambda l: numeric(l) in (376, 422, 464, 433, 432),
                                timeout=timeout or CROSS, what="end of the welcome")
        assert numeric(lines[-1]) in (376, 422), lines
        return lines

    @property
    def prefix(self):
        return f"{self.nick}!~{self.user}@127.0.0.1"

    def mark(self):
        """A position in `history`, for wait_for() and count() of what came after it."""
        return len(self.history)

    def wait_for(self, text, since=0, timeout=CROSS):
        """Returns the first line after `since` that contains `text`, reading on (bounded)
        when none has come yet. Lines read by other calls meanwhile count too."""
        for line in self.history[since:]:
            if text in line:
                return line
        return self.read_until(lambda l: text in l, timeout=timeout, what=repr(text))[-1]

    def count(self, text, since=0):
        return sum(1 for l in self.history[since:] if text in l)

    def count_exact(self, line, since=0):
        return sum(1 for l in self.history[since:] if l == line)

    def numeric_lines(self, *lines):
        return [l for l in self.command(*lines) if numeric(l) is not None]


class Network:
    """A Redis and `n` nodes named n1.fed.test ... on it; clients made through it are closed
    with it."""

    def __init__(self, n=3, http=True, node_kw=None):
        self.redis = Redis()
        self.nodes = []
        self.clients = []
        self.http = http
        self.node_kw = node_kw or {}
        self.n = n

    def start(self):
        self.redis.start()
        for i in range(self.n):
            node = Node(self.redis.port, f"n{i + 1}.fed.test", http=self.http, **self.node_kw)
            self.nodes.append(node)  # before start(): close() stops it whatever happens
            node.start()
        self.wait_formed()
        return self

    def wait_formed(self, nodes=None, timeout=60.0):
        """Every node (of `nodes`) linked and seeing all of them."""
        nodes = nodes or [n for n in self.nodes if n.alive()]
        if not self.http:
            return

        def formed():
            for node in nodes:
                m = node.metrics("hiconn_federation_link_up", "hiconn_federation_nodes")
                if m["hiconn_federation_link_up"] != 1 or m["hiconn_federation_nodes"] != len(nodes):
                    return False
            return True
        wait_until(formed, timeout=timeout, what=f"{len(nodes)} nodes to see each other")

    def connect(self, node):
        node = self.nodes[node] if isinstance(node, int) else node
        c = FedClient(node)
        self.clients.append(c)
        return c

    def client(self, node, nick, **kw):
        c = self.connect(node)
        c.register(nick, **kw)
        return c

    def close_clients(self):
        for c in self.clients:
            c.close()
        self.clients = []

    def close(self):
        self.close_clients()
        for node in self.nodes:
            try:
                node.close()
            except Exception as e:  # keep stopping the others
                print(f"closing {node.name}: {e!r}")
        self.redis.close()
        print("---- redis log ----\n" + self.redis.log()[-3000:])


@pytest.fixture(scope="module")
def two_nodes():
    """Redis + 2 nodes, shared by a module's tests (import it into the test module)."""
    net = Network(2)
    try:
        net.start()
        yield net
    finally:
        net.close()


@pytest.fixture
def network():
    """Redis + 3 nodes, for one test."""
    net = Network(3)
    try:
        net.start()
        yield net
    finally:
        net.close()


# ---------------------------------------------------------------------------------------
# Waiting for state to cross and counting what arrived

def fence(src, observers, timeout=CROSS):
    """`src` sends a private message to every observer and each reads up to it, then a PING
    round trip: whatever src's node published before the fence has reached each observer's
    node by then (events from one node cross in order), and each observer's connection has
    delivered all of it."""
    tok = token("fence")
    targets = [o for o in observers if o is not src]
    if targets:
        src.send(f"NOTICE {','.join(o.nick for o in targets)} :{tok}")
    for o in targets:
        o.expect(tok, timeout=timeout)
        o.sync()
    src.sync()


def names_of(client, channel):
    """The nicks (with @/+ prefixes) that NAMES #channel lists to `client`."""
    members = []
    for line in client.command(f"NAMES {channel}"):
        if numeric(line) == 353:
            members += line.split(" :", 1)[1].split()
    return sorted(members)


def wait_names(client, channel, expected, timeout=CROSS):
    expected = sorted(expected)
    got = []

    def ok():
        got[:] = names_of(client, channel)
        return got == expected
    try:
        wait_until(ok, timeout=timeout, interval=0.1, what=f"NAMES {channel} == {expected}")
    except AssertionError:
        raise AssertionError(f"{client.nick}@{client.server_name}: NAMES {channel} is {got}, "
                             f"expected {expected}")


def list_entry(client, channel):
    """The (members, topic) of `channel` in `client`'s LIST, or None."""
    for line in client.command(f"LIST {channel}"):
        if numeric(line) == 322:
            head, topic = line.split(" :", 1)
            parts = head.split()
            if parts[3].lower() == channel.lower():
                return int(parts[4]), topic
    return None


def wait_list(client, channel, expected, timeout=CROSS):
    got = []

    def ok():
        got[:] = [list_entry(client, channel)]
        return got[0] == expected
    try:
        wait_until(ok, timeout=timeout, interval=0.1, what=f"LIST {channel} == {expected}")
    except AssertionError:
        raise AssertionError(f"{client.nick}@{client.server_name}: LIST {channel} is {got}, "
                             f"expected {expected}")


def lusers_text(client):
    lines = [l for l in client.command("LUSERS") if numeric(l) == 251]
    assert len(lines) == 1, lines
    return lines[0].split(" :", 1)[1]


def wait_lusers(client, users, servers, timeout=CROSS):
    want = f"There are {users} users and 0 invisible on {servers} servers"
    got = []

    def ok():
        got[:] = [lusers_text(client)]
        return got[0] == want
    try:
        wait_until(ok, timeout=timeout, interval=0.1, what=want)
    except AssertionError:
        raise AssertionError(f"{client.nick}@{client.server_name}: LUSERS says {got}, wanted {want!r}")


def ison(client, *nicks):
    lines = [l for l in client.command("ISON " + " ".join(nicks)) if numeric(l) == 303]
    assert len(lines) == 1, lines
    return lines[0].split(" :", 1)[1].split()


def wait_ison(client, nicks, expected, timeout=CROSS):
    got = []

    def ok():
        got[:] = ison(client, *nicks)
        return sorted(got) == sorted(expected)
    try:
        wait_until(ok, timeout=timeout, interval=0.1, what=f"ISON {nicks} == {expected}")
    except AssertionError:
        raise AssertionError(f"{client.nick}@{client.server_name}: ISON {nicks} is {got}, "
                             f"expected {expected}")


def wait_whois(client, who, timeout=CROSS):
    """WHOIS `who` from `client` once `client`'s node knows `who` (311); the numeric lines."""
    got = []

    def ok():
        got[:] = client.numeric_lines(f"WHOIS {who}")
        return any(numeric(l) == 311 for l in got)
    try:
        wait_until(ok, timeout=timeout, interval=0.1, what=f"WHOIS {who}")
    except AssertionError:
        raise AssertionError(f"{client.nick}@{client.server_name}: WHOIS {who} gives {got}")
    return list(got)


def register_eventually(net, node, nick, timeout=CROSS):
    """Registers `nick` on `node`, trying NICK again while it gets 433 (the nick is being
    freed elsewhere); returns the client."""
    c = net.connect(node)
    c.user = nick
    c.nick = nick
    c.send(f"NICK {nick}", f"USER {nick} 0 * :Real {nick}")
    deadline = time.monotonic() + timeout
    while True:
        lines = c.read_until(lambda l: numeric(l) in (1, 433, 432),
                             timeout=max(0.1, deadline - time.monotonic()),
                             what=f"001 or 433 for {nick}")
        if numeric(lines[-1]) == 1:
            c.expect_numeric(422)
            return c
        assert numeric(lines[-1]) == 433, lines
        if time.monotonic() > deadline:
            raise AssertionError(f"{nick} still in use on {c.server_name} after {timeout}s")
        time.sleep(0.1)
        c.send(f"NICK {nick}")


def make_channel(channel, op, *members):
    """`op` creates `channel`, then each member joins once its node lists the ones before;
    returns when every member's node lists all of them. Returns the expected NAMES."""
    op.command(f"JOIN {channel}")
    expected = [f"@{op.nick}"]
    for m in members:
        wait_names(m, channel, expected)
        m.command(f"JOIN {channel}")
        expected.append(m.nick)
    for m in (op, *members):
        wait_names(m, channel, expected)
    return sorted(expected)
