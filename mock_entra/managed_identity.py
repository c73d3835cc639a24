"""Managed identity tokens: which identity a request names, and its token.

Both protocols azure-identity speaks are served: App Service
(``IDENTITY_ENDPOINT`` + ``IDENTITY_HEADER``, api-version 2019-08-01) and IMDS
(``/metadata/identity/oauth2/token``, api-version 2018-02-01).
https://learn.microsoft.com/azure/app-service/overview-managed-identity#rest-endpoint-reference
https://learn.microsoft.com/entra/identity/managed-identities-azure-resources/how-to-use-vm-token
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mock_entra.claims import Subject, mint_access_token
from mock_entra.client_auth.credentials import ClientAcr
from mock_entra.context import Context
from mock_entra.errors import InvalidResource
from mock_entra.tenant.model import ManagedIdentity, Tenant

_SELECTORS = ("client_id", "object_id", "principal_id", "mi_res_id", "msi_res_id")


class IdentityNotFound(LookupError):
    """No managed identity matches the request's selector."""


@dataclass(frozen=True)
class IdentityToken:
    access_token: str
    expires_in: int
    resource: str
    client_id: str


def find_identity(ctx: Context, params: Mapping[str, str]) -> tuple[Tenant, ManagedIdentity]:
    """The identity a request selects; without a selector, the first one (system-assigned)."""
    selector = next(((k, params[k]) for k in _SELECTORS if params.get(k)), None)
    for tenant in ctx.all_tenants():
        for identity in tenant.managed_identities:
            if selector is None:
                return tenant, identity
            key, value = selector
            if value.lower() in (identity.client_id, identity.principal_id) or (
                key in ("mi_res_id", "msi_res_id") and value.rsplit("/", 1)[-1] == identity.name
            ):
                return tenant, identity
    raise IdentityNotFound(
        f"Identity not found: no managed identity matches {selector[0] if selector else 'any'}."
    )


def resource_of(params: Mapping[str, str]) -> str:
    resource = params.get("resource", "")
    if not resource:
        raise IdentityNotFound("Required query variable 'resource' is missing.")
    return resource.removesuffix("/.default")


def identity_token(ctx: Context, params: Mapping[str, str]) -> IdentityToken:
    tenant, identity = find_identity(ctx, params)
    resource_name = resource_of(params)
    resource = tenant.resource_app(resource_name)
    if resource is None:
        raise InvalidResource(
            500011, f"The resource principal named {resource_name[:200]} was not found in the "
            f"tenant named {tenant.display_name or tenant.domain}."
        )  # fmt: skip
    subject = Subject(
        tenant=tenant,
        client_id=identity.client_id,
        resource=resource,
        client_acr=ClientAcr.CERTIFICATE,
        requested_resource=resource_name,
        app_object_id=identity.principal_id,
        extra={
            "xms_mirid": "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/"
            f"mock/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{identity.name}",
        },
    )
    token, expires_in = mint_access_token(ctx, subject, lifetime=24 * 3600)
    return IdentityToken(token, expires_in, resource_name, identity.client_id)


def app_service_body(token: IdentityToken, now: float) -> dict[str, Any]:
    return {
        "access_token": token.access_token,
        "expires_on": str(int(now) + token.expires_in),
        "resource": token.resource,
        "token_type": "Bearer",
        "client_id": token.client_id,
    }


def imds_body(token: IdentityToken, now: float) -> dict[str, Any]:
    return {
        "access_token": token.access_token,
        "client_id": token.client_id,
        "expires_in": str(token.expires_in),
        "expires_on": str(int(now) + token.expires_in),
        "ext_expires_in": str(token.expires_in),
        "not_before": str(int(now)),
        "resource": token.resource,
        "token_type": "Bearer",
    }
