"""Entra's OAuth errors as a small hierarchy mapped 1:1 to wire codes.

Each subclass sets ``error`` and ``status``; raising sites give the AADSTS number
and a description. One handler (``render``) builds Entra's body:
https://learn.microsoft.com/entra/identity-platform/reference-error-codes
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar


@dataclass
class OAuthError(Exception):
    aadsts: int
    description: str
    suberror: str | None = None
    claims: str | None = None
    extra_codes: list[int] = field(default_factory=list)

    error: ClassVar[str] = "invalid_request"
    status: ClassVar[int] = 400

    def __str__(self) -> str:
        return f"{self.error} AADSTS{self.aadsts}: {self.description}"

    def body(self, now: datetime, trace_id: str | None = None) -> dict[str, Any]:
        """Entra's JSON error body, ids and timestamp included in the description."""
        trace_id = trace_id or str(uuid.uuid4())
        correlation_id = str(uuid.uuid4())
        stamp = now.strftime("%Y-%m-%d %H:%M:%SZ")
        body: dict[str, Any] = {
            "error": self.error,
            "error_description": (
                f"AADSTS{self.aadsts}: {self.description} Trace ID: {trace_id} "
                f"Correlation ID: {correlation_id} Timestamp: {stamp}"
            ),
            "error_codes": [self.aadsts, *self.extra_codes],
            "timestamp": stamp,
            "trace_id": trace_id,
            "correlation_id": correlation_id,
            "error_uri": f"https://login.microsoftonline.com/error?code={self.aadsts}",
        }
        if self.suberror:
            body["suberror"] = self.suberror
        if self.claims:
            body["claims"] = self.claims
        return body


class InvalidRequest(OAuthError):
    error = "invalid_request"


class InvalidGrant(OAuthError):
    error = "invalid_grant"


class InvalidClient(OAuthError):
    error = "invalid_client"
    status = 401


class UnauthorizedClient(OAuthError):
    error = "unauthorized_client"


class InvalidScope(OAuthError):
    error = "invalid_scope"


class InvalidResource(OAuthError):
    error = "invalid_resource"


class InvalidTarget(OAuthError):
    """RFC 8707 §2: the ``resource`` is not one the request may name (Entra: AADSTS9010010)."""

    error = "invalid_target"


class UnsupportedGrantType(OAuthError):
    error = "unsupported_grant_type"


class UnsupportedResponseType(OAuthError):
    error = "unsupported_response_type"


class InteractionRequired(OAuthError):
    error = "interaction_required"


class LoginRequired(OAuthError):
    error = "login_required"


class AccessDenied(OAuthError):
    error = "access_denied"


class AuthorizationPending(OAuthError):
    """RFC 8628 §3.5: the user has not finished on the verification page yet."""

    error = "authorization_pending"


class SlowDown(OAuthError):
    """RFC 8628 §3.5: still pending, and the device polls faster than ``interval``."""

    error = "slow_down"


class AuthorizationDeclined(OAuthError):
    """Entra's device code flow: "The end user denied the authorization request"."""

    error = "authorization_declined"


class BadVerificationCode(OAuthError):
    """Entra's device code flow: "The device_code sent to the /token endpoint wasn't recognized"."""

    error = "bad_verification_code"


class ExpiredToken(OAuthError):
    """RFC 8628 §3.5: the ``device_code`` expired (``expires_in``)."""

    error = "expired_token"


class ServerError(OAuthError):
    error = "server_error"
    status = 500


def unknown_client(client_id: str, directory: str) -> UnauthorizedClient:
    """AADSTS700016: no app ``client_id`` in this tenant (``directory``: its display name)."""
    return UnauthorizedClient(
        700016,
        f"Application with identifier '{client_id[:64]}' was not found in the directory "
        f"'{directory}'. This can happen if the application has not been installed by the "
        "administrator of the tenant or consented to by any user in the tenant. You may have "
        "sent your authentication request to the wrong tenant.",
    )


def missing_parameter(name: str) -> InvalidRequest:
    """AADSTS900144: a parameter the request must carry is absent (or empty)."""
    return InvalidRequest(
        900144, f"The request body must contain the following parameter: '{name}'."
    )
