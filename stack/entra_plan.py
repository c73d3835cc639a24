"""What ``export-entra`` recreates in a real tenant, decided from the tenant file (no shell here).

Each app registration of ours becomes the Microsoft Graph application body that describes
it (https://learn.microsoft.com/graph/api/resources/application), set in one PATCH, so a
second run sets the same values again and changes nothing. Permission ids come from the
tenant file itself (and, for the OpenID Connect scopes, from Graph's published ids), never
from a lookup at run time. Whatever the file holds that a real tenant cannot take from it
is listed in ``Plan.refused`` with what to do instead. ``stack.entra_script`` renders the
plan as bash.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from mock_entra.tenant import Application, Tenant
from mock_entra.tenant.model import FederatedCredential, ResourceAccess

GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"

# Microsoft's own apps: present in every tenant (or added by ``az ad sp create --id``),
# referenced by app id, never created. Ids: https://learn.microsoft.com/troubleshoot/entra/
# entra-id/governance/verify-first-party-apps-sign-in
FIRST_PARTY = {
    GRAPH_APP_ID: "Microsoft Graph",
    "880da380-985e-4198-81b9-e05b1cc53158": "Azure AI Search",
    "fb60f99c-7a34-4190-8149-302f77469936": "AAD Token Exchange",
    "cfa8b339-82a2-471a-a3c9-0fc0be7a4093": "Azure Key Vault",
    "e406a681-f3d4-42a8-90b6-c2b029497af1": "Azure Storage",
    "797f4846-ba00-4fd7-ba43-dac1f8f63013": "Azure Service Management",
}

# Graph's delegated OpenID Connect permissions. MSAL always asks for openid, profile and
# offline_access, so they are requested and consented like any other scope; otherwise a
# tenant that restricts user consent shows "Need admin approval". Ids from
# https://learn.microsoft.com/graph/permissions-reference
OIDC_SCOPE_IDS = {
    "openid": "37f7f235-527c-4136-accd-4a02d197296e",
    "profile": "14dad69e-099b-42c9-810b-d002981feec1",
    "email": "64a6cdd6-aab1-4aaf-94b8-3cc8405e90d0",
    "offline_access": "7427e0e9-2fba-42fe-b0c0-848c9e6a8182",
}
LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class Ref:
    """A shell variable the script learns at run time, inside ``prefix`` and ``suffix``."""

    var: str
    prefix: str = ""
    suffix: str = ""


Text = str | Ref


@dataclass(frozen=True)
class AppPlan:
    name: str
    var: str  # APP_<NAME>: the real app (client) id
    sign_in_audience: str
    body: dict[str, Any]  # the Graph application PATCH body (values may be Refs)
    id_env: str  # where .env.entra keeps the app id
    secret_env: str | None  # where .env.entra keeps its client secret; None: no secret
    federated: list[dict[str, Any]] = field(default_factory=list)

    @property
    def sp_var(self) -> str:
        return "SP_" + self.var.removeprefix("APP_")


@dataclass(frozen=True)
class Principal:
    """A service principal the consent step needs: ours, or one of Microsoft's."""

    name: str
    app_id: Text
    var: str  # SP_<NAME>: its object id


@dataclass(frozen=True)
class DelegatedGrant:
    client: AppPlan
    resource: Principal
    scopes: tuple[str, ...]


@dataclass(frozen=True)
class RoleGrant:
    client: AppPlan
    resource: Principal
    role_id: str
    role: str


@dataclass(frozen=True)
class IdentityPlan:
    name: str
    var: str  # MI_<NAME>; the script sets <var>_CLIENT_ID and <var>_PRINCIPAL_ID


@dataclass
class Plan:
    tenant: Tenant
    identities: list[IdentityPlan]
    apps: list[AppPlan]
    principals: list[Principal]
    delegated: list[DelegatedGrant]
    roles: list[RoleGrant]
    env: list[tuple[str, Text]]  # what .env.entra needs besides app ids and secrets
    refused: list[str]


def shell_name(text: str) -> str:
    return re.sub(r"[^A-Z0-9]+", "_", text.upper()).strip("_")


def app_var(app: Application) -> str:
    return "APP_" + shell_name(app.name)


def is_ours(app: Application) -> bool:
    return app.client_id not in FIRST_PARTY


class _Builder:
    """Plans one tenant; ``refuse`` records what cannot be exported, in words a person acts on."""

    def __init__(self, tenant: Tenant) -> None:
        self.tenant = tenant
        self.ours = [a for a in tenant.applications if is_ours(a)]
        self.refused: list[str] = []
        self.principals: dict[str, Principal] = {}
        self.web_app = next((a for a in self.ours if a.redirect_uris and not a.public_client), None)
        self.api_app = next((a for a in self.ours if a.scopes), None)

    def refuse(self, text: str) -> None:
        self.refused.append(text)

    # -- resources and their permission ids -----------------------------------------
    def principal(self, app: Application) -> Principal:
        key = app.client_id
        if key not in self.principals:
            app_id: Text = app.client_id if not is_ours(app) else Ref(app_var(app))
            self.principals[key] = Principal(app.name, app_id, "SP_" + shell_name(app.name))
        return self.principals[key]

    def resource(self, app: Application, name: str) -> Application | None:
        found = self.tenant.resource_app(name)
        if found is None:
            self.refuse(
                f"{app.name}: permissions on {name!r} are not exported: that resource is not in "
                "the tenant file, so the ids of its permissions are unknown. Add it under "
                "applications (client_id, identifier_uris, scopes with their ids), or add the "
                "permission in the portal (App registrations > API permissions)."
            )
        return found

    def scope_id(self, app: Application, resource: Application, value: str) -> str | None:
        if resource.client_id == GRAPH_APP_ID and value in OIDC_SCOPE_IDS:
            return OIDC_SCOPE_IDS[value]
        scope = resource.scope(value)
        if scope is None:
            self.refuse(
                f"{app.name}: scope {value!r} of {resource.name} is not exported: the tenant "
                f"file lists no id for it (add it to {resource.name}'s scopes with its id)."
            )
            return None
        return scope.id

    def role_id(self, app: Application, resource: Application, value: str) -> str | None:
        role = resource.role(value)
        if role is None:
            self.refuse(
                f"{app.name}: app role {value!r} of {resource.name} is not exported: the "
                f"tenant file lists no id for it (add it to {resource.name}'s app_roles)."
            )
            return None
        return role.id

    def required_access(self, app: Application) -> list[dict[str, Any]]:
        """``requiredResourceAccess``: one entry per resource, scopes then roles, by id."""
        merged: dict[str, tuple[Application, list[dict[str, str]]]] = {}
        wanted: list[ResourceAccess] = [*app.required_resource_access, *app.granted_app_roles]
        for access in wanted:
            resource = self.resource(app, access.resource)
            if resource is None:
                continue
            entry = merged.setdefault(resource.client_id, (resource, []))[1]
            for value in access.scopes:
                sid = self.scope_id(app, resource, value)
                if sid and {"id": sid, "type": "Scope"} not in entry:
                    entry.append({"id": sid, "type": "Scope"})
            for value in access.roles:
                rid = self.role_id(app, resource, value)
                if rid and {"id": rid, "type": "Role"} not in entry:
                    entry.append({"id": rid, "type": "Role"})
        return [
            {"resourceAppId": self.principal(res).app_id, "resourceAccess": entry}
            for res, entry in merged.values()
            if entry
        ]

    # -- one app registration -----------------------------------------------------------
    def identifier_uris(self, app: Application) -> list[Text]:
        """``api://<mock client id>[/x]`` becomes ``api://<real app id>[/x]``.

        Entra takes other URIs only on a verified domain of the tenant (default app
        management policy), so those are replaced by the ``api://<app id>`` form.
        """
        uris: list[Text] = []
        for uri in app.identifier_uris:
            mine = f"api://{app.client_id}"
            if uri == mine or uri.startswith(mine + "/"):
                uris.append(Ref(app_var(app), "api://", uri.removeprefix(mine)))
            else:
                self.refuse(
                    f"{app.name}: identifier URI {uri!r} is replaced by api://<new app id>: "
                    "Entra accepts other URIs only on a verified domain of your tenant. "
                    "Add it by hand if you own that domain."
                )
                if Ref(app_var(app), "api://") not in uris:
                    uris.append(Ref(app_var(app), "api://"))
        return uris

    def api(self, app: Application) -> dict[str, Any]:
        """``api``: one object, so its token version and scopes are always set together."""
        scopes = [
            {"id": s.id, "value": s.value, "isEnabled": True,
             "type": "Admin" if s.admin_consent_required else "User",
             "adminConsentDisplayName": s.description or s.value,
             "adminConsentDescription": s.description or s.value,
             "userConsentDisplayName": s.description or s.value,
             "userConsentDescription": s.description or s.value}
            for s in app.scopes
        ]  # fmt: skip
        return {
            "requestedAccessTokenVersion": app.requested_access_token_version,
            "oauth2PermissionScopes": scopes,
        }

    def redirects(self, app: Application) -> dict[str, Any]:
        """Redirect URIs, post-logout URLs among them.

        Entra redirects after sign-out only to a registered redirect URI
        (https://learn.microsoft.com/entra/identity-platform/v2-protocols-oidc#send-a-sign-out-request),
        so the post-logout URLs are registered as redirect URIs too.
        """
        uris = list(dict.fromkeys([*app.redirect_uris, *app.post_logout_redirect_uris]))
        web = [] if app.public_client else uris
        return {
            "isFallbackPublicClient": app.public_client,
            "publicClient": {"redirectUris": uris if app.public_client else []},
            "web": {
                "redirectUris": web,
                "implicitGrantSettings": {
                    "enableAccessTokenIssuance": app.implicit_grant_access_tokens,
                    "enableIdTokenIssuance": False,
                },
            },
        }

    def body(self, app: Application) -> dict[str, Any]:
        roles = [
            {"id": r.id, "value": r.value, "allowedMemberTypes": r.allowed_member_types,
             "displayName": r.value, "description": r.description or r.value, "isEnabled": True}
            for r in app.app_roles
        ]  # fmt: skip
        # The tenant file's optional claims are access-token claims (idtyp is one):
        # https://learn.microsoft.com/entra/identity-platform/optional-claims-reference
        claims = [{"name": c, "essential": False} for c in app.optional_claims]
        return {
            "signInAudience": app.sign_in_audience,
            "identifierUris": self.identifier_uris(app),
            "api": self.api(app),
            "appRoles": roles,
            **self.redirects(app),
            "optionalClaims": {"accessToken": claims, "idToken": [], "saml2Token": []},
            "groupMembershipClaims": app.group_membership_claims,
            "requiredResourceAccess": self.required_access(app),
        }

    def federated(self, app: Application) -> list[dict[str, Any]]:
        bodies = []
        for fic in app.federated_credentials:
            issuer = self.fic_issuer(app, fic)
            if issuer is not None:
                bodies.append({
                    "name": fic.name, "issuer": issuer, "subject": self.fic_subject(fic),
                    "audiences": fic.audiences, "description": "exported from the mock tenant",
                })  # fmt: skip
        return bodies

    def fic_issuer(self, app: Application, fic: FederatedCredential) -> Text | None:
        """The mock's issuer templates become this tenant's issuers; other issuers are kept."""
        if fic.issuer == "{issuer_v2}":
            return Ref("TENANT_ID", "https://login.microsoftonline.com/", "/v2.0")
        if fic.issuer == "{issuer_v1}":
            return Ref("TENANT_ID", "https://sts.windows.net/", "/")
        if "{" in fic.issuer or (urlsplit(fic.issuer).hostname or "") in LOOPBACK:
            self.refuse(
                f"{app.name}: federated credential {fic.name!r} is not exported: its issuer "
                f"{fic.issuer!r} exists only in the mock. Add the real issuer by hand "
                "(az ad app federated-credential create)."
            )
            return None
        return fic.issuer

    def fic_subject(self, fic: FederatedCredential) -> Text:
        """A managed identity of the file is named by its new principal id; others as written."""
        for identity in self.tenant.managed_identities:
            if fic.subject == identity.principal_id:
                return Ref(identity_var(identity.name) + "_PRINCIPAL_ID")
        return fic.subject

    def app_plan(self, app: Application) -> AppPlan:
        stem = app_var(app).removeprefix("APP_")
        role = "FRONTEND" if app is self.web_app else "BACKEND" if app is self.api_app else stem
        if app.certificates:
            self.refuse(
                f"{app.name}: its certificate credentials are not exported: the mock's "
                "certificates are test material whose keys are in this repository. Add your "
                f"own: az ad app credential reset --id <{app.name} app id> --cert @cert.pem --append"
            )
        if app.extra_claims:
            self.refuse(
                f"{app.name}: extra_claims are not exported (a claims-mapping policy in Entra): "
                "https://learn.microsoft.com/entra/identity-platform/reference-claims-customization"
            )
        return AppPlan(
            name=app.name, var=app_var(app), sign_in_audience=app.sign_in_audience,
            body=self.body(app), id_env=f"{role}_CLIENT_ID",
            secret_env=f"{role}_CLIENT_SECRET" if app.secrets else None,
            federated=self.federated(app),
        )  # fmt: skip


def identity_var(name: str) -> str:
    stem = shell_name(name)
    return stem if stem.startswith("MI_") else "MI_" + stem


def _grants(b: _Builder, apps: dict[str, AppPlan]) -> list[DelegatedGrant]:
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


def _role_grants(b: _Builder, apps: dict[str, AppPlan]) -> list[RoleGrant]:
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


def _tenant_refusals(b: _Builder, others: int) -> None:
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


def _env(b: _Builder, apps: list[AppPlan]) -> list[tuple[str, Text]]:
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
    b = _Builder(tenant)
    apps = [b.app_plan(app) for app in b.ours]
    by_id = {app.client_id: plan for app, plan in zip(b.ours, apps, strict=True)}
    for app in b.ours:
        b.principal(app)
    delegated, roles = _grants(b, by_id), _role_grants(b, by_id)
    _tenant_refusals(b, other_tenants)
    identities = [IdentityPlan(m.name, identity_var(m.name)) for m in tenant.managed_identities]
    return Plan(tenant, identities, apps, list(b.principals.values()), delegated, roles,
                _env(b, apps), list(dict.fromkeys(b.refused)))  # fmt: skip
