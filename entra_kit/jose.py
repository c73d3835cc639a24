"""base64url (RFC 4648 §5, no padding, as JOSE writes it) and unverified JWT reads.

"Peeking" reads a compact JWS's header and claims *without* verifying anything: for
display, for choosing which key or record a request is about, never for trust.
https://datatracker.ietf.org/doc/html/rfc7515#section-7.1
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import Any


class MalformedJwt(ValueError):
    """The text is not a compact JWS whose header and payload are base64url JSON objects."""


def b64url_encode(data: bytes) -> str:
    """base64url without padding (RFC 7515 §2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_uint(value: int) -> str:
    """An unsigned integer as JWK writes one (``n``, ``e``): big-endian bytes, no leading
    zero byte, base64url (RFC 7518 §6.3.1)."""
    return b64url_encode(value.to_bytes(max(1, (value.bit_length() + 7) // 8), "big"))


def b64url_decode(text: str) -> bytes:
    """base64url with or without padding; ``ValueError`` when it is not base64url."""
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError, TypeError) as exc:
        raise ValueError("not base64url") from exc


def pkce_s256(verifier: str) -> str:
    """The S256 code challenge of a PKCE verifier: BASE64URL(SHA256(ASCII(verifier))).

    https://datatracker.ietf.org/doc/html/rfc7636#section-4.2
    """
    return b64url_encode(hashlib.sha256(verifier.encode("ascii")).digest())


def _json_object(segment: str) -> dict[str, Any]:
    try:
        value = json.loads(b64url_decode(segment))
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise MalformedJwt("a segment is not base64url JSON") from exc
    if not isinstance(value, dict):
        raise MalformedJwt("a segment is not a JSON object")
    return value


def jwt_segment(token: str, index: int) -> dict[str, Any]:
    """The header (0) or the claims (1) of a compact JWS, unverified."""
    parts = token.split(".")
    if len(parts) < 2 or index >= len(parts):
        raise MalformedJwt("not a compact JWS")
    return _json_object(parts[index])


def peek_jwt(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(header, claims)`` of a compact JWS (three parts), unverified; ``MalformedJwt`` otherwise."""
    if token.count(".") != 2:
        raise MalformedJwt("a compact JWS has three dot-separated parts")
    return jwt_segment(token, 0), jwt_segment(token, 1)


def peek_claims(token: str | None) -> dict[str, Any]:
    """The claims of a token, unverified, or ``{}`` when it is not a readable JWT."""
    if not token:
        return {}
    try:
        return jwt_segment(token, 1)
    except MalformedJwt:
        return {}


_COMPACT = json.JSONEncoder(separators=(",", ":"))  # made once: every token has two segments


def json_segment(value: dict[str, Any]) -> str:
    """One JOSE segment: compact JSON, base64url."""
    return b64url_encode(_COMPACT.encode(value).encode())


def graph_signed_form(token: str) -> str:
    """A Microsoft Graph token rewritten so that a standard JWS verifier can check it.

    Graph's access tokens carry a ``nonce`` in their header, and the signature covers
    that header with the nonce replaced by its SHA-256 (hex): only Graph, which knows
    the trick, validates them. Other resource servers must refuse them (the signature
    does not verify), which is why a Graph token is the wrong "wrong audience" test.
    Public reports: AzureAD/azure-activedirectory-identitymodel-extensions-for-dotnet#609
    and #853. (Whether Graph encodes the digest as hex or base64url is not documented;
    the mock and its fake Graph agree on hex.)
    """
    head, payload, signature = token.split(".")
    header = _json_object(head)
    if "nonce" in header:
        header["nonce"] = hashlib.sha256(str(header["nonce"]).encode()).hexdigest()
    return f"{json_segment(header)}.{payload}.{signature}"
