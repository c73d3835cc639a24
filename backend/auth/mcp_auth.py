"""FastMCP glue: our verifier as a ``TokenVerifier``, served behind RFC 9728 metadata.

- ``RemoteAuthProvider`` serves ``/.well-known/oauth-protected-resource/mcp`` and puts
  ``resource_metadata=`` into every 401 (RFC 9728 §5.1).
- The verifier leaves ``required_scopes`` to FastMCP's ``RequireAuthMiddleware``,
  which answers a valid token without ``access_as_user`` with 403
  ``insufficient_scope`` and ``scope=`` (RFC 6750 §3.1). Checking scopes inside
  ``verify_token`` (the stock JWTVerifier's way) can only produce a 401.
- A valid token from a calling app that is not allow-listed also gets a 403: the
  verifier raises an ``AuthenticationError`` that ``on_error`` renders.
- MCP sessions are bound to the principal: the SDK's session manager compares
  ``(client_id, iss, subject)`` of every request with the session's creator, and
  ``subject`` is the user's ``oid`` here, so another user's token on the same
  ``mcp-session-id`` gets 404 "Session not found".
"""

from __future__ import annotations

import logging

from fastmcp.server.auth import AccessToken, RemoteAuthProvider, TokenVerifier
from mcp.server.auth.middleware.auth_context import AuthContextMiddleware
from mcp.server.auth.middleware.bearer_auth import BearerAuthBackend
from pydantic import AnyHttpUrl
from starlette.authentication import AuthenticationError
from starlette.middleware import Middleware
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.requests import HTTPConnection
from starlette.responses import JSONResponse, Response

from backend.auth.errors import InsufficientScope, TokenRejected
from backend.auth.validator import TokenValidator, ValidatedToken, token_ref

log = logging.getLogger("backend.auth")


class CallerForbidden(AuthenticationError):
    """A valid token this API still refuses (calling app not allowed): HTTP 403."""


def to_access_token(token: ValidatedToken, leeway: int) -> AccessToken:
    # The SDK's BearerAuthBackend drops tokens past ``expires_at`` with no leeway; our
    # check already applied the configured skew, so ``expires_at`` is that deadline.
    return AccessToken(
        token=token.raw,
        client_id=token.client_id,
        scopes=list(token.scopes),
        expires_at=int(token.claims["exp"]) + leeway,
        subject=token.oid,
        claims=token.claims,
    )


class EntraTokenVerifier(TokenVerifier):
    """Entra-strict verification for FastMCP, backed by the shared ``TokenValidator``."""

    def __init__(self, validator: TokenValidator, required_scopes: list[str]) -> None:
        super().__init__(required_scopes=required_scopes)
        self.validator = validator

    async def verify_token(self, token: str) -> AccessToken | None:
        try:
            validated = await self.validator.validate(token)
        except InsufficientScope as exc:
            log.info("token %s refused (403): %s", token_ref(token), exc.reason)
            raise CallerForbidden(exc.reason) from exc
        except TokenRejected as exc:
            log.info("token %s refused (401): %s", token_ref(token), exc.reason)
            return None
        return to_access_token(validated, self.validator.policy.leeway)


def resource_metadata_url(resource_url: str) -> str:
    """RFC 9728 §3.1: the well-known segment goes between host and path."""
    scheme, rest = resource_url.split("://", 1)
    host, _, path = rest.partition("/")
    suffix = f"/{path}" if path else ""
    return f"{scheme}://{host}/.well-known/oauth-protected-resource{suffix}"


class EntraAuthProvider(RemoteAuthProvider):
    """``RemoteAuthProvider`` whose authentication errors become proper 403 challenges."""

    def __init__(
        self,
        verifier: EntraTokenVerifier,
        *,
        issuer: str,
        base_url: str,
        mcp_path: str,
        scopes_supported: list[str],
    ) -> None:
        super().__init__(
            token_verifier=verifier,
            authorization_servers=[AnyHttpUrl(issuer)],
            base_url=base_url,
            scopes_supported=scopes_supported,
            challenge_scopes=scopes_supported,
            resource_name="Entra MCP lab backend",
        )
        self.metadata_url = resource_metadata_url(f"{base_url.rstrip('/')}{mcp_path}")

    def get_middleware(self) -> list[Middleware]:
        return [
            Middleware(
                AuthenticationMiddleware,  # type: ignore[arg-type]
                backend=BearerAuthBackend(self),
                on_error=self._forbidden,
            ),
            Middleware(AuthContextMiddleware),  # type: ignore[arg-type]
        ]

    def _forbidden(self, conn: HTTPConnection, exc: Exception) -> Response:
        description = str(exc) if isinstance(exc, CallerForbidden) else "access denied"
        challenge = (
            f'Bearer error="insufficient_scope", error_description="{description}", '
            f'resource_metadata="{self.metadata_url}"'
        )
        body = {"error": "insufficient_scope", "error_description": description}
        return JSONResponse(body, status_code=403, headers={"WWW-Authenticate": challenge})
