"""What the grants that act for a signed-in user share: consent, and the token response."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from entra_kit.microsoft_apps import GRAPH_APP_ID
from mock_entra.claims import (
    Subject,
    client_info,
    id_token_claims,
    mint_access_token,
    mint_id_token,
    public_sid,
)
from mock_entra.consent import consented_scopes
from mock_entra.errors import InvalidGrant
from mock_entra.grants.request import TokenRequest
from mock_entra.policies import interactive_amr
from mock_entra.records.refresh_tokens import RefreshToken, SignIn
from mock_entra.scopes import RequestedScopes, granted_delegated, response_scope
from mock_entra.tenant.application import Application
from mock_entra.tenant.model import User


def malformed_grant() -> InvalidGrant:
    """AADSTS9002313: a code or refresh token that is not one the platform issued."""
    return InvalidGrant(9002313, "Invalid request. Request is malformed or invalid.")


def consent_required(client: Application, resource: Application, missing: set[str]) -> InvalidGrant:
    err = InvalidGrant(
        65001,
        f"The user or administrator has not consented to use the application with ID "
        f"'{client.client_id}' named '{client.name}'. Send an interactive authorization request "
        f"for this user and resource. Missing: {' '.join(sorted(missing))} on "
        f"{resource.primary_resource_uri}.",
    )
    err.suberror = "consent_required"
    return err


@dataclass(frozen=True)
class Delegation:
    """A user, the resource, and the scopes the user may give the client on it."""

    user: User
    scopes: RequestedScopes
    resource: Application
    granted: tuple[str, ...]


def delegated_grant(req: TokenRequest, scopes: RequestedScopes, user: User) -> Delegation:
    """The resource and the scopes the user may give this client; 65001 if not consented."""
    resource = scopes.resource
    if resource is None:
        raise InvalidGrant(
            70011, "The provided value for the input parameter 'scope' is not valid."
        )
    consented = consented_scopes(req.ctx, req.tenant, req.client.app.client_id, resource, user)
    granted = granted_delegated(req.tenant, req.client.app.client_id, scopes, consented)
    missing = set(granted) - consented
    if scopes.is_default and not granted:
        # .default means "what was consented"; nothing consented is not an empty token.
        missing = {".default"}
    if missing:
        raise consent_required(req.client.app, resource, missing)
    return Delegation(user, scopes, resource, granted)


def interactive_sign_in(
    req: TokenRequest, delegation: Delegation, session: SignIn, claims: str | None
) -> SignIn:
    """The interactive sign-in behind a code or a device code, as its tokens state it.

    ``session`` carries the browser session's id (the cookie's, made public here), time
    and methods. The mock's sign-in page stands for whatever the request's ``claims``
    challenge asked, and for the MFA a policy on the resource wants.
    """
    amr, acrs = interactive_amr(claims, list(session.amr) or ["pwd"])
    client_id = req.client.app.client_id
    if any(
        p.applies(delegation.resource, delegation.user, client_id) for p in req.tenant.mfa_policies
    ):
        amr = sorted({*amr, "mfa"})
    return SignIn(public_sid(session.sid), session.auth_time, tuple(amr), tuple(acrs))


def first_refresh_token(
    req: TokenRequest, delegation: Delegation, sign_in: SignIn, family: str | None = None
) -> RefreshToken | None:
    """A new refresh token when the client asked for one (``offline_access``)."""
    if not delegation.scopes.wants_refresh_token:
        return None
    return RefreshToken.first(
        tenant=req.tenant.id,
        client_id=req.client.app.client_id,
        user=delegation.user.oid,
        sign_in=sign_in,
        family=family or RefreshToken.new_family(),
    )


def token_scopes(delegation: Delegation) -> tuple[str, ...]:
    """``scp``: the granted scopes; a Microsoft Graph token also names the OIDC ones asked for.

    ``openid``, ``profile`` and ``email`` are Microsoft Graph's delegated permissions, and
    Graph's UserInfo endpoint requires ``openid`` in the token (userinfo doc,
    "Permissions"); ``offline_access`` asks for a refresh token, not for Graph.
    """
    if delegation.resource.client_id != GRAPH_APP_ID:
        return delegation.granted
    oidc = delegation.scopes.oidc
    first = tuple(s for s in ("openid", "profile") if s in oidc)
    return (*first, *delegation.granted, *(("email",) if "email" in oidc else ()))


def _access_token(req: TokenRequest, delegation: Delegation, sign_in: SignIn) -> tuple[str, int]:
    user, resource = delegation.user, delegation.resource
    subject = Subject(
        tenant=req.tenant,
        client_id=req.client.app.client_id,
        resource=resource,
        user=user,
        scopes=token_scopes(delegation),
        roles=tuple(r.role for r in user.app_roles if resource.answers_to(r.app)),
        amr=sign_in.amr,
        client_acr=req.client.acr,
        requested_resource=_requested_resource(delegation.scopes, resource),
        sid=sign_in.sid,
        acrs=sign_in.acrs,
    )
    return mint_access_token(req.ctx, subject)


def user_token_response(
    req: TokenRequest,
    delegation: Delegation,
    sign_in: SignIn,
    refresh: RefreshToken | None,
    nonce: str | None = None,
) -> dict[str, Any]:
    """Access token (+ ID token, ``refresh`` saved and sent, client_info) for a signed-in user."""
    ctx, tenant, scopes, user = req.ctx, req.tenant, delegation.scopes, delegation.user
    access_token, expires_in = _access_token(req, delegation, sign_in)
    body: dict[str, Any] = {
        "token_type": "Bearer",
        "scope": response_scope(scopes, delegation.granted),
        "expires_in": expires_in,
        "ext_expires_in": expires_in,
        "access_token": access_token,
    }
    if refresh is not None:
        refresh.save(ctx.store, ctx.now() + tenant.lifetimes.refresh_token)
        body["refresh_token"] = refresh.key
    if scopes.wants_id_token:
        claims = id_token_claims(
            ctx,
            tenant,
            req.client.app.client_id,
            user,
            ctx.now(),
            nonce=nonce,
            sid=sign_in.sid,
            auth_time=sign_in.auth_time,
            email="email" in scopes.oidc,
        )
        body["id_token"] = mint_id_token(ctx, claims, tenant)
    if req.params.get("client_info") == "1":
        body["client_info"] = client_info(user, tenant)
    return body


def _requested_resource(scopes: RequestedScopes, resource: Application) -> str:
    if scopes.raw_resource_items:
        item = scopes.raw_resource_items[0]
        if "/" in item:
            return item.rpartition("/")[0]
    return resource.primary_resource_uri
