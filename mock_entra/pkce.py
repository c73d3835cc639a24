"""PKCE (RFC 7636): challenge syntax and verifier check."""

from __future__ import annotations

import hmac
import re

from entra_kit.jose import pkce_s256

# RFC 7636 section 4.1: 43-128 characters of [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~".
_VERIFIER = re.compile(r"^[A-Za-z0-9\-._~]{43,128}$")


def valid_syntax(value: str) -> bool:
    """Verifiers and challenges share the unreserved-character syntax (RFC 7636 4.1, 4.2)."""
    return bool(_VERIFIER.match(value))


def verifier_matches(challenge: str, method: str, verifier: str) -> bool:
    """RFC 7636 section 4.6."""
    if not valid_syntax(verifier):
        return False
    expected = pkce_s256(verifier) if method == "S256" else verifier
    return hmac.compare_digest(expected.encode(), challenge.encode())
