"""Bearer-token guard for the fake downstream APIs, on the backend's verification core.

Each fake is its own resource server: keys from discovery + JWKS, ``aud`` its own
identifier (or app id), v1 issuer of the configured tenant, and its delegated scope.
Answers follow RFC 6750 §3: 401 ``invalid_token`` for a missing or bad token, 403
``insufficient_scope`` for a valid token without the needed scope.
"""

from __future__ import annotations

import hashlib
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import JSONResponse

from backend.auth import (
    InsufficientScope,
    JwksCache,
    TokenPolicy,
    TokenRejected,
    TokenValidator,
    ValidatedToken,
    token_ref,
)

log = logging.getLogger("fake_downstream")

# Renders (status, code, message) in the service's own error body shape.
ErrorBody = Callable[[int, str, str], dict[str, object]]


@dataclass
class DownstreamGuard:
    name: str
    validator: TokenValidator
    accepted_scopes: frozenset[str]
    error_body: ErrorBody
    # SHA-256 digests of the last bearer tokens received (never the tokens): lets an
    # audit or a test prove which token reached the service (scenario E11).
    received: deque[str] = field(default_factory=lambda: deque(maxlen=256))

    async def authenticate(
        self, request: Request, scopes: frozenset[str] | None = None
    ) -> ValidatedToken | JSONResponse:
        """The validated delegated token of the request, or the error response to send.

        ``scopes``: the ones this route accepts (default: the service's).
        """
        accepted = scopes or self.accepted_scopes
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return self._deny(TokenRejected("bearer token required"), with_error=False)
        self.received.append(hashlib.sha256(token.strip().encode()).hexdigest())
        try:
            validated = await self.validator.validate(token.strip())
        except TokenRejected as exc:
            log.info("%s refused token %s: %s", self.name, token_ref(token), exc.reason)
            return self._deny(exc)
        if not accepted.intersection(validated.scopes):
            needed = sorted(accepted)
            return self._deny(InsufficientScope(f"requires scope {' or '.join(needed)}", needed))
        return validated

    def _deny(self, exc: TokenRejected, *, with_error: bool = True) -> JSONResponse:
        parts = [f'realm="{self.name}"']
        if with_error:  # RFC 6750 §3.1: no error attribute when no credentials were sent
            parts.append(f'error="{exc.error}"')
        if isinstance(exc, InsufficientScope) and exc.scopes:
            parts.append(f'scope="{" ".join(exc.scopes)}"')
        code = "InvalidAuthenticationToken" if exc.status == 401 else "Forbidden"
        return JSONResponse(
            self.error_body(exc.status, code, exc.reason),
            status_code=exc.status,
            headers={"WWW-Authenticate": "Bearer " + ", ".join(parts)},
        )


def downstream_validator(
    *,
    audiences: list[str],
    tenants: list[str],
    authority_host: str,
    keys: JwksCache,
    leeway: int,
    signed_form: Callable[[str], str] | None = None,
) -> TokenValidator:
    """Microsoft's first-party APIs get v1 tokens (``requestedAccessTokenVersion`` 1)."""
    policy = TokenPolicy(
        audiences=frozenset(audiences),
        tenants=frozenset(tenants),
        authority_host=authority_host,
        versions=frozenset({"1.0"}),
        leeway=leeway,
    )
    return TokenValidator(policy, keys, signed_form=signed_form)
