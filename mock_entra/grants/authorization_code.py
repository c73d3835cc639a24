"""Redeem an authorization code (RFC 6749 4.1.3, RFC 7636 4.5-4.6).

https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow#redeem-a-code-for-an-access-token
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from typing import Any

from mock_entra import pkce
from mock_entra.claims import public_sid
from mock_entra.context import Context
from mock_entra.errors import InvalidGrant
from mock_entra.grants.common import (
    TokenRequest,
    delegated_grant,
    malformed_grant,
    user_token_response,
)
from mock_entra.policies import interactive_amr
from mock_entra.scopes import parse_scopes
from mock_entra.tenant.model import Tenant

GRANT_TYPE = "authorization_code"
_CODE = re.compile(r"^[A-Za-z0-9\-._~]{16,2048}$")


def _revoke_first_redemption(req: TokenRequest, code: str) -> None:
    """RFC 6749 10.5: a replayed code should revoke what its first redemption issued."""
    family = req.ctx.store.expired("code_family", code)
    if family:
        req.ctx.store.update_where("rt", "family", family["family"], {"revoked": True})


def precheck(ctx: Context, tenant: Tenant, params: Mapping[str, str]) -> None:
    """Before client authentication: a code from another tenant is named as such (B7).

    The client may not even exist in this tenant, and Entra still answers 700005.
    """
    code = params.get("code") or ""
    rec = ctx.store.expired("code", code) if _CODE.match(code) else None
    if rec is not None and rec["tenant"] != tenant.id:
        raise _other_tenant()


def _other_tenant() -> InvalidGrant:
    return InvalidGrant(
        700005,
        "Provided Authorization Code is intended to use against other tenant, thus rejected.",
    )


def check_code_record(req: TokenRequest, rec: dict[str, Any]) -> None:
    if rec["tenant"] != req.tenant.id:
        raise _other_tenant()
    if rec["client_id"] != req.client.app.client_id:
        raise InvalidGrant(
            70000,
            "The provided value for the 'code' parameter is not valid. The code was "
            "issued to another client.",
        )
    if req.params.get("redirect_uri") != rec["redirect_uri"]:
        raise InvalidGrant(
            70000,
            "The provided value for the 'redirect_uri' is not valid. The value must "
            "exactly match the redirect URI used to obtain the authorization code.",
        )


def check_pkce(rec: dict[str, Any], verifier: str | None) -> None:
    challenge = rec.get("code_challenge")
    if challenge and not verifier:
        raise InvalidGrant(
            50148,
            "The code_verifier is missing, but the authorization request carried a "
            "code_challenge (PKCE).",
        )
    if verifier and not challenge:
        # A verifier without a challenge is a downgrade attempt (no PKCE binding exists).
        raise InvalidGrant(
            501481,
            "The Code_Verifier does not match the code_challenge supplied in the "
            "authorization request: no code_challenge was sent.",
        )
    if (
        challenge
        and verifier
        and not pkce.verifier_matches(
            challenge, rec.get("code_challenge_method") or "plain", verifier
        )
    ):
        raise InvalidGrant(
            501481,
            "The Code_Verifier does not match the code_challenge supplied in the "
            "authorization request.",
        )


def handle(req: TokenRequest) -> dict[str, Any]:
    ctx = req.ctx
    code = req.require("code")
    if not _CODE.match(code):
        raise malformed_grant()
    consumed = ctx.store.consume("code", code, ctx.now())
    if consumed.replayed:
        _revoke_first_redemption(req, code)
        raise InvalidGrant(
            54005,
            "OAuth2 Authorization code was already redeemed, please retry with a new "
            "valid code or use an existing refresh token.",
        )
    if consumed.value is None:
        if ctx.store.expired("code", code) is not None:
            raise InvalidGrant(
                70008,
                "The provided authorization code or refresh token has expired due to "
                "inactivity. Send a new interactive authorization request for this user and "
                "resource.",
            )
        raise malformed_grant()
    rec = consumed.value
    check_code_record(req, rec)
    check_pkce(rec, req.params.get("code_verifier"))

    user = req.tenant.user(rec["user"])
    if user is None:
        raise InvalidGrant(50034, "The user account does not exist in the directory.")
    scopes = parse_scopes(req.tenant, req.params.get("scope") or rec["scope"])
    resource, granted = delegated_grant(req, scopes, user)
    family = secrets.token_hex(16)
    ctx.store.put("code_family", code, {"family": family}, ctx.now() + 3600)
    amr, acrs = interactive_amr(rec.get("claims"), rec.get("amr") or ["pwd"])
    if any(p.applies(resource, user, req.client.app.client_id) for p in req.tenant.mfa_policies):
        amr = sorted({*amr, "mfa"})  # the interactive sign-in performed what the policy wants
    session = {
        "sid": public_sid(rec.get("sid")),
        "auth_time": rec.get("auth_time"),
        "amr": amr,
        "acrs": acrs,
    }
    return user_token_response(
        req,
        user=user,
        scopes=scopes,
        resource=resource,
        granted=granted,
        session=session,
        family=family if scopes.wants_refresh_token else None,
        nonce=rec.get("nonce"),
    )
