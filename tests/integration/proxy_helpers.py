"""Helpers for the PROXY protocol tests: headers as a load balancer sends them (v1 text, v2
binary) and a chat server behind a proxy:// listener."""
import socket
import struct

from chat_helpers import Client, chat_server, numeric
from hiconn_harness import connect

V2_SIGNATURE = b"\r\n\r\n\x00\r\nQUIT\n"


def v1(src, dst=None, sport=40000, dport=7000):
    family = "TCP6" if ":" in src else "TCP4"
    dst = dst or ("::1" if ":" in src else "127.0.0.1")
    return f"PROXY {family} {src} {dst} {sport} {dport}\r\n".encode()


def v2(src, dst=None, sport=40000, dport=7000, tlv=b""):
    if ":" in src:
        dst = dst or "::1"
        block = socket.inet_pton(socket.AF_INET6, src) + socket.inet_pton(socket.AF_INET6, dst)
        fam = 0x21
    else:
        dst = dst or "127.0.0.1"
        block = socket.inet_aton(src) + socket.inet_aton(dst)
        fam = 0x11
    block += struct.pack("!HH", sport, dport) + tlv
    return V2_SIGNATURE + bytes([0x21, fam]) + struct.pack("!H", len(block)) + block


V2_LOCAL = V2_SIGNATURE + b"\x20\x00\x00\x00"


def chat_proxy_server(trusted=("127.0.0.1",), limits=None):
    return chat_server(listen=["proxy://127.0.0.1:0"], proxy_protocol={"trusted": list(trusted)},
                       limits=limits or {}, log={"level": "debug"})


def proxied_chat_client(port, header, source=None):
    sock = connect(port, source=source)
    sock.sendall(header)
    return Client(port, sock=sock)


def whois_host(client, nick):
    lines = client.command(f"WHOIS {nick}")
    whois = [l for l in lines if numeric(l) == 311]
    assert whois, lines
    return whois[0].split()[5]  # :server 311 me nick ~user HOST * :real
