"""Redeem a refresh token (RFC 6749 section 6), for the same or another resource.

Entra's refresh tokens are multi-resource: one from a sign-in gets tokens for any
consented resource. Each use answers with a successor in the same family, and the
token used stays good: "Refresh tokens aren't revoked when used to acquire new
access tokens" (v2-oauth2-auth-code-flow#refresh-the-access-token). A tenant whose
``refresh_tokens.strict_rotation`` policy is on makes them one-time instead: a second
use is treated as theft and revokes the whole family (RFC 9700 §4.14.2).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from mock_entra.context import Context
from mock_entra.errors import InvalidGrant
from mock_entra.grants.base import Grant
from mock_entra.grants.consumable import Consumable, redeem
from mock_entra.grants.delegated import delegated_grant, user_token_response
from mock_entra.grants.request import TokenRequest
from mock_entra.policies import check_mfa
from mock_entra.records.refresh_tokens import RT_PREFIX, RefreshToken
from mock_entra.scopes import parse_scopes

GRANT_TYPE = "refresh_token"
# A refresh without ``scope`` asks for the sign-in scopes only.
DEFAULT_SCOPE = "openid offline_access"
_RT = re.compile(r"^[A-Za-z0-9\-._~]{16,4096}$")


def _revoked() -> InvalidGrant:
    return InvalidGrant(
        50173,
        "The provided grant has expired due to it being revoked, a fresh auth token is "
        "needed. The user might have changed or reset their password.",
    )


REFRESH_TOKEN = Consumable(
    parameter="refresh_token",
    record=RefreshToken,
    well_formed=lambda token: token.startswith(RT_PREFIX) and bool(_RT.match(token)),
    replayed=_revoked,
    expired=lambda: InvalidGrant(
        700082,
        "The refresh token has expired due to inactivity. The token was issued "
        "on an earlier date and was inactive for the configured lifetime.",
    ),
    other_tenant=lambda: InvalidGrant(
        9002313, "Invalid request. The refresh token belongs to another tenant."
    ),
    other_client=lambda: InvalidGrant(
        70000,
        "The provided value for the 'refresh_token' is not valid: it was issued to another client.",
    ),
    one_time=lambda tenant: tenant.refresh_tokens.strict_rotation,
)


def handle(req: TokenRequest) -> dict[str, Any]:
    token = redeem(req, REFRESH_TOKEN)
    user = req.tenant.user(token.user)
    if user is None:
        raise _revoked()
    scopes = parse_scopes(req.tenant, req.params.get("scope") or DEFAULT_SCOPE)
    delegation = delegated_grant(req, scopes, user)
    check_mfa(req.tenant, delegation.resource, user, req.client.app.client_id, list(token.amr))
    return user_token_response(req, delegation, token.sign_in, token.rotate())


def scope_of(ctx: Context, params: Mapping[str, str]) -> str:
    return params.get("scope") or DEFAULT_SCOPE


def tenant_of(ctx: Context, params: Mapping[str, str]) -> str | None:
    token = params.get("refresh_token") or ""
    found = RefreshToken.peek(ctx.store, token) if _RT.match(token) else None
    return found.tenant if found else None


GRANT = Grant(GRANT_TYPE, handle, public_clients=True, scope_of=scope_of, tenant_of=tenant_of)
