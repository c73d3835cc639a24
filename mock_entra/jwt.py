"""Compact JWS signing (RS256) the way Entra's tokens are laid out.

Signing uses ``cryptography`` directly on a cached key: it is the hot path of the
token endpoint. ``header_nonce`` reproduces Microsoft Graph's tokens, whose header
carries a ``nonce`` while the signature covers the header with that nonce replaced
by its SHA-256 (hex): only Graph, which knows the trick, can validate them
(``entra_kit.jose.graph_signed_form`` undoes it, for the OBO check and the fake Graph).
"""

from __future__ import annotations

import hashlib
import secrets
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from entra_kit.jose import b64url_decode, b64url_encode, graph_signed_form, json_segment
from mock_entra.keys import KeyRing, SigningKey, private_key


def sign_with_pem(private_pem: str, signing_input: bytes) -> bytes:
    return private_key(private_pem).sign(signing_input, padding.PKCS1v15(), hashes.SHA256())


def sign(
    claims: dict[str, Any],
    key: SigningKey | None,
    *,
    header_nonce: bool = False,
    extra_header: dict[str, Any] | None = None,
) -> str:
    """Sign ``claims``; ``key=None`` yields an unsigned ``alg: none`` token (fault injection)."""
    header: dict[str, Any] = {"typ": "JWT", "alg": "RS256" if key else "none"}
    if key:
        header["x5t"] = key.kid
        header["kid"] = key.kid
    header.update(extra_header or {})
    payload = json_segment(claims)
    if key is None:
        return f"{json_segment(header)}.{payload}."
    if header_nonce:
        nonce = b64url_encode(secrets.token_bytes(32))
        signed_header = json_segment(
            {**header, "nonce": hashlib.sha256(nonce.encode()).hexdigest()}
        )
        signature = sign_with_pem(key.private_pem, f"{signed_header}.{payload}".encode())
        return f"{json_segment({**header, 'nonce': nonce})}.{payload}.{b64url_encode(signature)}"
    head = _header_segment(key.kid) if extra_header is None else json_segment(header)
    signature = sign_with_pem(key.private_pem, f"{head}.{payload}".encode())
    return f"{head}.{payload}.{b64url_encode(signature)}"


@lru_cache(maxsize=256)
def _header_segment(kid: str) -> str:
    """The encoded header of a plain RS256 token: the same for every token a key signs."""
    return json_segment({"typ": "JWT", "alg": "RS256", "x5t": kid, "kid": kid})


def verify_rs256(token: str, public_key: rsa.RSAPublicKey) -> bool:
    """True when ``token`` is RS256-signed by ``public_key`` (no claim checks)."""
    try:
        head, payload, signature = token.split(".")
        public_key.verify(
            b64url_decode(signature),
            f"{head}.{payload}".encode(),
            padding.PKCS1v15(),
            hashes.SHA256(),
        )
    except (ValueError, InvalidSignature):
        return False
    return True


def signature_problem(ring: KeyRing, header: dict[str, Any], token: str, now: float) -> str | None:
    """Why ``token`` is not signed by one of ``ring``'s published keys, or None when it is.

    RS256 only; a Graph token's header nonce is undone first (``graph_signed_form``).
    """
    if header.get("alg") != "RS256":
        return "The token is not signed with RS256."
    key = ring.find(str(header.get("kid")), now)
    if key is None:
        return "The key was not found."
    signed = graph_signed_form(token) if "nonce" in header else token
    if not verify_rs256(signed, key.verify_key):
        return "The signature does not verify."
    return None
