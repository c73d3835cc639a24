"""Redeem an authorization code (RFC 6749 4.1.3, RFC 7636 4.5-4.6).

https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow#redeem-a-code-for-an-access-token
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from mock_entra import pkce
from mock_entra.context import Context
from mock_entra.errors import InvalidGrant
from mock_entra.grants.base import Grant
from mock_entra.grants.consumable import Consumable, redeem
from mock_entra.grants.delegated import (
    delegated_grant,
    first_refresh_token,
    interactive_sign_in,
    user_token_response,
)
from mock_entra.grants.request import TokenRequest
from mock_entra.records.codes import AuthorizationCode, CodeFamily
from mock_entra.records.refresh_tokens import RefreshToken, SignIn
from mock_entra.scopes import parse_scopes
from mock_entra.tenant.model import Tenant

GRANT_TYPE = "authorization_code"
_CODE = re.compile(r"^[A-Za-z0-9\-._~]{16,2048}$")


def _other_tenant() -> InvalidGrant:
    return InvalidGrant(
        700005,
        "Provided Authorization Code is intended to use against other tenant, thus rejected.",
    )


CODE = Consumable(
    parameter="code",
    record=AuthorizationCode,
    well_formed=lambda code: bool(_CODE.match(code)),
    replayed=lambda: InvalidGrant(
        54005,
        "OAuth2 Authorization code was already redeemed, please retry with a new "
        "valid code or use an existing refresh token.",
    ),
    expired=lambda: InvalidGrant(
        70008,
        "The provided authorization code or refresh token has expired due to "
        "inactivity. Send a new interactive authorization request for this user and "
        "resource.",
    ),
    other_tenant=_other_tenant,
    other_client=lambda: InvalidGrant(
        70000,
        "The provided value for the 'code' parameter is not valid. The code was "
        "issued to another client.",
    ),
)


def precheck(ctx: Context, tenant: Tenant, params: Mapping[str, str]) -> None:
    """Before client authentication: a code from another tenant is named as such (B7).

    The client may not even exist in this tenant, and Entra still answers 700005.
    """
    code = params.get("code") or ""
    issued_in = AuthorizationCode.tenant_of(ctx.store, code) if _CODE.match(code) else None
    if issued_in is not None and issued_in != tenant.id:
        raise _other_tenant()


def scope_of(ctx: Context, params: Mapping[str, str]) -> str | None:
    """The redemption's ``scope``, else what the code was issued for (Entra: scope is optional here)."""
    if params.get("scope"):
        return params["scope"]
    code = params.get("code") or ""
    found = AuthorizationCode.peek(ctx.store, code) if _CODE.match(code) else None
    return found.scope if found else None


def check_redirect_uri(req: TokenRequest, code: AuthorizationCode) -> None:
    if req.params.get("redirect_uri") != code.redirect_uri:
        raise InvalidGrant(
            70000,
            "The provided value for the 'redirect_uri' is not valid. The value must "
            "exactly match the redirect URI used to obtain the authorization code.",
        )


def check_pkce(code: AuthorizationCode, verifier: str | None) -> None:
    challenge = code.code_challenge
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
        and not pkce.verifier_matches(challenge, code.code_challenge_method or "plain", verifier)
    ):
        raise InvalidGrant(
            501481,
            "The Code_Verifier does not match the code_challenge supplied in the "
            "authorization request.",
        )


def handle(req: TokenRequest) -> dict[str, Any]:
    code = redeem(req, CODE)
    check_redirect_uri(req, code)
    check_pkce(code, req.params.get("code_verifier"))
    user = req.tenant.user(code.user)
    if user is None:
        raise InvalidGrant(50034, "The user account does not exist in the directory.")
    scopes = parse_scopes(req.tenant, req.params.get("scope") or code.scope)
    delegation = delegated_grant(req, scopes, user)
    # Remembered even without a refresh token: a replay must find what there is to revoke.
    family = RefreshToken.new_family()
    CodeFamily.remember(req.ctx.store, code.key, family, req.ctx.now())
    sign_in = interactive_sign_in(
        req, delegation, SignIn(code.sid, code.auth_time, code.amr), code.claims
    )
    refresh = first_refresh_token(req, delegation, sign_in, family)
    return user_token_response(req, delegation, sign_in, refresh, nonce=code.nonce)


def tenant_of(ctx: Context, params: Mapping[str, str]) -> str | None:
    code = params.get("code") or ""
    return AuthorizationCode.tenant_of(ctx.store, code) if _CODE.match(code) else None


GRANT = Grant(
    GRANT_TYPE,
    handle,
    public_clients=True,
    precheck=precheck,
    scope_of=scope_of,
    tenant_of=tenant_of,
)
