"""The token endpoint, free of HTTP: grant, prechecks, client authentication, handler.

https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow#redeem-a-code-for-an-access-token
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mock_entra.client_auth.methods import authenticate
from mock_entra.context import Context
from mock_entra.grants.registry import grant_for
from mock_entra.grants.request import TokenRequest, token_parameters
from mock_entra.resource_indicator import check_resource
from mock_entra.tenant.model import Tenant


def token_response(
    ctx: Context,
    tenant: Tenant,
    form: Mapping[str, str],
    authorization: str | None,
    *,
    v1: bool,
) -> dict[str, Any]:
    """The token response body for a parsed form; an ``OAuthError`` for any refusal.

    The v2 endpoint holds a ``resource`` to Entra's rule (``resource_indicator``) once
    the client is known and before the grant uses up its code or refresh token.
    """
    grant = grant_for(form.get("grant_type"))
    params = token_parameters(form, v1=v1)
    grant.precheck(ctx, tenant, params)
    path = "oauth2/token" if v1 else "oauth2/v2.0/token"
    client = authenticate(
        ctx,
        tenant,
        params,
        authorization,
        token_endpoint=ctx.endpoint(tenant.id, path),
        allow_public=grant.public_clients,
    )
    if not v1:
        check_resource(tenant, params.get("resource"), grant.scope_of(ctx, params))
    return grant.handle(TokenRequest(ctx, tenant, client, params, v1=v1))
