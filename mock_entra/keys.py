"""Per-tenant signing key rings, kept in the state directory and shared by workers.

Entra's JWKS entries carry ``kid`` = ``x5t`` (base64url SHA-1 of the certificate),
``x5c`` and ``issuer``; ours do too, so clients that read ``x5c`` work. A ring holds
keys in three states: ``next`` (published, not yet signing: Entra publishes a key
before it uses it), ``active`` (signs) and ``retired`` (published until the tokens
it signed have expired). Keys never leave the state directory except as public JWKs.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from entra_kit.jose import b64url_encode, b64url_uint

KeyState = Literal["next", "active", "retired"]


@dataclass(frozen=True)
class SigningKey:
    kid: str
    state: KeyState
    private_pem: str
    cert_der_b64: str
    created: float

    @property
    def private_key(self) -> rsa.RSAPrivateKey:
        return private_key(self.private_pem)

    @property
    def verify_key(self) -> rsa.RSAPublicKey:
        """The public key to check signatures with, from the certificate (loading the
        private key would check it, ~50 ms); one object per key, since a new one pays
        OpenSSL's set-up again on its first check (~5x the check itself)."""
        return _certificate_key(self.cert_der_b64)

    def public_jwk(self, issuer: str) -> dict[str, Any]:
        numbers = self.verify_key.public_numbers()
        return {
            "kty": "RSA",
            "use": "sig",
            "kid": self.kid,
            "x5t": self.kid,
            "n": b64url_uint(numbers.n),
            "e": b64url_uint(numbers.e),
            "x5c": [self.cert_der_b64],
            "issuer": issuer,
        }


# Loading a private key checks it (about 50 ms for RSA-2048 here, with the GIL held):
# each is loaded once per process, and a key made here is never loaded at all.
_PRIVATE_KEYS: dict[str, rsa.RSAPrivateKey] = {}
_KEPT = 256  # runtime tenants come and go: the oldest objects go first


def private_key(pem: str) -> rsa.RSAPrivateKey:
    key = _PRIVATE_KEYS.get(pem)
    if key is None:
        loaded = serialization.load_pem_private_key(pem.encode(), password=None)
        assert isinstance(loaded, rsa.RSAPrivateKey)
        key = _keep(pem, loaded)
    return key


def _keep(pem: str, key: rsa.RSAPrivateKey) -> rsa.RSAPrivateKey:
    if len(_PRIVATE_KEYS) >= _KEPT:
        _PRIVATE_KEYS.pop(next(iter(_PRIVATE_KEYS)), None)
    _PRIVATE_KEYS[pem] = key
    return key


@lru_cache(maxsize=256)
def _certificate_key(cert_der_b64: str) -> rsa.RSAPublicKey:
    key = x509.load_der_x509_certificate(base64.b64decode(cert_der_b64)).public_key()
    assert isinstance(key, rsa.RSAPublicKey)
    return key


def generate_key(state: KeyState, now: float, common_name: str) -> SigningKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    start = datetime.fromtimestamp(now, tz=UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start - timedelta(days=1))
        .not_valid_after(start + timedelta(days=3650))
        .sign(private, hashes.SHA256())
    )
    der = cert.public_bytes(serialization.Encoding.DER)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    _keep(pem, private)
    return SigningKey(
        kid=b64url_encode(hashlib.sha1(der, usedforsecurity=False).digest()),
        state=state,
        private_pem=pem,
        cert_der_b64=base64.b64encode(der).decode(),
        created=now,
    )


class KeyRing:
    """The keys of one tenant, persisted as ``<state>/keys/<tenant>.json``."""

    def __init__(self, path: Path, tenant_id: str) -> None:
        self.path = path
        self._path_str = str(path)
        self.tenant_id = tenant_id
        self._keys: list[SigningKey] = []
        self._mtime = -1.0
        self._jwks: tuple[list[SigningKey], str, dict[str, Any]] | None = None

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with open(self.path.with_suffix(".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _read(self) -> list[SigningKey]:
        data = json.loads(self.path.read_text())
        return [SigningKey(**k) for k in data["keys"]]

    def _write(self, keys: list[SigningKey]) -> None:
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump({"keys": [k.__dict__ for k in keys]}, f)
        os.replace(tmp, self.path)

    def keys(self, now: float) -> list[SigningKey]:
        """Current keys; re-read when another worker changed the file."""
        try:
            mtime = os.stat(self._path_str).st_mtime  # every token asks: no pathlib on the way
        except FileNotFoundError:
            with self._locked():
                if not self.path.exists():
                    self._write([generate_key("active", now, f"mock-entra {self.tenant_id}")])
            mtime = self.path.stat().st_mtime
        if mtime != self._mtime:
            self._keys = self._read()
            self._mtime = mtime
        return self._keys

    def signing_key(self, now: float) -> SigningKey:
        return next(k for k in self.keys(now) if k.state == "active")

    def find(self, kid: str, now: float) -> SigningKey | None:
        return next((k for k in self.keys(now) if k.kid == kid), None)

    def rotate(self, now: float) -> SigningKey:
        """Promote the published ``next`` key (or a fresh one) and retire the active key."""
        self.keys(now)  # a ring that never signed gets its first key before it rotates
        with self._locked():
            keys = self._read() if self.path.exists() else []
            promoted = next((k for k in keys if k.state == "next"), None)
            promoted = promoted or generate_key("next", now, f"mock-entra {self.tenant_id}")
            rest = [k for k in keys if k.kid != promoted.kid]
            new = [SigningKey(**{**k.__dict__, "state": "retired"}) for k in rest]
            new.append(SigningKey(**{**promoted.__dict__, "state": "active"}))
            self._write(new)
        return promoted

    def publish_next(self, now: float) -> SigningKey:
        """Publish a key that will sign after the next rotation."""
        self.keys(now)  # never leave a ring with only a "next" key
        with self._locked():
            keys = self._read() if self.path.exists() else []
            key = next((k for k in keys if k.state == "next"), None)
            if key is None:
                key = generate_key("next", now, f"mock-entra {self.tenant_id}")
                self._write([*keys, key])
        return key

    def jwks(self, now: float, issuer: str) -> dict[str, Any]:
        """The published keys; built once per version of the ring (exporting a JWK is slow)."""
        keys = self.keys(now)
        cached = self._jwks
        if cached is None or cached[0] is not keys or cached[1] != issuer:
            cached = self._jwks = (keys, issuer, {"keys": [k.public_jwk(issuer) for k in keys]})
        return cached[2]


class KeyStore:
    """Key rings by tenant id."""

    def __init__(self, state_dir: Path) -> None:
        self.dir = state_dir / "keys"
        self._rings: dict[str, KeyRing] = {}

    def ring(self, tenant_id: str) -> KeyRing:
        ring = self._rings.get(tenant_id)
        if ring is None:
            ring = self._rings[tenant_id] = KeyRing(self.dir / f"{tenant_id}.json", tenant_id)
        return ring

    def forget(self, tenant_id: str) -> None:
        """Delete a tenant's keys (a runtime tenant's, on reset): a new ring starts afresh."""
        self._rings.pop(tenant_id, None)
        ring_file = self.dir / f"{tenant_id}.json"
        for path in (ring_file, ring_file.with_suffix(".lock")):
            path.unlink(missing_ok=True)
