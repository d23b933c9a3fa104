"""Helpers for the chat integration tests: a hiconn chat server on an ephemeral loopback port
(port 0, read from its start-up line) and a small line-based IRC client over a real socket
(no IRC library: the tests see the exact bytes)."""
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import time

from hiconn_harness import Server, raise_nofile  # noqa: F401 (re-exported)

SERVER = "irc.test"


def chat_server(chat=None, **sections):
    """A Server running the chat workload; `chat` entries override the chat section."""
    chat_cfg = {"server_name": SERVER, "network_name": "TestNet",
                "flood": {"messages_per_second": 1000, "burst": 1000, "max_queued": 1000}}
    chat_cfg.update(chat or {})
    # A short linger: at the end of a test the clients are still connected and the
    # graceful stop waits that long for their FIN.
    config = {"workload": "chat", "chat": chat_cfg, "stats": {"interval_s": 0},
              "timeouts": {"linger_s": 1}}
    for key, value in sections.items():
        if isinstance(value, dict) and isinstance(config.get(key), dict):
            config[key] = {**config[key], **value}
        else:
            config[key] = value
    return Server(config)


def numeric(line):
    """The numeric of ':server NNN ...', or None."""
    parts = line.split(" ", 2)
    if len(parts) >= 2 and line.startswith(":") and len(parts[1]) == 3 and parts[1].isdigit():
        return int(parts[1])
    return None


class Client:
    """One IRC connection. Lines are str (UTF-8 decoded with surrogateescape, so any byte
    survives); every line received is kept in `history`."""

    def __init__(self, port, host="127.0.0.1", timeout=10.0, sock=None):
        """Connects to `port`, or speaks over `sock`, a connected socket (e.g. a TLS one)."""
        if sock is None:
            family = socket.AF_INET6 if ":" in host else socket.AF_INET
            sock = socket.socket(family, socket.SOCK_STREAM)
            sock.settimeout(timeout)
            sock.connect((host, port))
        self.sock = sock
        self.timeout = timeout
        self.buf = b""
        self.history = []
        self.pending = []  # received, not yet returned by read_line()
        self.eof = False
        self.nick = None

    # -- sending
    def send_raw(self, data):
        self.sock.sendall(data if isinstance(data, bytes) else data.encode("utf-8", "surrogateescape"))

    def send(self, *lines):
        self.send_raw("".join(line + "\r\n" for line in lines))

    # -- receiving
    def _fill(self, deadline):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("no data")
        self.sock.settimeout(remaining)
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            raise TimeoutError("no data")
        except (ConnectionResetError, ssl.SSLEOFError):  # a TLS peer may close without close_notify
            data = b""
        if not data:
            self.eof = True
            return
        self.buf += data
        while b"\n" in self.buf:
            raw, self.buf = self.buf.split(b"\n", 1)
            line = raw.rstrip(b"\r").decode("utf-8", "surrogateescape")
            self.history.append(line)
            self.pending.append(line)

    def read_line(self, timeout=None):
        deadline = time.monotonic() + (timeout or self.timeout)
        while not self.pending:
            if self.eof:
                return None
            self._fill(deadline)
        return self.pending.pop(0)

    def read_until(self, predicate, timeout=None, what=None):
        """Lines up to and including the first one that matches; fails on EOF/timeout."""
        deadline = time.monotonic() + (timeout or self.timeout)
        got = []
        while True:
            try:
                line = self.read_line(max(0.001, deadline - time.monotonic()))
            except TimeoutError:
                raise AssertionError(f"{self.nick}: timed out waiting for {what or predicate}; got {got[-20:]}")
            if line is None:
                raise AssertionError(f"{self.nick}: connection closed waiting for {what or predicate}; got {got[-20:]}")
            got.append(line)
            if predicate(line):
                return got

    def expect_numeric(self, n, timeout=None):
        return self.read_until(lambda l: numeric(l) == n, timeout, what=f"numeric {n}")

    def expect(self, text, timeout=None):
        return self.read_until(lambda l: text in l, timeout, what=repr(text))

    def sync(self, token="sync"):
        """PING round trip: everything the server queued for us before it is now read.
        Returns the lines that came before the PONG."""
        self.send(f"PING :{token}")
        lines = self.read_until(lambda l: l.endswith(f"PONG {SERVER} :{token}"), what=f"PONG {token}")
        return lines[:-1]

    def command(self, *lines):
        """Sends lines and returns every reply up to a PING round trip."""
        self.send(*lines)
        return self.sync()

    def numerics_of(self, *lines):
        return [numeric(l) for l in self.command(*lines) if numeric(l) is not None]

    def wait_closed(self, timeout=None):
        """Reads until EOF; returns the lines read on the way."""
        deadline = time.monotonic() + (timeout or self.timeout)
        got = []
        while True:
            try:
                line = self.read_line(max(0.001, deadline - time.monotonic()))
            except TimeoutError:
                raise AssertionError(f"{self.nick}: not closed; got {got[-20:]}")
            if line is None:
                return got
            got.append(line)

    def register(self, nick, user=None, realname=None, password=None):
        self.nick = nick
        if password is not None:
            self.send(f"PASS {password}")
        self.send(f"NICK {nick}", f"USER {user or nick} 0 * :{realname or 'Real ' + nick}")
        lines = self.read_until(lambda l: numeric(l) in (376, 422, 464, 433, 432),
                                what="end of the welcome")
        assert numeric(lines[-1]) in (376, 422), lines
        return lines

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def registered(port, nick, **kw):
    c = Client(port)
    c.register(nick, **kw)
    return c


def count(lines, text):
    return sum(1 for l in lines if text in l)


class Irssi:
    """irssi headless in a private tmux server, logging every window to files under its own
    home. Use as a context manager; `args` go on irssi's command line (e.g. --connect=...)."""

    def __init__(self, nick, real_name, args=""):
        # scripts/setup.sh installs both: a machine without them fails, it does not skip.
        for tool in ("irssi", "tmux"):
            assert shutil.which(tool), f"{tool} is missing (scripts/setup.sh installs it)"
        self._home = tempfile.TemporaryDirectory(prefix="hiconn-irssi-")
        home = self.home = self._home.name
        with open(os.path.join(home, "config"), "w") as f:
            f.write('settings = {\n'
                    f'  core = {{ real_name = "{real_name}"; user_name = "{nick}"; nick = "{nick}"; }};\n'
                    '  "fe-common/core" = { autolog = "yes"; autolog_level = "all"; '
                    f'autolog_path = "{home}/logs/$0.log"; }};\n'
                    '};\n')
        self._tmux = ["tmux", "-L", f"hiconn-irssi-{os.getpid()}-{nick}", "-f", "/dev/null"]
        subprocess.run(self._tmux + ["new-session", "-d", "-s", "irssi", "-x", "200", "-y", "48",
                                     f"TERM=screen irssi --home={home} {args}"], check=True)

    def keys(self, text):
        """Types `text` and Enter."""
        subprocess.run(self._tmux + ["send-keys", "-t", "irssi", "-l", text], check=True)
        subprocess.run(self._tmux + ["send-keys", "-t", "irssi", "Enter"], check=True)

    def screen_and_log(self):
        """What the screen shows now, followed by every window's log so far."""
        shot = subprocess.run(self._tmux + ["capture-pane", "-p", "-t", "irssi"], capture_output=True,
                              text=True).stdout
        log = ""
        logs = os.path.join(self.home, "logs")
        if os.path.isdir(logs):
            for name in os.listdir(logs):
                with open(os.path.join(logs, name), errors="replace") as f:
                    log += f.read()
        return shot + log

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        subprocess.run(self._tmux + ["kill-server"], capture_output=True)
        self._home.cleanup()
