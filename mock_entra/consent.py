"""Consent: admin grants from the tenant file plus user grants recorded at run time."""

from __future__ import annotations

from mock_entra.context import Context
from mock_entra.tenant.model import Application, Tenant, User

_FOREVER = 4102444800.0  # 2100-01-01: consent lasts until revoked


def _key(tenant: Tenant, client_id: str, resource: Application, user: User) -> str:
    return f"{tenant.id}|{client_id}|{resource.client_id}|{user.oid}"


def consented_scopes(
    ctx: Context, tenant: Tenant, client_id: str, resource: Application, user: User | None
) -> set[str]:
    scopes = tenant.consented_scopes(client_id, resource, user)
    if user is not None:
        recorded = ctx.store.get("consent", _key(tenant, client_id, resource, user), ctx.now())
        scopes.update((recorded or {}).get("scopes", []))
    return scopes


def grant_user_consent(
    ctx: Context,
    tenant: Tenant,
    client_id: str,
    resource: Application,
    user: User,
    scopes: set[str],
) -> None:
    key = _key(tenant, client_id, resource, user)
    current = set((ctx.store.get("consent", key, ctx.now()) or {}).get("scopes", []))
    ctx.store.put("consent", key, {"scopes": sorted(current | scopes)}, _FOREVER)
