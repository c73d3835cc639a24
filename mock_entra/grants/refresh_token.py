"""Redeem a refresh token (RFC 6749 section 6), for the same or another resource.

Entra's refresh tokens are multi-resource: one from a sign-in gets tokens for any
consented resource. Rotation: each use issues a new one; presenting a used one
again is treated as theft and revokes the whole family (RFC 9700 4.14.2).
"""

from __future__ import annotations

import re
from typing import Any

from mock_entra.errors import InvalidGrant
from mock_entra.grants.common import (
    RT_PREFIX,
    TokenRequest,
    delegated_grant,
    malformed_grant,
    user_token_response,
)
from mock_entra.policies import check_mfa
from mock_entra.scopes import parse_scopes

GRANT_TYPE = "refresh_token"
_RT = re.compile(r"^[A-Za-z0-9\-._~]{16,4096}$")


def _revoked() -> InvalidGrant:
    return InvalidGrant(
        50173,
        "The provided grant has expired due to it being revoked, a fresh auth token is "
        "needed. The user might have changed or reset their password.",
    )


def handle(req: TokenRequest) -> dict[str, Any]:
    ctx = req.ctx
    token = req.require("refresh_token")
    if not token.startswith(RT_PREFIX) or not _RT.match(token):
        raise malformed_grant()
    consumed = ctx.store.consume("rt", token, ctx.now())
    if consumed.replayed and consumed.value:
        ctx.store.update_where("rt", "family", consumed.value["family"], {"revoked": True})
        raise _revoked()
    rec = consumed.value
    if rec is None:
        if ctx.store.expired("rt", token) is not None:
            raise InvalidGrant(
                700082,
                "The refresh token has expired due to inactivity. The token was issued "
                "on an earlier date and was inactive for the configured lifetime.",
            )
        raise malformed_grant()
    if rec.get("revoked"):
        raise _revoked()
    if rec["tenant"] != req.tenant.id:
        raise InvalidGrant(9002313, "Invalid request. The refresh token belongs to another tenant.")
    if rec["client_id"] != req.client.app.client_id:
        raise InvalidGrant(
            70000,
            "The provided value for the 'refresh_token' is not valid: it was issued to "
            "another client.",
        )
    user = req.tenant.user(rec["user"])
    if user is None:
        raise _revoked()
    scopes = parse_scopes(req.tenant, req.params.get("scope") or "openid offline_access")
    resource, granted = delegated_grant(req, scopes, user)
    check_mfa(req.tenant, resource, user, req.client.app.client_id, rec.get("amr") or [])
    return user_token_response(
        req,
        user=user,
        scopes=scopes,
        resource=resource,
        granted=granted,
        session={k: rec.get(k) for k in ("sid", "auth_time", "amr", "acrs")},
        family=rec["family"],
    )
