"""The one verification core: the MCP verifier and the fake downstream APIs all use it.

Order matters for safety: the header and the (unverified) ``tid`` are only used to
choose a key among the allowed tenants' published keys; nothing is trusted until the
RS256 signature verifies; then the claim checks of ``checks`` run as a table.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jws import JWSRegistry

from backend.auth.checks import (
    ALGORITHM,
    TokenPolicy,
    app_roles,
    check_audience,
    check_client,
    check_header,
    check_lifetime,
    check_subject,
    check_tenant,
    check_version_and_issuer,
    delegated_scopes,
)
from backend.auth.errors import TokenRejected
from backend.auth.keys import JwksCache
from entra_kit.jose import MalformedJwt, jwt_segment

log = logging.getLogger("backend.auth")

MAX_TOKEN_LENGTH = 16 * 1024  # Entra tokens are a few KB; refuse to parse megabytes
# Entra headers carry x5t, and Graph's a nonce: unknown header names are allowed, but
# ``crit`` is refused in ``check_header`` and the algorithm list is RS256 only.
_REGISTRY = JWSRegistry(algorithms=[ALGORITHM], strict_check_header=False)


@dataclass(frozen=True)
class ValidatedToken:
    """A token whose signature and claims passed every check."""

    raw: str
    header: dict[str, Any]
    claims: dict[str, Any]
    version: str
    tenant_id: str
    oid: str
    client_id: str
    audience: str
    scopes: tuple[str, ...]
    roles: tuple[str, ...]

    @property
    def uti(self) -> str:
        return str(self.claims.get("uti", ""))[:32]


def token_ref(token: str) -> str:
    """What logs may show of a token: a short prefix, never the whole thing."""
    return f"{token[:12]}..." if len(token) > 12 else "<short>"


def _decode_segment(token: str, index: int) -> dict[str, Any]:
    try:
        return jwt_segment(token, index)
    except MalformedJwt as exc:
        raise TokenRejected("token is not a well-formed JWS") from exc


class TokenValidator:
    """Validates Entra access tokens for one resource (``policy``) against ``keys``."""

    def __init__(
        self,
        policy: TokenPolicy,
        keys: JwksCache,
        *,
        signed_form: Callable[[str], str] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.policy = policy
        self.keys = keys
        # Microsoft Graph tokens: the signature covers a transformed header.
        self.signed_form = signed_form
        self.clock = clock

    async def validate(self, token: str) -> ValidatedToken:
        """Return the validated token or raise ``TokenRejected`` (fail closed)."""
        if not token or len(token) > MAX_TOKEN_LENGTH or token.count(".") != 2:
            raise TokenRejected("token is not a compact JWS")
        if token.endswith("."):
            raise TokenRejected("token has no signature")
        header = _decode_segment(token, 0)
        kid = check_header(header)
        # Unverified, used only to pick which allowed tenant's keys to try.
        tid = check_tenant(_decode_segment(token, 1), self.policy)
        key = await self.keys.key(tid, kid)
        signed = self.signed_form(token) if self.signed_form else token
        try:
            verified = jws.deserialize_compact(
                signed, key, algorithms=[ALGORITHM], registry=_REGISTRY
            )
        except (JoseError, ValueError) as exc:
            raise TokenRejected("signature verification failed") from exc
        try:
            claims = json.loads(verified.payload)
        except ValueError as exc:
            raise TokenRejected("token payload is not JSON") from exc
        if not isinstance(claims, dict):
            raise TokenRejected("token payload is not a JSON object")
        return self._check_claims(token, header, claims)

    def _check_claims(
        self, token: str, header: dict[str, Any], claims: dict[str, Any]
    ) -> ValidatedToken:
        policy = self.policy
        tid = check_tenant(claims, policy)
        check_lifetime(claims, self.clock(), policy.leeway)
        version = check_version_and_issuer(claims, tid, policy)
        audience = check_audience(claims, version, policy)
        oid = check_subject(claims)
        client_id = check_client(claims, version, policy)
        return ValidatedToken(
            raw=token,
            header=header,
            claims=claims,
            version=version,
            tenant_id=tid,
            oid=oid,
            client_id=client_id,
            audience=audience,
            scopes=delegated_scopes(claims),
            roles=app_roles(claims),
        )
