"""Microsoft Graph's OIDC UserInfo answer, and the checks on the Graph token that asks for it.

"UserInfo is a standard OAuth bearer token API hosted by Microsoft Graph": a delegated
Graph access token whose ``scp`` has ``openid`` (required); ``profile`` adds the names
and the picture, ``email`` the email; ``sub`` is the ID token's (pairwise, per app).
https://learn.microsoft.com/entra/identity-platform/userinfo

The mock answers its discovery's ``userinfo_endpoint`` (``<base>/graph/oidc/userinfo``)
itself, since it must answer wherever the mock runs alone; the lab's fake Graph serves
the same answer at its own ``/oidc/userinfo`` (``fake_downstream.graph``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from entra_kit.jose import MalformedJwt, graph_signed_form, peek_jwt
from entra_kit.microsoft_apps import GRAPH_APP_ID, GRAPH_RESOURCE
from mock_entra.claims import pairwise_sub
from mock_entra.context import Context
from mock_entra.jwt import verify_rs256
from mock_entra.tenant.model import Tenant, User

LEEWAY = 300
PICTURE = "https://graph.microsoft.com/v1.0/me/photo/$value"


def userinfo_claims(user: User, tenant_id: str, client_id: str, scopes: set[str]) -> dict[str, Any]:
    """The UserInfo response for ``user``, as the token's ``scopes`` allow."""
    body: dict[str, Any] = {"sub": pairwise_sub(tenant_id, client_id, user.oid)}
    if "profile" in scopes:
        body.update(
            name=user.display_name,
            family_name=user.surname or None,
            given_name=user.given_name or None,
            picture=PICTURE,
        )
    if "email" in scopes:
        body["email"] = user.mail or user.upn
    return {k: v for k, v in body.items() if v is not None}


@dataclass
class Refused(Exception):
    """Graph's 401 (or 403): ``code`` and ``message`` go into its error body."""

    status: int
    code: str
    message: str


# What Graph's 401 carries with its error body.
GRAPH_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="", error="invalid_token"'}


def graph_error(code: str, message: str, now: datetime) -> dict[str, Any]:
    """Microsoft Graph's error body: ``code``, ``message`` and ``innerError`` with the date
    and a request id (https://learn.microsoft.com/graph/errors)."""
    inner = {"date": now.strftime("%Y-%m-%dT%H:%M:%S"), "request-id": str(uuid.uuid4())}
    return {"error": {"code": code, "message": message, "innerError": inner}}


def _signed_by_tenant(ctx: Context, tenant: Tenant, header: dict[str, Any], token: str) -> bool:
    key = ctx.ring(tenant.id).find(str(header.get("kid")), ctx.now())
    return (
        header.get("alg") == "RS256"
        and key is not None
        and verify_rs256(graph_signed_form(token), key.verify_key)
    )


def check_graph_token(ctx: Context, token: str) -> tuple[Tenant, dict[str, Any]]:
    """The tenant and claims of a valid delegated Graph token with ``openid``; else ``Refused``."""
    try:
        header, claims = peek_jwt(token)
    except MalformedJwt:
        raise Refused(
            401, "InvalidAuthenticationToken", "IDX14100: JWT is not well formed."
        ) from None
    tid = str(claims.get("tid", ""))
    tenant = ctx.directory.view(tid) or ctx.controls.runtime_tenant(tid)
    now, exp = ctx.now(), claims.get("exp")
    if (
        tenant is None
        or claims.get("iss") != ctx.issuer_v1(tenant.id)
        or claims.get("aud") not in (GRAPH_RESOURCE, GRAPH_APP_ID)
        or not isinstance(exp, (int, float))
        or exp + LEEWAY < now
        or not _signed_by_tenant(ctx, tenant, header, token)
    ):
        raise Refused(401, "InvalidAuthenticationToken", "Access token validation failure.")
    if "openid" not in str(claims.get("scp", "")).split():
        raise Refused(403, "Authorization_RequestDenied", "The token lacks the openid scope.")
    return tenant, claims
