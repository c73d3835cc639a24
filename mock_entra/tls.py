"""A local CA and a server certificate for loopback, created once in the state directory.

Clients trust ``ca.pem`` through configuration (REQUESTS_CA_BUNDLE, SSL_CERT_FILE,
httpx ``verify=``); nothing anywhere switches verification off.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

SERVER_NAMES = ("localhost",)
SERVER_IPS = ("127.0.0.1", "::1")


# RFC 5280 §4.2.1.3: every key usage bit, so that a certificate names the ones it has.
_KEY_USAGES = (
    "digital_signature",
    "content_commitment",
    "key_encipherment",
    "data_encipherment",
    "key_agreement",
    "key_cert_sign",
    "crl_sign",
    "encipher_only",
    "decipher_only",
)


def _key_usage(*enabled: str) -> x509.KeyUsage:
    """A KeyUsage extension with exactly ``enabled`` set and every other bit off."""
    return x509.KeyUsage(**{bit: bit in enabled for bit in _KEY_USAGES})


@dataclass(frozen=True)
class TlsFiles:
    ca_cert: Path
    server_cert: Path
    server_key: Path


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _ca(now: datetime) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    """A CA that may sign server certificates only (path length 0), for ten years."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mock-entra local CA")])
    usage = _key_usage("digital_signature", "key_cert_sign", "crl_sign")
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def _server(
    ca_key: ec.EllipticCurvePrivateKey, ca: x509.Certificate, now: datetime, names: tuple[str, ...]
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    """A server certificate for loopback (and ``names``), within browsers' 825-day limit."""
    key = ec.generate_private_key(ec.SECP256R1())
    alt: list[x509.GeneralName] = [x509.DNSName(n) for n in (*SERVER_NAMES, *names)]
    alt += [x509.IPAddress(ipaddress.ip_address(ip)) for ip in SERVER_IPS]
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=825))
        .add_extension(x509.SubjectAlternativeName(alt), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    return key, cert


def tls_files(state_dir: Path) -> TlsFiles:
    """Where the CA and the server certificate of ``state_dir`` are (whether or not they exist)."""
    tls_dir = state_dir / "tls"
    return TlsFiles(tls_dir / "ca.pem", tls_dir / "server.pem", tls_dir / "server-key.pem")


def ensure_tls(state_dir: Path, extra_names: tuple[str, ...] = ()) -> TlsFiles:
    """Create the CA and server certificate unless both already exist."""
    files = tls_files(state_dir)
    tls_dir = files.ca_cert.parent
    if all(p.exists() for p in (files.ca_cert, files.server_cert, files.server_key)):
        return files
    tls_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    now = datetime.now(UTC)
    ca_key, ca = _ca(now)
    key, cert = _server(ca_key, ca, now, extra_names)
    ca_pem = ca.public_bytes(serialization.Encoding.PEM)
    files.ca_cert.write_bytes(ca_pem)
    _write_private(tls_dir / "ca-key.pem", _key_pem(ca_key))
    _write_private(files.server_key, _key_pem(key))
    files.server_cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM) + ca_pem)
    return files
