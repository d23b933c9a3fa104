"""Start the real hiconn binary for integration tests and talk to it over loopback.

Environment:
  HICONN_BIN         path to hiconn (set by CTest)
  HICONN_CMD_PREFIX  optional command prefix, e.g. "/usr/lib/wine/wine64" to run hiconn.exe
  HICONN_SOURCE_DIR  the source tree (config/ examples)
"""
import json
import os
import re
import resource
import shlex
import signal
import socket
import subprocess
import tempfile
import time

BIN = os.environ.get("HICONN_BIN", "hiconn")
PREFIX = shlex.split(os.environ.get("HICONN_CMD_PREFIX", ""))
SOURCE_DIR = os.environ.get("HICONN_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
UNDER_WINE = bool(PREFIX)


def shown_path(path):
    """`path` as the server prints it: hiconn.exe under Wine shows \\tmp\\... for /tmp/..."""
    return path.replace("/", "\\") if UNDER_WINE else path


def raise_nofile(wanted=19000):
    """Lets the test process itself hold many sockets (hard limit here: 20,000)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = min(wanted, hard) if hard != resource.RLIM_INFINITY else wanted
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def free_port(host="127.0.0.1"):
    """A port that was free a moment ago (bound, then released): it can be taken by anyone
    before it is used, so only for what must be known before a process starts (Redis, a port
    nothing listens on). A hiconn Server listens on port 0 and reads its port from its log."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout=20.0, interval=0.05, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def connect(port, host="127.0.0.1", timeout=10.0, source=None):
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM)
    s.settimeout(timeout)
    if source:
        s.bind((source, 0))
    s.connect((host, port))
    return s


def recv_exact(sock, n, timeout=10.0):
    sock.settimeout(timeout)
    chunks, got = [], 0
    while got < n:
        b = sock.recv(min(1 << 20, n - got))
        if not b:
            raise ConnectionError(f"EOF after {got} of {n} bytes")
        chunks.append(b)
        got += len(b)
    return b"".join(chunks)


def echo_roundtrip(sock, payload, timeout=10.0):
    sock.sendall(payload)
    return recv_exact(sock, len(payload), timeout)


def is_closed_by_peer(sock, timeout=10.0):
    """True when the server closed the connection (EOF or reset) within `timeout`."""
    sock.settimeout(timeout)
    try:
        while True:
            b = sock.recv(65536)
            if not b:
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False


class Server:
    """A hiconn process with a config written to a temp dir. Use as a context manager."""

    def __init__(self, config=None, extra_args=(), nofile=None, port=None, listen=None, env=None):
        """Listens on `listen`, or on 127.0.0.1:`port`, or (neither given, and no "listen" in
        `config`) on 127.0.0.1:0: the kernel picks a free port and `port` / `ports` are read
        from the "listening on ..." start-up line, so parallel tests cannot race for a port."""
        self.tmp = tempfile.TemporaryDirectory(prefix="hiconn-test-")
        cfg = {"workload": "echo", "threads": 2, "stats": {"interval_s": 1}, "log": {"level": "info"}}
        for key, value in (config or {}).items():
            if isinstance(value, dict) and isinstance(cfg.get(key), dict):
                cfg[key] = {**cfg[key], **value}
            else:
                cfg[key] = value
        cfg.setdefault("listen", listen or [f"127.0.0.1:{port or 0}"])
        self.config = cfg
        self._ports = None  # [(host, port)] as bound, from the start-up line
        self._schemes = None  # "tls" or "" for each of _ports
        self._log_file_start = 0
        self.config_path = os.path.join(self.tmp.name, "hiconn.json")
        self.write_config(cfg)
        self.log_path = os.path.join(self.tmp.name, "stderr.log")
        self.args = list(extra_args)
        self.nofile = nofile
        self.env = env
        self.proc = None

    # "2026-11-23T19:04:05.123Z info  listening on 127.0.0.1:41234, [::1]:41235" (info level:
    # a test that logs at warn or above must give its ports). A whole line only: up to "\n".
    # A TLS listener has a scheme: "listening on tls://127.0.0.1:41234, 127.0.0.1:41235".
    LISTENING = re.compile(r"^\S+ info\s+listening on ([^\r\n]+)\r?\n", re.M)

    def _log_texts(self):
        yield self.log()
        log_file = self._log_file()
        if log_file:  # hiconn logs to a file: the start-up line is there, not on stderr
            try:
                with open(log_file, "rb") as f:
                    f.seek(self._log_file_start)  # appended to: this run's lines only
                    yield f.read().decode(errors="replace")
            except FileNotFoundError:
                pass

    def _log_file(self):
        return (self.config.get("log") or {}).get("file")

    def _parse_listeners(self):
        """[(scheme, host, port)] from the start-up line (scheme "tls" or ""), or None."""
        for text in self._log_texts():
            match = self.LISTENING.search(text)
            if match:
                listeners = []
                for item in match.group(1).split(", "):
                    scheme, sep, rest = item.strip().partition("://")
                    if not sep:
                        scheme, rest = "", item.strip()
                    host, _, port = rest.rpartition(":")
                    listeners.append((scheme, host.strip("[]"), int(port)))
                return listeners
        return None

    def _parse_ports(self):
        listeners = self._parse_listeners()
        return None if listeners is None else [(host, port) for _, host, port in listeners]

    @property
    def ports(self):
        """[(host, port)] of every listener, plain and TLS, in config order (waits for the
        start-up line)."""
        if self._ports is None:
            assert self.proc is not None, "the server has not been started"
            wait_until(lambda: self._parse_ports() is not None or self.proc.poll() is not None,
                       timeout=60, what="hiconn's 'listening on' line")
            listeners = self._parse_listeners()
            assert listeners, f"hiconn logged no 'listening on' line:\n{self.log()}"
            self._schemes = [scheme for scheme, _, _ in listeners]
            self._ports = [(host, port) for _, host, port in listeners]
        return self._ports

    @property
    def schemes(self):
        """The scheme of each of `ports`: "tls", "ws", "wss", "proxy", ... or "" for plain TCP."""
        self.ports  # noqa: B018 (reads the start-up line)
        return self._schemes

    @property
    def tls_ports(self):
        """[(host, port)] of the TLS listeners, in config order."""
        return [hp for hp, scheme in zip(self.ports, self.schemes) if scheme == "tls"]

    @property
    def plain_ports(self):
        """[(host, port)] of the plain TCP listeners, in config order."""
        return [hp for hp, scheme in zip(self.ports, self.schemes) if scheme != "tls"]

    @property
    def tls_port(self):
        """The first TLS listener's port."""
        tls = self.tls_ports
        assert tls, f"no TLS listener among {self.ports}"
        return tls[0][1]

    @property
    def plain_port(self):
        """The first plain TCP listener's port."""
        plain = self.plain_ports
        assert plain, f"no plain listener among {self.ports}"
        return plain[0][1]

    @property
    def port(self):
        """The first listener's port (plain or TLS)."""
        return self.ports[0][1]

    def write_config(self, cfg):
        with open(self.config_path, "w") as f:
            json.dump(cfg, f, indent=2)

    def start(self, wait=True):
        cmd = PREFIX + [BIN, "run", "--config", self.config_path] + self.args
        preexec = None
        if self.nofile:
            n = self.nofile
            preexec = lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (n, n))  # noqa: E731
        self.log_file = open(self.log_path, "wb")
        self._ports = self._schemes = None  # a restart on port 0 gets a new port
        log_file = self._log_file()
        self._log_file_start = os.path.getsize(log_file) if log_file and os.path.exists(log_file) else 0
        env = dict(os.environ, **(self.env or {}))
        self.proc = subprocess.Popen(cmd, stdout=self.log_file, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, preexec_fn=preexec, env=env)
        if wait:
            wait_until(lambda: self._parse_ports() is not None or self.proc.poll() is not None,
                       timeout=60, what="hiconn to listen")
            if self.proc.poll() is not None:
                raise AssertionError(f"hiconn exited with {self.proc.returncode}:\n{self.log()}")
            self.ports  # noqa: B018 (reads the bound ports now, while the line is at hand)
        return self

    def log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode(errors="replace")
        except FileNotFoundError:
            return ""

    def signal(self, sig):
        self.proc.send_signal(sig)

    def wait_exit(self, timeout=30):
        return self.proc.wait(timeout=timeout)

    def rss_bytes(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        return 0

    def stop(self):
        if self.proc and self.proc.poll() is None:
            # Under Wine SIGTERM kills hiconn.exe outright; SIGINT arrives as Ctrl-C.
            self.proc.send_signal(signal.SIGINT if UNDER_WINE else signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        if hasattr(self, "log_file"):
            self.log_file.close()
        # Also when the server died by itself (a sanitizer report ends it with a non-zero
        # status): a module-scoped fixture's tests only see refused connections.
        crashed = getattr(self, "proc", None) is not None and self.proc.returncode not in (0, None)
        if exc[0] is not None or crashed:
            print("---- hiconn log ----\n" + self.log()[-8000:])
        self.tmp.cleanup()
        return False
