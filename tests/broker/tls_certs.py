"""Certificates made on the spot, and a real ``redis-server`` serving TLS only, for the TLS tests.

``make_certs(dir)`` writes a CA, a second unrelated CA and a server certificate signed by the
first (for ``localhost`` and ``127.0.0.1``), with the ``cryptography`` package. ``TlsRedis`` is
the suite's ``RedisServer`` serving them on a TLS-only port (Debian's build has TLS).
"""

from __future__ import annotations

import datetime
import ipaddress
from dataclasses import dataclass
from pathlib import Path

import redis
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.support.redis_server import RedisServer, free_port


@dataclass(frozen=True)
class Certs:
    ca: Path
    other_ca: Path
    server_cert: Path
    server_key: Path


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _builder(
    subject: str, issuer: x509.Name, key: ec.EllipticCurvePrivateKey
) -> x509.CertificateBuilder:
    now = datetime.datetime.now(datetime.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=1))
    )


def _ca(common_name: str) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        _builder(common_name, _name(common_name), key)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def make_certs(directory: Path) -> Certs:
    ca_key, ca_cert = _ca("arena-tui test CA")
    _, other_cert = _ca("some other CA")
    key = ec.generate_private_key(ec.SECP256R1())
    names = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    cert = (
        _builder("localhost", ca_cert.subject, key)
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    certs = Certs(
        ca=directory / "ca.pem",
        other_ca=directory / "other-ca.pem",
        server_cert=directory / "server.crt",
        server_key=directory / "server.key",
    )
    certs.ca.write_bytes(_pem(ca_cert))
    certs.other_ca.write_bytes(_pem(other_cert))
    certs.server_cert.write_bytes(_pem(cert))
    certs.server_key.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return certs


class TlsRedis(RedisServer):
    """``RedisServer`` listening for TLS only (``--port 0 --tls-port P``), no client certificates
    required; its readiness ``PING`` and ``client()`` speak TLS, checked against ``certs.ca``."""

    def __init__(self, certs: Certs) -> None:
        self.certs = certs
        port = free_port()
        tls = [
            "--port", "0",  # after RedisServer's own --port: the plain port is off
            "--tls-port", str(port),
            "--tls-cert-file", str(certs.server_cert),
            "--tls-key-file", str(certs.server_key),
            "--tls-ca-cert-file", str(certs.ca),
            "--tls-auth-clients", "no",
        ]  # fmt: skip
        super().__init__(port=port, extra_args=tls)

    def client(self) -> redis.Redis:
        return redis.Redis(
            host="127.0.0.1",
            port=self.port,
            password=self.password,
            ssl=True,
            ssl_ca_certs=str(self.certs.ca),
            socket_timeout=5.0,
        )

    def tls_url(self, host: str = "127.0.0.1", query: str = "") -> str:
        tail = f"?{query}" if query else ""
        return f"rediss://:{self.password}@{host}:{self.port}/0{tail}"
