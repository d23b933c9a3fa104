"""Operator control in the console: pause/continue (SIGUSR1/SIGUSR2), reload (SIGHUP) and
graceful stop (SIGTERM) that loses no byte."""
import asyncio
import json
import re
import signal
import socket
import time

import pytest

from hiconn_harness import UNDER_WINE, Server, connect, echo_roundtrip, is_closed_by_peer, wait_until

pytestmark = pytest.mark.skipif(UNDER_WINE, reason="POSIX signals; the Windows service has its own controls")


def refused(port):
    # A connect that races the listener's close is reset instead of refused: ask again.
    for _ in range(20):
        try:
            connect(port, timeout=2).close()
            return False
        except ConnectionRefusedError:
            return True
        except ConnectionResetError:
            time.sleep(0.05)
    raise AssertionError("every connect attempt was reset")


def test_pause_refuses_new_connections_and_keeps_old_ones():
    with Server() as server:
        old = connect(server.port)
        assert echo_roundtrip(old, b"before") == b"before"
        server.signal(signal.SIGUSR1)
        wait_until(lambda: refused(server.port), what="new connections to be refused")
        assert echo_roundtrip(old, b"while paused") == b"while paused"
        server.signal(signal.SIGUSR2)
        wait_until(lambda: not refused(server.port), what="accepting again")
        new = connect(server.port)
        assert echo_roundtrip(new, b"new") == b"new"
        assert echo_roundtrip(old, b"old") == b"old"
        assert "accepting paused" in server.log() and "accepting resumed" in server.log()


def test_paused_with_no_connection_keeps_running():
    with Server() as server:
        server.signal(signal.SIGUSR1)
        wait_until(lambda: refused(server.port), what="paused")
        time.sleep(1.5)
        assert server.proc.poll() is None
        server.signal(signal.SIGUSR2)
        wait_until(lambda: not refused(server.port), what="accepting again")


def test_reload_applies_limits_keeps_connections_and_rejects_bad_config():
    with Server({"timeouts": {"idle_s": 0, "first_data_s": 0}}) as server:
        held = connect(server.port)
        assert echo_roundtrip(held, b"one") == b"one"
        cfg = dict(server.config, limits={"max_connections_per_ip": 1})
        server.write_config(cfg)
        server.signal(signal.SIGHUP)
        wait_until(lambda: "reload: configuration applied" in server.log(), what="reload")
        # The limit counts connections accepted from now on.
        a = connect(server.port)
        assert echo_roundtrip(a, b"counted") == b"counted"
        b = connect(server.port)
        assert is_closed_by_peer(b, timeout=10)
        assert echo_roundtrip(held, b"kept") == b"kept"
        with open(server.config_path, "w") as f:
            f.write('{"limits": {"max_connections": "lots"}}')
        server.signal(signal.SIGHUP)
        wait_until(lambda: "invalid configuration, keeping the running one" in server.log(), what="rejected reload")
        assert "limits.max_connections" in server.log()
        assert server.proc.poll() is None
        assert echo_roundtrip(held, b"still") == b"still"


async def stream_client(port, sent, received, started):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    eof = asyncio.Event()

    async def read():
        while True:
            try:
                b = await reader.read(65536)
            except ConnectionError:
                break
            if not b:
                break
            received.extend(b)
        eof.set()

    task = asyncio.create_task(read())
    n = 0
    try:
        while not eof.is_set():
            chunk = bytes([(n + i) % 251 for i in range(1000)])
            n += 1
            writer.write(chunk)
            sent.extend(chunk)
            started.set()
            await writer.drain()
            await asyncio.sleep(0)
    except ConnectionError:
        pass
    await asyncio.wait_for(task, 30)
    writer.close()


def test_graceful_stop_under_load_loses_no_byte():
    with Server({"timeouts": {"linger_s": 10}}) as server:
        count = 40
        sents = [bytearray() for _ in range(count)]
        receiveds = [bytearray() for _ in range(count)]

        async def main():
            started = asyncio.Event()
            clients = [asyncio.create_task(stream_client(server.port, sents[i], receiveds[i], started))
                       for i in range(count)]
            await started.wait()
            await asyncio.sleep(1.0)
            server.signal(signal.SIGTERM)
            await asyncio.wait_for(asyncio.gather(*clients), 60)

        asyncio.run(main())
        assert server.wait_exit(60) == 0
        total = 0
        for sent, received in zip(sents, receiveds):
            assert received == sent[: len(received)], "echo out of order or corrupted"
            total += len(received)
        log = server.log()
        m = re.search(r"stopped: \d+ connections served, (\d+) bytes in, (\d+) bytes out", log)
        assert m, log[-2000:]
        bytes_in, bytes_out = int(m.group(1)), int(m.group(2))
        assert total > 0
        # Everything the server read was written back, and every written byte arrived.
        assert bytes_in == bytes_out == total, (bytes_in, bytes_out, total)
