"""Helpers for the TLS integration tests: a throw-away PKI made with the `openssl` command-line
tool in a temp dir, and TLS clients that verify the server against that test CA.

    pki = TestPKI()          # files under pki.dir, removed by pki.cleanup()
    s = tls_connect(port, pki.ca_cert)
    assert peer_fingerprint(s) == cert_fingerprint(pki.server_cert)

Run it on its own (`python3 tls_helpers.py`) to make a PKI and check it with openssl and
Python's ssl module against `openssl s_server`.

Every key is an EC P-256 key (generated in milliseconds, so each test module can make its own);
certificates are valid from now for two days.
"""
import hashlib
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import time

OPENSSL = shutil.which("openssl") or "openssl"

# A config of our own, so the system's openssl.cnf (default extensions, policies) plays no part.
OPENSSL_CNF = """\
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[ca_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[server_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
# irssi 1.4 matches the host it connects to against the DNS names only: 127.0.0.1 is one too.
subjectAltName = IP:127.0.0.1, DNS:localhost, DNS:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[client_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
"""


def openssl(*args, cwd=None, input=None):
    """Runs the openssl tool; a failure raises with its stderr. scripts/setup.sh installs the
    tool: a machine without it fails the TLS tests, it does not skip them."""
    if shutil.which(OPENSSL) is None:
        raise RuntimeError("the openssl tool is missing (scripts/setup.sh installs it)")
    result = subprocess.run([OPENSSL, *map(str, args)], cwd=cwd, input=input,
                            capture_output=True, timeout=60)
    if result.returncode != 0:
        raise RuntimeError(f"openssl {' '.join(map(str, args))} failed:\n"
                           f"{result.stderr.decode(errors='replace')}")
    return result.stdout


class TestPKI:
    """A CA and what it signed, as PEM files in `dir`:

    ca_cert, ca_key            the test CA (self-signed)
    server_cert, server_key    CN=127.0.0.1, SAN IP:127.0.0.1 + DNS:localhost + DNS:127.0.0.1, serial 1001
    server_chain               server_cert followed by ca_cert (a "PEM chain")
    server2_cert, server2_key  a second server certificate (same names, serial 1002, new key)
    client_cert, client_key    CN=hiconn test client, clientAuth, serial 2001
    client_pem                 client_cert and client_key in one file
    other_key                  a key that matches none of the certificates
    other_ca_cert, other_ca_key   a second, unrelated CA (its certificates verify nowhere)
    stranger_cert, stranger_key   a client certificate signed by the other CA
    garbage                    a file of bytes that are no PEM at all
    """

    __test__ = False  # a pytest collector must not take "TestPKI" for a test class

    def __init__(self, directory=None):
        self._tmp = None
        if directory is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="hiconn-pki-")
            directory = self._tmp.name
        self.dir = directory
        os.makedirs(directory, exist_ok=True)
        self.cnf = self.path("openssl.cnf")
        with open(self.cnf, "w") as f:
            f.write(OPENSSL_CNF)
        self.ca_cert, self.ca_key = self._self_signed("ca", "hiconn test CA")
        self.other_ca_cert, self.other_ca_key = self._self_signed("other-ca", "hiconn other CA")
        self.server_cert, self.server_key = self._signed("server", "127.0.0.1", "server_ext", 1001)
        self.server2_cert, self.server2_key = self._signed("server2", "127.0.0.1", "server_ext", 1002)
        self.client_cert, self.client_key = self._signed("client", "hiconn test client", "client_ext", 2001)
        self.stranger_cert, self.stranger_key = self._signed(
            "stranger", "hiconn stranger", "client_ext", 3001, ca=(self.other_ca_cert, self.other_ca_key))
        self.other_key = self._key("other")
        self.server_chain = self._concat("server-chain.pem", self.server_cert, self.ca_cert)
        self.client_pem = self._concat("client-bundle.pem", self.client_cert, self.client_key)
        self.garbage = self.path("garbage.pem")
        with open(self.garbage, "wb") as f:
            f.write(b"-----BEGIN NOTHING-----\n\x00\x01 this is not PEM \xff\xfe\n" * 4)

    def path(self, name):
        return os.path.join(self.dir, name)

    def _key(self, name):
        key = self.path(f"{name}.key")
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key)
        return key

    def _self_signed(self, name, cn):
        key = self._key(name)
        cert = self.path(f"{name}.pem")
        csr = self.path(f"{name}.csr")
        openssl("req", "-new", "-config", self.cnf, "-key", key, "-subj", f"/CN={cn}", "-out", csr)
        openssl("x509", "-req", "-in", csr, "-signkey", key, "-days", "2", "-set_serial", "1",
                "-extfile", self.cnf, "-extensions", "ca_ext", "-sha256", "-out", cert)
        return cert, key

    def _signed(self, name, cn, extensions, serial, ca=None):
        ca_cert, ca_key = ca or (self.ca_cert, self.ca_key)
        key = self._key(name)
        csr = self.path(f"{name}.csr")
        cert = self.path(f"{name}.pem")
        openssl("req", "-new", "-config", self.cnf, "-key", key, "-subj", f"/CN={cn}", "-out", csr)
        openssl("x509", "-req", "-in", csr, "-CA", ca_cert, "-CAkey", ca_key, "-set_serial", serial,
                "-days", "2", "-extfile", self.cnf, "-extensions", extensions, "-sha256", "-out", cert)
        return cert, key

    def _concat(self, name, *parts):
        out = self.path(name)
        with open(out, "wb") as f:
            for p in parts:
                with open(p, "rb") as src:
                    f.write(src.read())
        return out

    def cleanup(self):
        if self._tmp is not None:
            self._tmp.cleanup()


def install(src, dst):
    """Copies `src` over `dst` atomically (a reader sees the old file or the new, never half)."""
    tmp = f"{dst}.tmp-{os.getpid()}"
    shutil.copyfile(src, tmp)
    os.replace(tmp, dst)


# -- fingerprints -------------------------------------------------------------------------

def der_fingerprint(der):
    """SHA-256 of a DER certificate, lower-case hex without colons (as in numeric 276)."""
    return hashlib.sha256(der).hexdigest()


def cert_fingerprint(pem_path):
    """The fingerprint of the first certificate in a PEM file."""
    with open(pem_path) as f:
        return der_fingerprint(ssl.PEM_cert_to_DER_cert(f.read()))


def cert_serial(pem_path):
    """The serial of a PEM certificate as an int (read by the openssl tool)."""
    out = openssl("x509", "-in", pem_path, "-noout", "-serial").decode().strip()
    return int(out.split("=", 1)[1], 16)


def peer_fingerprint(sock):
    """The fingerprint of the certificate the server presented on `sock`."""
    return der_fingerprint(sock.getpeercert(binary_form=True))


# -- clients --------------------------------------------------------------------------------

def client_context(ca_file, cert=None, key=None, min_version=None, max_version=None):
    """A client SSLContext that verifies the server against `ca_file` (and its name).
    `cert`: a PEM file with the client certificate (and the key, unless `key` is given)."""
    ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=ca_file)
    if min_version is not None:
        ctx.minimum_version = min_version
    if max_version is not None:
        ctx.maximum_version = max_version
    if cert is not None:
        ctx.load_cert_chain(cert, key)
    return ctx


def tls_connect(port, ca_file, cert=None, key=None, host="127.0.0.1", timeout=10.0,
                server_hostname="127.0.0.1", context=None, **versions):
    """A TCP connection to `port` with a completed TLS handshake: an ssl.SSLSocket whose peer
    was verified against `ca_file`. The socket times out after `timeout` seconds per call."""
    ctx = context or client_context(ca_file, cert, key, **versions)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    raw = socket.socket(family, socket.SOCK_STREAM)
    raw.settimeout(timeout)
    try:
        raw.connect((host, port))
        return ctx.wrap_socket(raw, server_hostname=server_hostname)
    except BaseException:
        raw.close()
        raise


def served_fingerprint(port, ca_file, **kw):
    """Makes a new handshake and returns the fingerprint of the certificate it got."""
    s = tls_connect(port, ca_file, **kw)
    try:
        return peer_fingerprint(s)
    finally:
        s.close()


def served_certificate(port, timeout=10.0):
    """The DER certificate the server presents, without verifying it (for a test that must see
    what is served even when it would not verify)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as raw:
        with ctx.wrap_socket(raw, server_hostname="127.0.0.1") as s:
            return s.getpeercert(binary_form=True)


def client_hello(server_hostname="127.0.0.1"):
    """The bytes of a real ClientHello, as a Python client would send first."""
    ctx = ssl.create_default_context()
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = ctx.wrap_bio(incoming, outgoing, server_hostname=server_hostname)
    try:
        obj.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return outgoing.read()


def is_closed_by_peer(sock, timeout=10.0):
    """True when the server ends the connection (EOF, reset, or a TLS alert / unexpected EOF
    on an SSL socket) within `timeout`; False when it is still open then."""
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        sock.settimeout(remaining)
        try:
            if not sock.recv(65536):
                return True
        except socket.timeout:
            return False
        except (ConnectionError, ssl.SSLError):
            return True


def tls_echo_roundtrip(sock, payload, timeout=10.0):
    """Sends `payload` on a TLS socket and reads back exactly as many bytes."""
    sock.settimeout(timeout)
    sock.sendall(payload)
    chunks, got = [], 0
    while got < len(payload):
        b = sock.recv(min(1 << 16, len(payload) - got))
        if not b:
            raise ConnectionError(f"EOF after {got} of {len(payload)} bytes")
        chunks.append(b)
        got += len(b)
    return b"".join(chunks)


def _self_check():
    """Makes a PKI, checks it with `openssl verify`, and talks to `openssl s_server` with it."""
    pki = TestPKI()
    try:
        for cert in (pki.server_cert, pki.server2_cert, pki.client_cert):
            openssl("verify", "-CAfile", pki.ca_cert, cert)
        try:
            openssl("verify", "-CAfile", pki.ca_cert, pki.stranger_cert)
            raise AssertionError("the stranger's certificate verified against the test CA")
        except RuntimeError:
            pass
        assert cert_fingerprint(pki.server_cert) != cert_fingerprint(pki.server2_cert)
        assert (cert_serial(pki.server_cert), cert_serial(pki.server2_cert)) == (1001, 1002)
        # The key pairs: each key matches its certificate, other_key matches none.
        def pub(args):
            return openssl(*args, "-pubkey", "-noout") if args[0] == "x509" else openssl(*args, "-pubout")
        assert pub(["x509", "-in", pki.server_cert]) == pub(["pkey", "-in", pki.server_key])
        assert pub(["x509", "-in", pki.server_cert]) != pub(["pkey", "-in", pki.other_key])

        port = None
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = subprocess.Popen(
            [OPENSSL, "s_server", "-accept", f"127.0.0.1:{port}", "-cert", pki.server_cert,
             "-key", pki.server_key, "-CAfile", pki.ca_cert, "-Verify", "1", "-rev", "-quiet"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 10
            while True:
                try:
                    s = tls_connect(port, pki.ca_cert, cert=pki.client_pem)
                    break
                except (ConnectionRefusedError, ssl.SSLError):
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.1)
            assert peer_fingerprint(s) == cert_fingerprint(pki.server_cert)
            s.sendall(b"hello\n")  # -rev: s_server answers each line reversed
            s.settimeout(10)
            assert s.recv(100).strip() == b"olleh"
            s.close()
            # The name is checked: "localhost" is in the SAN, "example.com" is not.
            try:
                tls_connect(port, pki.ca_cert, cert=pki.client_pem, server_hostname="example.com").close()
                raise AssertionError("a wrong server name verified")
            except ssl.SSLCertVerificationError:
                pass
            # A CA that did not sign the server's certificate: refused.
            try:
                tls_connect(port, pki.other_ca_cert).close()
                raise AssertionError("verified against the wrong CA")
            except ssl.SSLCertVerificationError:
                pass
            assert len(served_certificate(port)) > 100
        finally:
            server.terminate()
            server.wait(10)
        hello = client_hello()
        assert hello[0] == 0x16 and hello[5] == 0x01, hello[:6]  # handshake record, ClientHello
        print(f"tls_helpers: PKI in {pki.dir} verified; s_server handshake with client certificate OK; "
              f"server fingerprint {cert_fingerprint(pki.server_cert)}")
    finally:
        pki.cleanup()


if __name__ == "__main__":
    _self_check()
