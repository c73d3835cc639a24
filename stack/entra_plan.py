"""What ``export-entra`` recreates in a real tenant, decided from the tenant file.

``plan(tenant)``: each app registration of ours (``stack.entra_registration``), the
admin consent to grant as the mock's consent grants hold it, the app role assignments,
the managed identities, and in ``Plan.refused`` whatever the file holds that a real
tenant cannot take from it, with what to do instead. ``stack.entra_script`` renders the
plan as bash.
"""

from __future__ import annotations

from entra_kit.microsoft_apps import GRAPH_APP_ID
from mock_entra.tenant import Tenant
from stack.entra_model import (
    OIDC_SCOPE_IDS,
    AppPlan,
    DelegatedGrant,
    IdentityPlan,
    Plan,
    Ref,
    RoleGrant,
    Text,
    app_var,
    identity_var,
)
from stack.entra_registration import Registrations


def _grants(b: Registrations, apps: dict[str, AppPlan]) -> list[DelegatedGrant]:
    """Admin consent as the mock's ``consent_grants`` (principal ``all``) hold it.

    The OpenID Connect scopes a client asks Graph for are consented with it: the mock needs
    no consent for them, a real tenant that restricts user consent does.
    """
    grants: list[DelegatedGrant] = []
    seen: dict[tuple[str, str], list[str]] = {}
    for grant in b.tenant.consent_grants:
        client, resource = b.tenant.app(grant.client), b.tenant.resource_app(grant.resource)
        if client is None or resource is None or client.client_id not in apps:
            continue
        if grant.principal != "all":
            b.refuse(
                f"{client.name}: the consent of one user ({grant.principal}) to {resource.name} "
                "is not exported: that user is not in your tenant. Users consent at first sign-in."
            )
            continue
        seen.setdefault((client.client_id, resource.client_id), []).extend(grant.scopes)
    for app in b.ours:
        oidc = [s for a in app.required_resource_access if b.tenant.resource_app(a.resource)
                and b.tenant.resource_app(a.resource).client_id == GRAPH_APP_ID  # type: ignore[union-attr]
                for s in a.scopes if s in OIDC_SCOPE_IDS]  # fmt: skip
        if oidc:
            seen.setdefault((app.client_id, GRAPH_APP_ID), []).extend(oidc)
    for (client_id, resource_id), scopes in seen.items():
        resource = b.tenant.app(resource_id)
        if resource is None:
            continue
        grants.append(DelegatedGrant(apps[client_id], b.principal(resource),
                                     tuple(dict.fromkeys(scopes))))  # fmt: skip
    return grants


def _role_grants(b: Registrations, apps: dict[str, AppPlan]) -> list[RoleGrant]:
    """Application permissions (``granted_app_roles``): app role assignments, not consent grants."""
    grants = []
    for app in b.ours:
        for access in app.granted_app_roles:
            resource = b.tenant.resource_app(access.resource)
            if resource is None:
                continue  # already refused by required_access
            for value in access.roles:
                role = resource.role(value)
                if role is not None:
                    grants.append(
                        RoleGrant(apps[app.client_id], b.principal(resource), role.id, value)
                    )
    return grants


def _tenant_refusals(b: Registrations, others: int) -> None:
    t = b.tenant
    if t.users or t.groups:
        b.refuse(
            f"{len(t.users)} users and {len(t.groups)} groups are not exported: sign in with "
            "users of your tenant (their passwords and MFA are your tenant's)."
        )
    if any(u.app_roles for u in t.users):
        b.refuse("user app-role assignments are not exported: assign them in Enterprise "
                 "applications > <app> > Users and groups.")  # fmt: skip
    if t.mfa_policies:
        b.refuse(f"{len(t.mfa_policies)} MFA policies are not exported: they are Conditional "
                 "Access policies in Entra (Protection > Conditional Access).")  # fmt: skip
    if others:
        b.refuse(f"{others} other tenants of the file are not exported (one tenant per run; "
                 "choose with --tenant).")  # fmt: skip


def _env(b: Registrations, apps: list[AppPlan]) -> list[tuple[str, Text]]:
    env: list[tuple[str, Text]] = []
    if b.api_app is not None:
        uris = (
            b.identifier_uris(b.api_app)
            if b.api_app.identifier_uris
            else [Ref(app_var(b.api_app), "api://")]
        )
        env.append(("BACKEND_APP_ID_URI", uris[0]))
    linked = [f["subject"] for a in apps for f in a.federated if isinstance(f["subject"], Ref)]
    if linked:
        env.append(
            (
                "MANAGED_IDENTITY_CLIENT_ID",
                Ref(linked[0].var.replace("_PRINCIPAL_ID", "_CLIENT_ID")),
            )
        )
    elif b.tenant.managed_identities:
        first = identity_var(b.tenant.managed_identities[0].name)
        env.append(("MANAGED_IDENTITY_CLIENT_ID", Ref(first + "_CLIENT_ID")))
    return env


def plan(tenant: Tenant, other_tenants: int = 0) -> Plan:
    b = Registrations(tenant)
    apps = [b.app_plan(app) for app in b.ours]
    by_id = {app.client_id: plan for app, plan in zip(b.ours, apps, strict=True)}
    for app in b.ours:
        b.principal(app)
    delegated, roles = _grants(b, by_id), _role_grants(b, by_id)
    _tenant_refusals(b, other_tenants)
    identities = [IdentityPlan(m.name, identity_var(m.name)) for m in tenant.managed_identities]
    return Plan(tenant, identities, apps, list(b.principals.values()), delegated, roles,
                _env(b, apps), list(dict.fromkeys(b.refused)))  # fmt: skip
