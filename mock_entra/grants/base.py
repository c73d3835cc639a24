"""What a grant declares: its type, whether public clients may use it, its checks, its handler.

authlib's ``BaseGrant`` subclasses (``GRANT_TYPE``, ``TOKEN_ENDPOINT_AUTH_METHODS``,
``validate_token_request``, ``create_token_response``) are the model, as data: the
token endpoint looks the grant up and runs it, knowing nothing of any one grant.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from mock_entra.context import Context
from mock_entra.grants.request import TokenRequest
from mock_entra.tenant.model import Tenant

Precheck = Callable[[Context, Tenant, Mapping[str, str]], None]
Handler = Callable[[TokenRequest], dict[str, Any]]
ScopeOf = Callable[[Context, Mapping[str, str]], str | None]
# The tenant the request's grant material (a code, a refresh token ...) belongs to.
TenantOf = Callable[[Context, Mapping[str, str]], str | None]


def no_precheck(ctx: Context, tenant: Tenant, params: Mapping[str, str]) -> None:
    """Most grants check everything once the client is known."""


def scope_parameter(ctx: Context, params: Mapping[str, str]) -> str | None:
    """Most grants issue for the ``scope`` they are sent."""
    return params.get("scope")


def no_tenant(ctx: Context, params: Mapping[str, str]) -> str | None:
    """Nothing in the request names a tenant: the client's home tenant serves it."""
    return None


@dataclass(frozen=True)
class Grant:
    grant_type: str
    handle: Handler
    # May a public client (an app with no credential) use it? Entra: code, refresh, device code.
    public_clients: bool = False
    # Checks that run before client authentication, so their answer comes first.
    precheck: Precheck = no_precheck
    # The scopes it will issue for, read without using anything up (the ``resource`` check).
    scope_of: ScopeOf = scope_parameter
    # Through /organizations or /common, the tenant comes from what the request redeems.
    tenant_of: TenantOf = no_tenant
