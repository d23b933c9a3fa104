"""Echo correctness over real sockets: many connections, random sizes, both strategies."""
import asyncio
import random

import pytest

from hiconn_harness import Server, connect, echo_roundtrip, raise_nofile


async def echo_client(port, rng_seed, rounds, max_size, errors):
    rng = random.Random(rng_seed)
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        for _ in range(rounds):
            payload = rng.randbytes(rng.randint(1, max_size))
            writer.write(payload)
            await writer.drain()
            got = await asyncio.wait_for(reader.readexactly(len(payload)), 60)
            if got != payload:
                errors.append(f"client {rng_seed}: mismatch in {len(payload)} bytes")
                break
        writer.close()
        await writer.wait_closed()
    except Exception as e:  # noqa: BLE001 - every failure is a test failure
        errors.append(f"client {rng_seed}: {type(e).__name__}: {e}")


async def many_clients(port, count, rounds, max_size):
    errors = []
    sem = asyncio.Semaphore(500)  # connect in waves; all stay open concurrently

    async def one(i):
        async with sem:
            pass
        await echo_client(port, i, rounds, max_size, errors)

    await asyncio.wait_for(asyncio.gather(*(one(i) for i in range(count))), 240)
    return errors


@pytest.mark.parametrize("strategy", ["zero_byte", "posted"])
def test_two_thousand_concurrent_connections_echo_byte_exact(strategy):
    raise_nofile()
    config = {"receive": {"strategy": strategy, "initial_buffer": 1024},
              "limits": {"max_outstanding_receives": 300, "max_outstanding_sends": 50}}
    with Server(config) as server:
        errors = asyncio.run(many_clients(server.port, 2000, 3, 40000))
        assert errors == [], errors[:10]
        assert server.proc.poll() is None


def test_large_message_echo_in_order():
    with Server() as server:
        s = connect(server.port)
        payload = bytes(random.Random(7).randbytes(8 << 20))  # bigger than any buffer/queue
        import threading
        received = bytearray()

        def reader():
            while len(received) < len(payload):
                b = s.recv(1 << 20)
                if not b:
                    break
                received.extend(b)

        t = threading.Thread(target=reader)
        t.start()
        s.sendall(payload)
        t.join(60)
        assert bytes(received) == payload
        s.close()


def test_ipv6_listener_echoes():
    import socket
    try:
        probe = socket.socket(socket.AF_INET6)
        probe.bind(("::1", 0))
        probe.close()
    except OSError:
        pytest.skip("no IPv6 loopback here")
    with Server(listen=["127.0.0.1:0", "[::1]:0"]) as server:
        (host4, port4), (host6, port6) = server.ports  # each listener its own ephemeral port
        assert (host4, host6) == ("127.0.0.1", "::1")
        assert echo_roundtrip(connect(port4), b"v4 hello") == b"v4 hello"
        assert echo_roundtrip(connect(port6, host="::1"), b"v6 hello") == b"v6 hello"
        assert f"[::1]:{port6}" in server.log()


def test_half_close_gets_every_byte_back():
    """A client that sends and then shuts down its side still receives the whole echo."""
    import socket
    with Server() as server:
        s = connect(server.port)
        payload = b"x" * 300000
        s.sendall(payload)
        s.shutdown(socket.SHUT_WR)
        got = bytearray()
        while True:
            b = s.recv(65536)
            if not b:
                break
            got.extend(b)
        assert bytes(got) == payload
