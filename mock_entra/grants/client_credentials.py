"""App-only tokens (RFC 6749 4.4); Entra requires ``<resource>/.default``.

https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow
"""

from __future__ import annotations

from typing import Any

from mock_entra.claims import Subject, mint_access_token
from mock_entra.errors import InvalidScope
from mock_entra.grants.base import Grant
from mock_entra.grants.request import TokenRequest
from mock_entra.scopes import DEFAULT, parse_scopes

GRANT_TYPE = "client_credentials"


def handle(req: TokenRequest) -> dict[str, Any]:
    scope = req.require("scope")
    items = scope.split()
    if len(items) != 1 or not items[0].endswith("/" + DEFAULT):
        raise InvalidScope(
            1002012,
            f"The provided value for scope {scope[:200]} is not valid. Client credential "
            "flows must have a scope value with /.default suffixed to the resource identifier "
            "(application ID URI).",
        )
    requested = parse_scopes(req.tenant, scope, require_resource=True)
    resource = requested.resource
    assert resource is not None  # require_resource guarantees it
    app = req.client.app
    roles = [
        role
        for grant in app.granted_app_roles
        if resource.answers_to(grant.resource)
        for role in grant.roles
        if (r := resource.role(role)) is not None and "Application" in r.allowed_member_types
    ]
    subject = Subject(
        tenant=req.tenant,
        client_id=app.client_id,
        resource=resource,
        roles=tuple(roles),
        client_acr=req.client.acr,
        requested_resource=items[0].rpartition("/")[0],
    )
    token, expires_in = mint_access_token(req.ctx, subject)
    return {
        "token_type": "Bearer",
        "expires_in": expires_in,
        "ext_expires_in": expires_in,
        "access_token": token,
    }


GRANT = Grant(GRANT_TYPE, handle)
