"""The multi-tenant authorities: ``/common``, ``/organizations`` and ``/consumers``.

An app whose sign-in audience is multi-tenant (``AzureADMultipleOrgs``) signs in users
of any organization through ``/organizations`` (or ``/common``); the tenant is the
user's home tenant, known once they signed in, and every token says so in ``tid`` and
``iss``. The alias documents name their issuer with the literal template
``{tenantid}``. Here the aliases span the tenants of the tenant file (runtime tenants
are for one test each, and stay out).
https://learn.microsoft.com/entra/identity-platform/v2-protocols#endpoints
https://learn.microsoft.com/entra/identity-platform/howto-convert-app-to-be-multi-tenant

Refusals (reference-error-codes): a single-tenant app through ``/common`` or
``/organizations`` is AADSTS50194; every app here signs in Entra (work or school)
accounts only, and the mock has no personal accounts, so ``/consumers`` is AADSTS9002332
for all of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from mock_entra.authorize.flow import resolve_user
from mock_entra.context import Context
from mock_entra.errors import InvalidRequest, unknown_client
from mock_entra.tenant.application import Application
from mock_entra.tenant.model import Tenant, User

COMMON, ORGANIZATIONS, CONSUMERS = "common", "organizations", "consumers"
ALIASES = frozenset({COMMON, ORGANIZATIONS, CONSUMERS})
# The personal-accounts tenant: the issuer of /consumers' discovery document.
CONSUMERS_TENANT_ID = "9188040d-6c67-4c5b-b112-36a304b66dad"
TENANT_ID_TEMPLATE = "{tenantid}"


def alias(segment: str) -> str | None:
    """``common``, ``organizations`` or ``consumers`` when the path names one (any case)."""
    lowered = segment.lower()
    return lowered if lowered in ALIASES else None


def issuer_tenant(name: str) -> str:
    """What stands for the tenant in an alias document's ``issuer``."""
    return CONSUMERS_TENANT_ID if name == CONSUMERS else TENANT_ID_TEMPLATE


@dataclass(frozen=True)
class Registration:
    """A multi-tenant app and the tenant it is registered in."""

    home: Tenant
    app: Application


def registration(ctx: Context, name: str, client_id: str) -> Registration:
    """The app a request through the alias ``name`` names, if the alias may serve it."""
    home = ctx.directory.home(client_id.lower())
    app = home.app(client_id.lower()) if home else None
    if home is None or app is None:
        raise unknown_client(client_id, name)
    if name == CONSUMERS:
        raise InvalidRequest(
            9002332,
            f"Application '{app.client_id}'({app.name}) is configured for use by Azure Active "
            "Directory users only. Please do not use the /consumers endpoint to serve this "
            "request.",
        )
    if not app.multi_tenant:
        raise InvalidRequest(
            50194,
            f"Application '{app.client_id}'({app.name}) is not configured as a multi-tenant "
            "application. Usage of the /common endpoint is not supported for such applications "
            "created after '10/15/2018'. Use a tenant-specific endpoint or configure the "
            "application to be multi-tenant.",
        )
    return Registration(ctx.tenant(home.id), app)


def user_anywhere(ctx: Context, username: str) -> tuple[Tenant, User] | None:
    """A user of any tenant of the file: by UPN, oid or short name (the first tenant's wins)."""
    for tenant in ctx.directory.tenants:
        user = resolve_user(tenant, username)
        if user is not None:
            return ctx.tenant(tenant.id), user
    return None
