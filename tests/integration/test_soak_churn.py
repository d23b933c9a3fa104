"""Churn soak, bounded in time and count: many client threads against the echo and the chat
workload at once mix verified exchanges with abortive closes (RST with data in flight),
connects that send nothing, one-byte-at-a-time senders and garbage (NULs, 600-byte lines,
invalid UTF-8, lone CRs). Afterwards the server holds no more descriptors than before, its
RSS is back near a baseline taken after a warm-up round (not under a sanitizer: ASan keeps
freed memory in quarantine), every verified exchange was exact, every silent connection was
closed by the server (timeouts.first_data_s), a fresh client is served and the server then
stops gracefully with exit status 0 (under ASan: no leak reported at exit)."""
import mmap
import os
import random
import socket
import struct
import threading
import time

import pytest

from chat_helpers import SERVER, Client, chat_server, numeric, registered
from hiconn_harness import UNDER_WINE, Server, connect, raise_nofile, recv_exact, wait_until

pytestmark = pytest.mark.skipif(UNDER_WINE, reason="reads the server's /proc figures; "
                                "Wine accepts too few connections per second for a soak")

THREADS = 24                 # client threads per workload
HELD = 8                     # long-lived connections per thread (echo; chat: 4 + a listener)
SILENT_MAX = 6               # silent connections a thread has open at once
WARMUP_S = 3                 # the round before the baseline
CHURN_S = 20                 # the measured round (each workload about 30 s in all)
MAX_ACTIONS = 4000           # per thread and round: the count bound
FIRST_DATA_S = 2
RSS_GROWTH_LIMIT = 8 << 20   # after the churn, vs. the baseline after the warm-up round
SETTLE_S = 60                # bound for the server to close what is left (linger, timeouts)
# linger_s 3, not 1: the close's deadline is counted in whole ticks of the 1 s timer wheel, so
# linger_s 1 can end a close within milliseconds, before its last bytes are written (a QUIT's
# ERROR line went missing about 1 in 1,000 times). Our clients close at once: linger costs
# the test no time.
TIMEOUTS = {"first_data_s": FIRST_DATA_S, "idle_s": 0, "linger_s": 3, "send_stall_s": 10}


def fd_count(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def sanitized(pid):
    """ASan / TSan keep freed memory in quarantine and shadow it: no RSS bound there.
    gcc links the runtime as a shared library; clang (the ASan step's tree, shared with the
    fuzz targets) links it into the executable, where its entry points name it."""
    with open(f"/proc/{pid}/maps") as f:
        maps = f.read()
    if "libasan" in maps or "libtsan" in maps:
        return True
    with open(f"/proc/{pid}/exe", "rb") as exe, mmap.mmap(exe.fileno(), 0, access=mmap.ACCESS_READ) as image:
        return image.find(b"__asan_init") >= 0 or image.find(b"__tsan_init") >= 0


def rst_close(sock):
    """An abortive close: SO_LINGER 0 makes close() send RST, dropping unsent data."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    sock.close()


def send_some(sock, data):
    """Sends what fits without blocking (data in flight for an abortive close)."""
    sock.setblocking(False)
    try:
        sock.send(data)
    except (BlockingIOError, OSError):
        pass


GARBAGE = (
    lambda r: b"\x00" * r.randint(1, 200),
    lambda r: b"\x00line\x00with\x00NULs\r\n",
    lambda r: b"x" * 600 + b"\r\n",
    lambda r: b"\xff\xfe\xc3\x28\xa0\xa1\xe2\x28\xa1\xf0\x28\x8c\xbc\r\n",
    lambda r: b"lone\rCRs\r\rhere\r",
    lambda r: bytes(r.getrandbits(8) for _ in range(r.randint(1, 700))),
)


class Tally:
    FIELDS = ("connections", "exchanges", "bad", "failures", "aborts", "silent", "silent_closed",
              "silent_not_closed", "slow", "garbage")

    def __init__(self):
        for f in self.FIELDS:
            setattr(self, f, 0)
        self.notes = []

    def note(self, text):
        if len(self.notes) < 10:
            self.notes.append(text)

    def add(self, other):
        for f in self.FIELDS:
            setattr(self, f, getattr(self, f) + getattr(other, f))
        self.notes += other.notes[:10 - len(self.notes)]

    def __repr__(self):
        return ", ".join(f"{f} {getattr(self, f)}" for f in self.FIELDS)


class Silent:
    """Connections that never send: the server must close each after first_data_s."""

    def __init__(self, tally):
        self.tally = tally
        self.open = []

    def add(self, sock):
        self.open.append((sock, time.monotonic()))
        self.tally.silent += 1

    def full(self):
        return len(self.open) >= SILENT_MAX

    def reap(self, min_age=FIRST_DATA_S):
        still = []
        now = time.monotonic()
        for sock, t0 in self.open:
            if now - t0 < min_age:
                still.append((sock, t0))
                continue
            sock.setblocking(False)
            try:
                data = sock.recv(64)
            except BlockingIOError:
                still.append((sock, t0))
                continue
            except OSError:  # reset: closed too
                data = b""
            if data:
                self.tally.bad += 1
                self.tally.note(f"a silent connection received {data[:20]!r}")
            else:
                self.tally.silent_closed += 1
            sock.close()
        self.open = still

    def finish(self, deadline):
        while self.open and time.monotonic() < deadline:
            self.reap(min_age=0)
            time.sleep(0.1)
        for sock, _ in self.open:
            self.tally.silent_not_closed += 1
            sock.close()
        self.open = []


def run_round(worker, server, seconds, seed):
    """Runs THREADS workers until `seconds` pass (or MAX_ACTIONS each); returns the sum of
    their tallies and the most descriptors the server held meanwhile."""
    tallies = [Tally() for _ in range(THREADS)]
    deadline = time.monotonic() + seconds
    threads = [threading.Thread(target=worker, args=(t, server.port, deadline, random.Random(seed * 1000 + t),
                                                     tallies[t]))
               for t in range(THREADS)]
    for th in threads:
        th.start()
    peak_fds = 0
    hard_stop = deadline + SETTLE_S + 60
    while any(th.is_alive() for th in threads) and time.monotonic() < hard_stop:
        peak_fds = max(peak_fds, fd_count(server.proc.pid))
        time.sleep(0.2)
    assert not any(th.is_alive() for th in threads), "a client thread hung"
    total = Tally()
    for t in tallies:
        total.add(t)
    return total, peak_fds


# ----------------------------------------------------------------------------- echo

def drive(actions, rng, deadline, tally, silent):
    """Random actions until the deadline or MAX_ACTIONS; every failure is counted and shown."""
    for _ in range(MAX_ACTIONS):
        if time.monotonic() >= deadline:
            break
        action = rng.choice(actions)
        try:
            action()
        except Exception as e:  # noqa: BLE001
            tally.failures += 1
            tally.note(f"{action.__name__}: {type(e).__name__}: {e}")
        silent.reap()


def echo_worker(t, port, deadline, rng, tally):
    held, silent = [], Silent(tally)

    def new_conn():
        tally.connections += 1
        return connect(port)

    def exchange(sock, data):
        sock.sendall(data)
        got = recv_exact(sock, len(data))
        tally.exchanges += 1
        if got != data:
            tally.bad += 1
            tally.note(f"echo of {len(data)} bytes differed")

    def random_size():
        return rng.choice((1, rng.randint(1, 512), rng.randint(1, 8192), rng.randint(1, 65536)))

    def act_echo():
        with new_conn() as s:
            for _ in range(rng.randint(1, 4)):
                exchange(s, rng.randbytes(random_size()))

    def act_held():
        if len(held) < HELD:
            s = new_conn()
            held.append(s)
            exchange(s, b"hello")
            return
        i = rng.randrange(len(held))
        exchange(held[i], rng.randbytes(random_size()))
        if rng.random() < 0.1:
            held.pop(i).close()

    def act_abort():
        s = new_conn()
        send_some(s, rng.randbytes(rng.randint(1000, 300000)))
        if rng.random() < 0.5:
            time.sleep(0.01)  # let some of it be echoed back, unread
        rst_close(s)
        tally.aborts += 1

    def act_silent():
        if not silent.full():
            silent.add(new_conn())

    def act_slow():
        with new_conn() as s:
            data = b"slow " + rng.randbytes(rng.randint(5, 30))
            for b in data:
                s.sendall(bytes([b]))
                time.sleep(0.002)
            got = recv_exact(s, len(data))
            tally.exchanges += 1
            tally.slow += 1
            if got != data:
                tally.bad += 1
                tally.note("slow sender's echo differed")

    def act_garbage():
        with new_conn() as s:
            exchange(s, b"".join(rng.choice(GARBAGE)(rng) for _ in range(rng.randint(1, 4))))
            tally.garbage += 1

    actions = [act_echo] * 30 + [act_held] * 25 + [act_abort] * 10 + [act_silent] * 8 + \
        [act_slow] * 7 + [act_garbage] * 20
    drive(actions, rng, deadline, tally, silent)
    for s in held:
        s.close()
    silent.finish(time.monotonic() + FIRST_DATA_S + SETTLE_S)


def echo_served(port):
    with connect(port) as s:
        s.sendall(b"fresh client")
        return recv_exact(s, 12) == b"fresh client"


# ----------------------------------------------------------------------------- chat

def chat_worker(t, port, deadline, rng, tally):
    chan = f"#soak{t}"
    silent = Silent(tally)
    serial = [0]

    def nick(kind):
        serial[0] += 1
        return f"{kind}{t}n{serial[0]}x{rng.randrange(1000)}"

    def joined(kind):
        tally.connections += 1
        c = registered(port, nick(kind))
        c.send(f"JOIN {chan}")
        c.expect_numeric(366)
        return c

    def relayed(sender, text):
        """The listener gets `sender`'s channel message, byte for byte."""
        lines = listener.read_until(lambda l: l.endswith(f" PRIVMSG {chan} :{text}"), what=text)
        tally.exchanges += 1
        if not lines[-1].startswith(f":{sender.nick}!"):
            tally.bad += 1
            tally.note(f"relayed from the wrong sender: {lines[-1]!r}")

    try:
        listener = joined("l")
        held = [joined("h") for _ in range(HELD // 2)]
    except Exception as e:  # noqa: BLE001
        tally.failures += 1
        tally.note(f"set-up: {type(e).__name__}: {e}")
        return

    def act_register():
        tally.connections += 1
        c = Client(port)
        lines = c.register(nick("r"))
        tally.exchanges += 1
        if numeric(lines[0]) != 1:
            tally.bad += 1
            tally.note(f"registration did not start with 001: {lines[0]!r}")
        c.send(f"JOIN {chan}")
        c.expect_numeric(366)
        text = f"tok {rng.randrange(1 << 40)} é"
        c.send(f"PRIVMSG {chan} :{text}")
        relayed(c, text)
        end = rng.random()
        if end < 0.4:
            c.send("QUIT :done")
            lines = c.wait_closed()
            tally.exchanges += 1
            if not lines or not lines[-1].startswith("ERROR :Closing Link"):
                tally.bad += 1
                tally.note(f"QUIT ended with {lines[-3:]!r} and the close")
            c.close()
        elif end < 0.7:
            c.close()
        else:
            rst_close(c.sock)
            tally.aborts += 1

    def act_held():
        h = rng.choice(held)
        token = f"h{rng.randrange(1 << 30)}"
        h.sync(token)  # PING :token -> PONG irc.test :token, every line before it read
        tally.exchanges += 1

    def act_abort():
        tally.connections += 1
        s = connect(port)
        n = nick("a")
        burst = f"NICK {n}\r\nUSER {n} 0 * :x\r\nJOIN {chan}\r\n".encode()
        burst += b"".join(b"PING :in-flight-%d\r\n" % i for i in range(rng.randint(1, 300)))
        send_some(s, burst)
        if rng.random() < 0.5:
            time.sleep(0.01)
        rst_close(s)
        tally.aborts += 1

    def act_silent():
        if not silent.full():
            tally.connections += 1
            silent.add(connect(port))

    def act_slow():
        tally.connections += 1
        c = Client(port)
        c.nick = nick("s")
        for b in f"NICK {c.nick}\r\nUSER slow 0 * :one byte at a time\r\n".encode():
            c.send_raw(bytes([b]))
            time.sleep(0.002)
        lines = c.read_until(lambda l: numeric(l) in (376, 422, 432, 433), what="end of the welcome")
        tally.exchanges += 1
        tally.slow += 1
        if numeric(lines[0]) != 1 or numeric(lines[-1]) not in (376, 422):
            tally.bad += 1
            tally.note(f"slow registration: {lines[0]!r} .. {lines[-1]!r}")
        c.close()

    def act_garbage():
        h = rng.choice(held)
        parts = [rng.choice(GARBAGE)(rng) for _ in range(rng.randint(1, 3))]
        h.send_raw(b"\r\n".join(parts) + b"\r\n")
        # Invalid UTF-8 in a channel message is relayed byte for byte.
        raw = b"\xff\xfe\xc3\x28 %d" % rng.randrange(1 << 30)
        h.send_raw(f"PRIVMSG {chan} :".encode() + raw + b"\r\n")
        relayed(h, raw.decode("utf-8", "surrogateescape"))
        h.sync(f"g{rng.randrange(1 << 30)}")  # and the client is still served
        tally.exchanges += 1
        tally.garbage += 1

    actions = [act_register] * 30 + [act_held] * 20 + [act_abort] * 12 + [act_silent] * 8 + \
        [act_slow] * 8 + [act_garbage] * 15
    drive(actions, rng, deadline, tally, silent)
    for c in held + [listener]:
        c.close()
    silent.finish(time.monotonic() + FIRST_DATA_S + SETTLE_S)


def chat_served(port):
    c = registered(port, "freshclient")
    try:
        c.sync("fresh")  # PING :fresh -> PONG irc.test :fresh, or an AssertionError
        return c.history[-1] == f":{SERVER} PONG {SERVER} :fresh"
    finally:
        c.close()


# ----------------------------------------------------------------------------- the soak

def soak(server, worker, served, name):
    raise_nofile()
    pid = server.proc.pid
    started = time.monotonic()
    fd_start = fd_count(pid)

    def settled():
        return fd_count(pid) <= fd_start

    warm, _ = run_round(worker, server, WARMUP_S, seed=1)
    assert warm.failures == 0 and warm.bad == 0, (warm, warm.notes)
    wait_until(settled, timeout=SETTLE_S, interval=0.2, what="the warm-up's descriptors to be closed")
    rss_base = server.rss_bytes()
    churn_started = time.monotonic()
    churn, peak_fds = run_round(worker, server, CHURN_S, seed=2)
    churn_s = time.monotonic() - churn_started
    wait_until(settled, timeout=SETTLE_S, interval=0.2, what="the churn's descriptors to be closed")
    fd_end = fd_count(pid)
    rss_end = server.rss_bytes()
    check_rss = not sanitized(pid)
    print(f"\nsoak {name}: {churn}; churn {churn_s:.1f} s, whole test {time.monotonic() - started:.1f} s; "
          f"fds {fd_start} before, at most {peak_fds} during, {fd_end} after; RSS {rss_base >> 10} KiB after the warm-up, "
          f"{rss_end >> 10} KiB after the churn ({'bounded' if check_rss else 'not bounded: sanitizer'})")
    assert churn.failures == 0, churn.notes
    assert churn.bad == 0, churn.notes
    assert churn.silent_not_closed == 0, churn
    assert churn.silent_closed == churn.silent, churn
    # Bounded in count and time, and it did something: every kind of client ran.
    for field in ("exchanges", "aborts", "silent", "slow", "garbage"):
        assert getattr(churn, field) > 0, (field, churn)
    assert fd_end <= fd_start, (fd_start, fd_end)
    if check_rss:
        assert rss_end - rss_base < RSS_GROWTH_LIMIT, (rss_base, rss_end)
    assert served(server.port)
    assert server.proc.poll() is None
    # A graceful stop, and under ASan no leak report at exit (LeakSanitizer exits non-zero).
    server.stop()
    assert server.proc.returncode == 0, (server.proc.returncode, server.log()[-3000:])


def test_soak_echo():
    config = {"timeouts": TIMEOUTS, "stats": {"interval_s": 0}}
    with Server(config) as server:
        soak(server, echo_worker, echo_served, "echo")


def test_soak_chat():
    with chat_server(timeouts=TIMEOUTS) as server:
        soak(server, chat_worker, chat_served, "chat")
