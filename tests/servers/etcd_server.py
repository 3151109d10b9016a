"""The real etcd (Debian's ``/usr/bin/etcd``) on 127.0.0.1 and free ephemeral ports.

``EtcdServer(data_dir).start()`` waits for ``GET /health``; ``stop()`` ends it by its PID.
With ``make_tls_files(folder)`` it serves HTTPS and demands client certificates.
"""

from __future__ import annotations

import datetime
import http.client
import ipaddress
import json
import socket
import ssl
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

ETCD = "/usr/bin/etcd"


def free_port() -> int:
    """A port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class TlsFiles:
    """A CA, a server certificate for 127.0.0.1 and a client certificate, as PEM files."""

    ca: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path


def make_tls_files(folder: Path) -> TlsFiles:
    """Write a throw-away CA with a server and a client certificate into ``folder``."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.UTC)

    def issue(name: str, key, issuer=None, issuer_key=None, *, ca=False, usage=None, ip=None):
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer.subject if issuer else subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )
        if usage:
            builder = builder.add_extension(x509.ExtendedKeyUsage(usage), critical=False)
        if ip:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(ip))]),
                critical=False,
            )
        return builder.sign(issuer_key or key, hashes.SHA256())

    def save(name: str, obj) -> Path:
        path = folder / name
        if isinstance(obj, x509.Certificate):
            path.write_bytes(obj.public_bytes(serialization.Encoding.PEM))
        else:
            path.write_bytes(
                obj.private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            )
            path.chmod(0o600)
        return path

    ca_key, server_key, client_key = (ec.generate_private_key(ec.SECP256R1()) for _ in "abc")
    ca = issue("topodoc test CA", ca_key, ca=True)
    # etcd's JSON gateway dials etcd itself with the server certificate: it needs client auth
    server = issue(
        "127.0.0.1",
        server_key,
        ca,
        ca_key,
        ip="127.0.0.1",
        usage=[ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH],
    )
    client = issue("topodoc", client_key, ca, ca_key, usage=[ExtendedKeyUsageOID.CLIENT_AUTH])
    return TlsFiles(
        save("ca.pem", ca),
        save("server.pem", server),
        save("server-key.pem", server_key),
        save("client.pem", client),
        save("client-key.pem", client_key),
    )


class EtcdServer:
    """One etcd member on loopback ports with its own data directory."""

    def __init__(
        self, data_dir: Path, *, name: str = "n1", tls: TlsFiles | None = None, binary: str = ETCD
    ) -> None:
        self.data_dir, self.name, self.tls, self.binary = data_dir, name, tls, binary
        scheme = "https" if tls else "http"
        self.client_url = f"{scheme}://127.0.0.1:{free_port()}"
        self.peer_url = f"http://127.0.0.1:{free_port()}"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self, timeout_s: float = 15.0) -> EtcdServer:
        args = [
            self.binary,
            "--name",
            self.name,
            "--data-dir",
            str(self.data_dir / "data"),
            "--listen-client-urls",
            self.client_url,
            "--advertise-client-urls",
            self.client_url,
            "--listen-peer-urls",
            self.peer_url,
            "--initial-advertise-peer-urls",
            self.peer_url,
            "--initial-cluster",
            f"{self.name}={self.peer_url}",
            "--logger",
            "zap",
            "--log-level",
            "error",
        ]
        if self.tls:
            args += [
                "--cert-file",
                str(self.tls.server_cert),
                "--key-file",
                str(self.tls.server_key),
                "--trusted-ca-file",
                str(self.tls.ca),
                "--client-cert-auth",
            ]
        log = open(self.data_dir / "etcd.log", "wb")  # noqa: SIM115 - the child keeps it
        self._process = subprocess.Popen(
            args, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
        log.close()
        deadline = time.monotonic() + timeout_s
        while not self._healthy():
            if self._process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                tail = (self.data_dir / "etcd.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"etcd did not become healthy:\n{tail}")
            time.sleep(0.05)
        return self

    def _healthy(self) -> bool:
        port = int(self.client_url.rsplit(":", 1)[1])
        if self.tls:
            context = ssl.create_default_context(cafile=str(self.tls.ca))
            context.load_cert_chain(str(self.tls.client_cert), str(self.tls.client_key))
            conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=1, context=context)
        else:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
        try:
            conn.request("GET", "/health")
            return json.loads(conn.getresponse().read()).get("health") == "true"
        except (OSError, ValueError, http.client.HTTPException):
            return False
        finally:
            conn.close()

    def stop(self) -> None:
        if self._process is None:
            return
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None

    def __enter__(self) -> EtcdServer:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()
