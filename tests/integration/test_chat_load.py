"""The chat workload under load, over real sockets: 5,000 clients in one channel, and a
client that stops reading while others flood its channel (Max SendQ exceeded)."""
import selectors
import socket
import time

from chat_helpers import Client, chat_server, count, raise_nofile, registered

CLIENTS = 5000


def test_5000_clients_one_message_reaches_4999_exactly_once():
    raise_nofile(19000)
    config = dict(accept={"backlog": 4096, "high_watermark": 256},
                  timeouts={"first_data_s": 300, "idle_s": 0},
                  chat={"max_channels_per_client": 5})
    with chat_server(**config) as server:
        sel = selectors.DefaultSelector()
        socks = []
        # Per client: the bytes after its last complete line, and what it has seen.
        tail = {}
        joined = set()
        token = b"PRIVMSG #big :the-one-message"
        hits = {}
        pongs = set()

        def on_readable(sock, i):
            try:
                chunk = sock.recv(262144)
            except BlockingIOError:
                return
            assert chunk, f"client {i} was disconnected"
            data = tail[i] + chunk
            cut = data.rfind(b"\n") + 1
            lines, tail[i] = data[:cut], data[cut:]
            if i not in joined and f" 366 c{i} #big ".encode() in lines:
                joined.add(i)
            if token in lines:
                hits[i] = hits.get(i, 0) + lines.count(token)
            if b" PONG " in lines and b":fin\r\n" in lines:
                pongs.add(i)

        def pump(until, what, limit_s=240):
            deadline = time.monotonic() + limit_s
            while not until():
                assert time.monotonic() < deadline, f"timed out waiting for {what}"
                for key, _ in sel.select(timeout=1.0):
                    on_readable(key.fileobj, key.data)

        for i in range(CLIENTS):
            s = socket.create_connection(("127.0.0.1", server.port), timeout=30)
            s.sendall(f"NICK c{i}\r\nUSER u 0 * :x\r\nJOIN #big\r\n".encode())
            s.setblocking(False)
            tail[i] = b""
            sel.register(s, selectors.EVENT_READ, i)
            socks.append(s)
            if i % 500 == 499:  # keep reading while the channel grows
                pump(lambda: len(joined) >= i - 250, "joins", limit_s=240)
        pump(lambda: len(joined) == CLIENTS, "every client in #big")

        socks[0].setblocking(True)
        socks[0].sendall(b"PRIVMSG #big :the-one-message\r\n")
        socks[0].setblocking(False)
        pump(lambda: len(hits) == CLIENTS - 1, "the message at every member")
        # A PING round trip per client: anything queued before it (a duplicate) arrives first.
        for s in socks:
            s.setblocking(True)
            s.sendall(b"PING :fin\r\n")
            s.setblocking(False)
        pump(lambda: len(pongs) == CLIENTS, "every PONG")
        assert 0 not in hits, "the sender got its own message back"
        assert sorted(hits) == list(range(1, CLIENTS))
        assert set(hits.values()) == {1}
        for s in socks:
            sel.unregister(s)
            s.close()


def test_slow_reader_is_closed_with_max_sendq_while_others_keep_receiving():
    messages = 20000
    flood = {"messages_per_second": 100000, "burst": 100000, "max_queued": 100000}
    # The ERROR waits behind what was queued until the slow client reads; a long linger keeps
    # the server trying until it does (reading only starts after the flood, which takes
    # longer than chat_server()'s 1 s linger under the sanitizers).
    with chat_server(chat={"flood": flood}, limits={"max_send_queue_bytes": 65536},
                     timeouts={"linger_s": 60}) as server:
        # The slow client: a tiny receive buffer, then it never reads again.
        slow = Client.__new__(Client)
        slow.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        slow.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        slow.sock.settimeout(30)
        slow.sock.connect(("127.0.0.1", server.port))
        slow.timeout, slow.buf, slow.history, slow.pending, slow.eof = 30, b"", [], [], False
        slow.register("slow")
        slow.command("JOIN #sq")

        reader = registered(server.port, "reader")
        sender = registered(server.port, "sender")
        reader.command("JOIN #sq")
        sender.command("JOIN #sq")
        reader.sync()
        # The sender floods in batches; the reader keeps up (reads each batch before the
        # next is sent), the slow client reads nothing.
        text = "x" * 300
        received, quits = 0, []
        for start in range(0, messages, 100):
            sender.send_raw("".join(f"PRIVMSG #sq :{i} {text}\r\n" for i in range(start, start + 100)))
            last = f" PRIVMSG #sq :{start + 99} "
            for line in reader.read_until(lambda l: last in l, timeout=60):
                if " PRIVMSG #sq :" in line:
                    received += 1
                elif " QUIT " in line:
                    quits.append(line)
        quits += [l for l in reader.sync() if " QUIT " in l]
        # Every message reached the reader, and it saw the slow client leave.
        assert received == messages
        assert quits == [":slow!~slow@127.0.0.1 QUIT :Max SendQ exceeded"]
        # The slow client, reading at last, finds the ERROR before the close.
        lines = slow.wait_closed(timeout=60)
        assert lines[-1] == "ERROR :Closing Link: 127.0.0.1 (Max SendQ exceeded)"
        assert count(lines, " PRIVMSG #sq ") < messages
        for c in (slow, reader, sender):  # the stop would wait out the linger for their FIN
            c.close()
