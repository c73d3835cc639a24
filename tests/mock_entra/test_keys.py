"""Key rings: a ring rotated or given a next key before it ever signed still signs."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from joserfc.jwk import RSAKey

from mock_entra import keys
from mock_entra.jwt import sign, verify_rs256
from mock_entra.keys import KeyRing


def test_rotating_a_ring_that_never_signed_leaves_an_active_key(tmp_path: Path) -> None:
    ring = KeyRing(tmp_path / "t.json", "tenant")
    promoted = ring.rotate(now=1000.0)
    assert ring.signing_key(1000.0).kid == promoted.kid
    assert {k.state for k in ring.keys(1000.0)} == {"active", "retired"}


def test_publishing_a_next_key_first_keeps_an_active_one(tmp_path: Path) -> None:
    ring = KeyRing(tmp_path / "t.json", "tenant")
    upcoming = ring.publish_next(now=1000.0)
    assert ring.signing_key(1000.0).kid != upcoming.kid
    assert ring.rotate(now=1001.0).kid == upcoming.kid
    assert ring.signing_key(1001.0).kid == upcoming.kid


def test_the_published_key_is_the_signing_keys_public_half(tmp_path: Path) -> None:
    """n and e come from the certificate, not from loading the private key: they must be
    the private key's own (as joserfc, which clients use, reads them from it)."""
    key = KeyRing(tmp_path / "t.json", "tenant").signing_key(1000.0)
    published = key.public_jwk("https://issuer.example")
    reference = RSAKey.import_key(key.private_pem).as_dict(private=False)
    assert (published["n"], published["e"]) == (reference["n"], reference["e"])
    token = sign({"sub": "x"}, key)
    assert verify_rs256(token, key.verify_key)
    assert verify_rs256(token, RSAKey.import_key(published).get_op_key("verify"))


def test_a_ring_read_from_disk_loads_each_private_key_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Loading an RSA private key checks it (tens of ms, the GIL held): a worker that
    publishes, verifies and signs with a key loads it once, and a key made here never."""
    KeyRing(tmp_path / "t.json", "tenant").signing_key(1000.0)  # made here: never loaded
    loads: list[bytes] = []
    real = serialization.load_pem_private_key

    def counted(data: bytes, password: bytes | None) -> object:
        loads.append(data)
        return real(data, password)

    monkeypatch.setattr(serialization, "load_pem_private_key", counted)
    made = KeyRing(tmp_path / "t.json", "tenant").signing_key(1000.0)
    sign({"sub": "x"}, made)
    assert loads == [], "the key this process made is already an object"
    monkeypatch.setattr(keys, "_PRIVATE_KEYS", {})  # another worker: it only has the file
    read = KeyRing(tmp_path / "t.json", "tenant").signing_key(1000.0)
    read.public_jwk("https://issuer.example")
    for _ in range(3):
        assert verify_rs256(sign({"sub": "x"}, read), read.verify_key)
    assert len(loads) == 1
