"""On-Behalf-Of (OAuth 2.0 JWT bearer, ``requested_token_use=on_behalf_of``).

The middle tier presents the user's access token (the assertion) and gets a token
for a downstream API with the same user. The assertion must be a delegated access
token issued by this tenant, signed by its key, current, and addressed to the
calling app.
https://learn.microsoft.com/entra/identity-platform/v2-oauth2-on-behalf-of-flow
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from entra_kit.jose import peek_claims, peek_jwt
from mock_entra.claims import amr_of
from mock_entra.context import Context
from mock_entra.errors import InvalidGrant, InvalidRequest
from mock_entra.grants.base import Grant
from mock_entra.grants.delegated import delegated_grant, first_refresh_token, user_token_response
from mock_entra.grants.request import TokenRequest
from mock_entra.jwt import signature_problem
from mock_entra.policies import check_mfa
from mock_entra.records.refresh_tokens import SignIn
from mock_entra.scopes import parse_scopes
from mock_entra.tenant.application import Application

GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer"
LEEWAY = 300


def _invalid_assertion(detail: str) -> InvalidGrant:
    return InvalidGrant(50013, f"Assertion failed signature validation. [Reason - {detail}]")


def check_structure(assertion: str) -> tuple[dict[str, Any], dict[str, Any]]:
    try:
        return peek_jwt(assertion)
    except ValueError:
        raise InvalidGrant(50027, "JWT token is invalid or malformed.") from None


def check_audience(claims: dict[str, Any], app: Application) -> None:
    aud = claims.get("aud")
    if not isinstance(aud, str) or not app.answers_to(aud):
        raise InvalidGrant(
            500131,
            "Assertion audience does not match the Client app presenting the assertion. "
            f"The audience in the assertion was '{str(aud)[:100]}' and the expected audience is "
            f"'{app.client_id}' or one of the Application Ids of the client app.",
        )


def check_signature(req: TokenRequest, header: dict[str, Any], assertion: str) -> None:
    problem = signature_problem(req.ctx.ring(req.tenant.id), header, assertion, req.ctx.now())
    if problem:
        raise _invalid_assertion(problem)


def check_issuer_and_time(req: TokenRequest, claims: dict[str, Any]) -> None:
    ctx, tid = req.ctx, req.tenant.id
    if (
        claims.get("iss") not in (ctx.issuer_v1(tid), ctx.issuer_v2(tid))
        or claims.get("tid") != tid
    ):
        raise _invalid_assertion("The assertion was not issued by this tenant.")
    now, exp, nbf = ctx.now(), claims.get("exp"), claims.get("nbf", 0)
    if (
        not isinstance(exp, (int, float))
        or exp + LEEWAY < now
        or (isinstance(nbf, (int, float)) and nbf - LEEWAY > now)
    ):
        raise InvalidGrant(500133, "Assertion is not within its valid time range.")


def check_delegated(claims: dict[str, Any]) -> None:
    """App-only tokens and ID tokens carry no ``scp``: there is no user to act for."""
    if not claims.get("scp") or claims.get("idtyp") == "app":
        raise InvalidGrant(
            50013,
            "Assertion is not a delegated user access token: it carries no 'scp' "
            "(an app-only token or an ID token cannot be used for On-Behalf-Of).",
        )


def check_required_access(app: Application, resource: Application) -> None:
    if not any(resource.answers_to(r.resource) for r in app.required_resource_access):
        raise InvalidGrant(
            650057,
            "Invalid resource. The client has requested access to a resource which is "
            "not listed in the requested permissions in the client's application registration. "
            f"Client app ID: {app.client_id}. Resource value from request: "
            f"{resource.primary_resource_uri}.",
        )


def handle(req: TokenRequest) -> dict[str, Any]:
    if req.params.get("requested_token_use") != "on_behalf_of":
        raise InvalidRequest(
            900144,
            "The request body must contain the following parameter: "
            "'requested_token_use' with the value 'on_behalf_of'.",
        )
    assertion = req.require("assertion")
    header, claims = check_structure(assertion)
    check_audience(claims, req.client.app)
    check_signature(req, header, assertion)
    check_issuer_and_time(req, claims)
    check_delegated(claims)
    user = req.tenant.user(str(claims.get("oid", "")))
    if user is None:
        raise InvalidGrant(50034, "The user account does not exist in the directory.")

    scopes = parse_scopes(req.tenant, req.require("scope"), require_resource=True)
    assert scopes.resource is not None
    check_required_access(req.client.app, scopes.resource)
    delegation = delegated_grant(req, scopes, user)
    amr = amr_of(claims)  # v1: its amr; v2 access tokens keep it in aio
    check_mfa(req.tenant, delegation.resource, user, req.client.app.client_id, amr)
    # The middle tier acts within the user's sign-in: the assertion's session and methods.
    sign_in = SignIn(
        claims.get("sid"), None, tuple(amr or ["pwd"]), tuple(claims.get("acrs") or [])
    )
    refresh = first_refresh_token(req, delegation, sign_in)
    return user_token_response(req, delegation, sign_in, refresh)


def tenant_of(ctx: Context, params: Mapping[str, str]) -> str | None:
    """The user's tenant: the assertion's ``tid`` (read, not trusted: the handler verifies)."""
    tid = peek_claims(params.get("assertion")).get("tid")
    return tid if isinstance(tid, str) else None


GRANT = Grant(GRANT_TYPE, handle, tenant_of=tenant_of)
