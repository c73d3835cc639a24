"""Consent: admin grants from the tenant file plus user grants recorded at run time."""

from __future__ import annotations

from mock_entra.context import Context
from mock_entra.records.consents import UserConsent
from mock_entra.tenant.application import Application
from mock_entra.tenant.model import Tenant, User


def _key(tenant: Tenant, client_id: str, resource: Application, user: User) -> str:
    return UserConsent.key_for(tenant.id, client_id, resource.client_id, user.oid)


def consented_scopes(
    ctx: Context, tenant: Tenant, client_id: str, resource: Application, user: User | None
) -> set[str]:
    scopes = tenant.consented_scopes(client_id, resource, user)
    if user is not None:
        scopes.update(
            UserConsent.scopes_of(ctx.store, _key(tenant, client_id, resource, user), ctx.now())
        )
    return scopes


def grant_user_consent(
    ctx: Context,
    tenant: Tenant,
    client_id: str,
    resource: Application,
    user: User,
    scopes: set[str],
) -> None:
    UserConsent.add(ctx.store, _key(tenant, client_id, resource, user), scopes, ctx.now())
