"""What every grant shares: the parsed request, consent checks, and the token response."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mock_entra.claims import (
    Subject,
    client_info,
    id_token_claims,
    mint_access_token,
    mint_id_token,
)
from mock_entra.client_auth import AuthenticatedClient
from mock_entra.consent import consented_scopes
from mock_entra.context import Context
from mock_entra.errors import InvalidGrant, InvalidRequest
from mock_entra.scopes import RequestedScopes, granted_delegated, response_scope
from mock_entra.tenant.model import Application, Tenant, User

RT_PREFIX = "1.A"


@dataclass(frozen=True)
class TokenRequest:
    ctx: Context
    tenant: Tenant
    client: AuthenticatedClient
    params: Mapping[str, str]
    v1: bool = False  # legacy /oauth2/token endpoint

    def require(self, name: str) -> str:
        value = self.params.get(name)
        if not value:
            raise InvalidRequest(
                900144, f"The request body must contain the following parameter: '{name}'."
            )
        return value


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


def delegated_grant(
    req: TokenRequest, scopes: RequestedScopes, user: User
) -> tuple[Application, tuple[str, ...]]:
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
    return resource, granted


def issue_refresh_token(
    ctx: Context,
    tenant: Tenant,
    client_id: str,
    user: User,
    *,
    family: str,
    session: dict[str, Any],
) -> str:
    token = RT_PREFIX + secrets.token_urlsafe(96)
    value = {
        "tenant": tenant.id,
        "client_id": client_id,
        "user": user.oid,
        "family": family,
        "revoked": False,
        **session,
    }
    ctx.store.put("rt", token, value, ctx.now() + tenant.lifetimes.refresh_token)
    return token


def user_token_response(
    req: TokenRequest,
    *,
    user: User,
    scopes: RequestedScopes,
    resource: Application,
    granted: tuple[str, ...],
    session: dict[str, Any],
    family: str | None = None,
    nonce: str | None = None,
) -> dict[str, Any]:
    """Access token (+ ID token, refresh token, client_info) for a signed-in user."""
    ctx, tenant, client = req.ctx, req.tenant, req.client
    subject = Subject(
        tenant=tenant,
        client_id=client.app.client_id,
        resource=resource,
        user=user,
        scopes=granted,
        roles=tuple(r.role for r in user.app_roles if resource.answers_to(r.app)),
        amr=tuple(session.get("amr", ["pwd"])),
        client_acr=client.acr,
        requested_resource=_requested_resource(scopes, resource),
        sid=session.get("sid"),
        acrs=tuple(session.get("acrs", [])),
    )
    access_token, expires_in = mint_access_token(ctx, subject)
    body: dict[str, Any] = {
        "token_type": "Bearer",
        "scope": response_scope(scopes, granted),
        "expires_in": expires_in,
        "ext_expires_in": expires_in,
        "access_token": access_token,
    }
    if scopes.wants_refresh_token or family:
        body["refresh_token"] = issue_refresh_token(
            ctx,
            tenant,
            client.app.client_id,
            user,
            family=family or secrets.token_hex(16),
            session=session,
        )
    if scopes.wants_id_token:
        claims = id_token_claims(
            ctx,
            tenant,
            client.app.client_id,
            user,
            ctx.now(),
            nonce=nonce,
            sid=session.get("sid"),
            auth_time=session.get("auth_time"),
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
