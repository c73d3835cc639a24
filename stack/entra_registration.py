"""One app registration of the tenant file as the Graph application body that describes it.

https://learn.microsoft.com/graph/api/resources/application: the script sets the whole
body in one PATCH, so a second run sets the same values again and changes nothing.
Permission ids come from the tenant file (and, for the OpenID Connect scopes, Graph's
published ids), never from a lookup at run time. What a real tenant cannot take from the
file is recorded with ``refuse`` in words a person acts on.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from entra_kit.microsoft_apps import GRAPH_APP_ID
from mock_entra.tenant import Application, Tenant
from mock_entra.tenant.application import FederatedCredential, ResourceAccess
from stack.entra_model import (
    LOOPBACK,
    OIDC_SCOPE_IDS,
    AppPlan,
    Principal,
    Ref,
    Text,
    app_var,
    identity_var,
    is_ours,
    shell_name,
)


class Registrations:
    """Plans the registrations of one tenant; ``refused`` lists what cannot be exported."""

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
        """Redirect URIs, where sign-out returns among them (the tenant file lists them
        together, as Entra does: v2-protocols-oidc#send-a-sign-out-request)."""
        uris = list(app.redirect_uris)
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
        # https://learn.microsoft.com/entra/identity-platform/optional-claims-reference
        claims = {
            kind: [c.manifest() for c in app.optional_claims if c.token == token]
            for kind, token in (("accessToken", "access"), ("idToken", "id"))
        }
        return {
            "signInAudience": app.sign_in_audience,
            "identifierUris": self.identifier_uris(app),
            "api": self.api(app),
            "appRoles": roles,
            **self.redirects(app),
            "optionalClaims": {**claims, "saml2Token": []},
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
