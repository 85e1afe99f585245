"""A throw-away certificate authority for a local broker: CA, server and client certificates.

Tests, benches and a fleet manager's trial run need TLS exactly as a store runs it (the kiosk
verifies the broker against a CA file and may present a client certificate), without shipping
private keys in the repository; so the CA is made at run time with ``cryptography``.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from kiosk.store.atomic import atomic_write_bytes

_VALIDITY = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class CertFiles:
    cert: Path
    key: Path


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "kiosk local broker"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _write_key(key: ec.EllipticCurvePrivateKey, path: Path) -> None:
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    atomic_write_bytes(path, pem)
    path.chmod(0o600)


def _write_cert(cert: x509.Certificate, path: Path) -> None:
    atomic_write_bytes(path, cert.public_bytes(serialization.Encoding.PEM))


class LocalCA:
    """A CA whose key lives in ``directory``; reused when the directory already holds one."""

    def __init__(self, directory: Path, now: datetime | None = None) -> None:
        self.directory = directory
        self._now = now or datetime.now(UTC)
        directory.mkdir(parents=True, exist_ok=True)
        self.files = CertFiles(directory / "ca.crt", directory / "ca.key")
        if self.files.cert.exists() and self.files.key.exists():
            self._key = serialization.load_pem_private_key(self.files.key.read_bytes(), None)
            self._cert = x509.load_pem_x509_certificate(self.files.cert.read_bytes())
        else:
            self._key, self._cert = self._make_ca()

    def _make_ca(self) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
        key = ec.generate_private_key(ec.SECP256R1())
        name = _name("kiosk local test CA")
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(self._now - timedelta(minutes=5))
            .not_valid_after(self._now + _VALIDITY)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True, key_cert_sign=True, crl_sign=True,
                    content_commitment=False, key_encipherment=False, data_encipherment=False,
                    key_agreement=False, encipher_only=False, decipher_only=False,
                ),
                critical=True,
            )
            .sign(key, hashes.SHA256())
        )
        _write_key(key, self.files.key)
        _write_cert(cert, self.files.cert)
        return key, cert

    def issue(self, stem: str, common_name: str, *, server: bool) -> CertFiles:
        """A leaf certificate: a server one names localhost and 127.0.0.1, a client one its CN."""
        key = ec.generate_private_key(ec.SECP256R1())
        usage = ExtendedKeyUsageOID.SERVER_AUTH if server else ExtendedKeyUsageOID.CLIENT_AUTH
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(common_name))
            .issuer_name(self._cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(self._now - timedelta(minutes=5))
            .not_valid_after(self._now + _VALIDITY)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        )
        if server:
            builder = builder.add_extension(
                x509.SubjectAlternativeName(
                    [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
                ),
                critical=False,
            )
        cert = builder.sign(self._key, hashes.SHA256())  # type: ignore[arg-type]
        files = CertFiles(self.directory / f"{stem}.crt", self.directory / f"{stem}.key")
        _write_key(key, files.key)
        _write_cert(cert, files.cert)
        return files
