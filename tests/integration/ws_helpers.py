"""A small RFC 6455 client over raw sockets for the ws:// and wss:// tests: it sends any frame
(masked or not, fragmented, malformed) and reads frames back as they are, which a library
client would not let a test do. Works over a plain socket or an ssl.SSLSocket."""
import base64
import hashlib
import os
import struct

from hiconn_harness import connect

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
TEXT, BINARY, CONTINUATION, CLOSE, PING, PONG = 0x1, 0x2, 0x0, 0x8, 0x9, 0xA


def upgrade_request(host_port, key=None, protocols=None, origin=None, path="/", extra=""):
    key = key or base64.b64encode(os.urandom(16)).decode()
    lines = [f"GET {path} HTTP/1.1", f"Host: {host_port}", "Upgrade: websocket", "Connection: Upgrade",
             f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13"]
    if protocols:
        lines.append("Sec-WebSocket-Protocol: " + ", ".join(protocols))
    if origin:
        lines.append(f"Origin: {origin}")
    return ("\r\n".join(lines) + "\r\n" + extra + "\r\n").encode(), key


def read_http_response(sock, timeout=10.0):
    """The status code, the headers (lower-case names) and the body bytes that came with them."""
    sock.settimeout(timeout)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            raise ConnectionError(f"EOF in the HTTP response: {data!r}")
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    code = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return code, headers, rest


class WsClient:
    """One WebSocket connection; `sock` may be a TLS socket (wss://)."""

    def __init__(self, sock, host_port="127.0.0.1", protocols=None, origin=None):
        self.sock = sock
        request, key = upgrade_request(host_port, protocols=protocols, origin=origin)
        sock.sendall(request)
        self.code, self.headers, self.pending = read_http_response(sock)
        if self.code != 101:
            raise ConnectionError(f"upgrade refused: {self.code} {self.headers}")
        expected = base64.b64encode(hashlib.sha1(key.encode() + GUID).digest()).decode()
        assert self.headers.get("sec-websocket-accept") == expected, self.headers
        self.protocol = self.headers.get("sec-websocket-protocol")

    @staticmethod
    def frame(opcode, payload, fin=True, masked=True, rsv=0):
        first = (0x80 if fin else 0) | rsv | opcode
        n = len(payload)
        mbit = 0x80 if masked else 0
        if n < 126:
            header = struct.pack("!BB", first, mbit | n)
        elif n <= 0xFFFF:
            header = struct.pack("!BBH", first, mbit | 126, n)
        else:
            header = struct.pack("!BBQ", first, mbit | 127, n)
        if not masked:
            return header + payload
        mask = os.urandom(4)
        return header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))

    def send_frame(self, opcode, payload, fin=True, masked=True, rsv=0):
        self.sock.sendall(self.frame(opcode, payload, fin, masked, rsv))

    def send_message(self, payload, opcode=None, fragments=1):
        """One message in `fragments` frames (text when `payload` is a str)."""
        if isinstance(payload, str):
            payload, opcode = payload.encode(), opcode or TEXT
        opcode = opcode or BINARY
        step = max(1, -(-len(payload) // fragments)) if payload else 1
        pieces = [payload[i:i + step] for i in range(0, len(payload), step)] or [b""]
        wire = b"".join(self.frame(opcode if i == 0 else CONTINUATION, piece, fin=i == len(pieces) - 1)
                        for i, piece in enumerate(pieces))
        self.sock.sendall(wire)

    def _fill(self, n, timeout):
        """Until `pending` holds n bytes; a timeout keeps what came (no frame is lost)."""
        self.sock.settimeout(timeout)
        while len(self.pending) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError(f"EOF with {len(self.pending)} of {n} bytes")
            self.pending += chunk

    def recv_frame(self, timeout=10.0):
        """(fin, opcode, payload) of the next frame; server frames must not be masked."""
        self._fill(2, timeout)
        b0, b1 = self.pending[0], self.pending[1]
        assert b1 & 0x80 == 0, "a server frame was masked"
        assert b0 & 0x70 == 0, "RSV bits set by the server"
        n, at = b1 & 0x7F, 2
        if n == 126:
            self._fill(4, timeout)
            n, at = struct.unpack("!H", self.pending[2:4])[0], 4
        elif n == 127:
            self._fill(10, timeout)
            n, at = struct.unpack("!Q", self.pending[2:10])[0], 10
        self._fill(at + n, timeout)
        payload, self.pending = self.pending[at:at + n], self.pending[at + n:]
        return bool(b0 & 0x80), b0 & 0x0F, payload

    def recv_message(self, timeout=10.0):
        """(opcode, payload) of the next data message, its fragments joined; pings are
        answered, a close frame is returned as (CLOSE, payload)."""
        opcode, data = None, b""
        while True:
            fin, op, payload = self.recv_frame(timeout)
            if op == PING:
                self.send_frame(PONG, payload)
                continue
            if op in (PONG,):
                continue
            if op == CLOSE:
                return CLOSE, payload
            if op != CONTINUATION:
                assert opcode is None, "a new message inside a fragmented one"
                opcode = op
            data += payload
            if fin:
                return opcode, data

    def close_code(self, timeout=10.0):
        """Reads until the server's close frame; returns its status code (None: no code)."""
        while True:
            fin, op, payload = self.recv_frame(timeout)
            if op == CLOSE:
                return struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def ws_connect(port, host="127.0.0.1", protocols=None, origin=None, timeout=10.0):
    return WsClient(connect(port, host, timeout), f"{host}:{port}", protocols, origin)


def wss_connect(port, context, host="127.0.0.1", protocols=None, origin=None, timeout=10.0):
    raw = connect(port, host, timeout)
    return WsClient(context.wrap_socket(raw, server_hostname="localhost"), f"{host}:{port}", protocols, origin)


class WsLineSocket:
    """The IRCv3 WebSocket transport behind a socket's face, for chat_helpers.Client: sendall()
    sends each line as one message without its CRLF; recv() returns the next message plus
    CRLF (b"" once the server closed)."""

    def __init__(self, ws, binary=False):
        self.ws = ws
        self.binary = binary
        self.timeout = 10.0
        self.messages = []  # every message received, as it came (no CRLF added)

    def settimeout(self, timeout):
        self.timeout = timeout

    def sendall(self, data):
        for line in data.split(b"\n"):
            line = line.rstrip(b"\r")
            if line:
                self.ws.send_message(line, BINARY if self.binary else TEXT)

    def recv(self, _size):
        try:
            opcode, payload = self.ws.recv_message(self.timeout)
        except ConnectionError:
            return b""
        if opcode == CLOSE:
            return b""
        assert opcode == (BINARY if self.binary else TEXT), f"opcode {opcode} for a line"
        assert b"\r" not in payload and b"\n" not in payload, f"a line end inside a message: {payload!r}"
        self.messages.append(payload)
        return payload + b"\r\n"

    def close(self):
        self.ws.close()
