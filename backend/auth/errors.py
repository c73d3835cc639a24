"""Why a bearer token was refused, mapped to RFC 6750 §3.1 error codes and statuses."""

from __future__ import annotations

from typing import ClassVar


class TokenRejected(Exception):
    """The token is not acceptable: RFC 6750 ``invalid_token``, HTTP 401.

    ``reason`` is for logs and for the ``error_description``; it never contains the
    token itself.
    """

    error: ClassVar[str] = "invalid_token"
    status: ClassVar[int] = 401

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class InsufficientScope(TokenRejected):
    """A valid token without the scope (or calling app) this resource needs: HTTP 403."""

    error: ClassVar[str] = "insufficient_scope"
    status: ClassVar[int] = 403

    def __init__(self, reason: str, scopes: list[str] | None = None) -> None:
        super().__init__(reason)
        self.scopes = scopes or []


class KeysUnavailable(TokenRejected):
    """Discovery or JWKS could not be fetched or parsed: fail closed (HTTP 401)."""
