"""Pydantic model of a tenant file: a small exported Entra tenant.

Field names follow the app manifest where one exists (``requestedAccessTokenVersion``
becomes ``requested_access_token_version``). Lookups that every request needs
(app by client id or identifier URI, user by UPN or oid) are methods here so the
protocol code never scans lists itself.
"""

from __future__ import annotations

from functools import cached_property
from typing import Literal

from pydantic import field_validator, model_validator

from mock_entra.tenant.application import Application
from mock_entra.tenant.base import Strict, check_guid
from mock_entra.tenant.identifier_uris import IdentifierUriPolicy, RegisteredUris, first_refusal
from mock_entra.tenant.policies import (
    DeviceCodePolicy,
    RefreshTokenPolicy,
    ResourceParameterPolicy,
    TokenLifetimes,
)

# Scopes that belong to the sign-in itself rather than to any resource (OIDC).
OIDC_SCOPES = frozenset({"openid", "profile", "email", "offline_access"})


class Group(Strict):
    id: str
    name: str

    _check_id = field_validator("id")(check_guid)


class UserRoleAssignment(Strict):
    app: str  # client id or identifier URI of the resource app
    role: str


class User(Strict):
    oid: str
    upn: str
    display_name: str
    password: str
    given_name: str = ""
    surname: str = ""
    mail: str = ""
    job_title: str = ""
    groups: list[str] = []  # group ids or names
    app_roles: list[UserRoleAssignment] = []

    _check_id = field_validator("oid")(check_guid)


class ConsentGrant(Strict):
    """An ``oauth2PermissionGrant``: ``principal`` ``all`` is admin consent."""

    client: str  # client id
    resource: str  # client id or identifier URI
    scopes: list[str]
    principal: str = "all"  # "all" or a user's UPN/oid


class ManagedIdentity(Strict):
    name: str
    client_id: str
    principal_id: str  # object id; the ``sub`` of its tokens
    kind: Literal["user_assigned", "system_assigned"] = "user_assigned"

    _check_ids = field_validator("client_id", "principal_id")(check_guid)


class MfaPolicy(Strict):
    """A Conditional Access stand-in: MFA required for a resource (optionally per user/app).

    Silent flows (refresh, On-Behalf-Of) for a session without MFA answer 50076 with a
    ``claims`` challenge naming this policy; an interactive sign-in satisfies it.
    """

    id: str
    name: str = "Require MFA"
    resource: str  # client id or identifier URI
    users: list[str] = []  # UPNs or oids; empty: everyone
    clients: list[str] = []  # calling apps; empty: any

    _check_id = field_validator("id")(check_guid)

    def applies(self, resource: Application, user: User, client_id: str) -> bool:
        if not resource.answers_to(self.resource):
            return False
        if self.users and not {user.upn.lower(), user.oid} & {u.lower() for u in self.users}:
            return False
        return not self.clients or client_id in self.clients


class Tenant(Strict):
    id: str
    domain: str  # the initial domain, <name>.onmicrosoft.com
    display_name: str = ""
    # Custom domains the tenant has verified; https identifier URIs must be on one of
    # these (or on ``domain``). A lab may list ``localhost``, which Entra never verifies.
    verified_domains: list[str] = []
    identifier_uri_policy: IdentifierUriPolicy = "secure_patterns"
    # match_scopes: Entra since March 2026 (AADSTS9010010 unless it equals an identifier
    # URI of the app owning the scopes); unsupported: before (AADSTS901002); ignored: lenient.
    resource_parameter: ResourceParameterPolicy = "match_scopes"
    applications: list[Application] = []
    users: list[User] = []
    groups: list[Group] = []
    consent_grants: list[ConsentGrant] = []
    managed_identities: list[ManagedIdentity] = []
    mfa_policies: list[MfaPolicy] = []
    lifetimes: TokenLifetimes = TokenLifetimes()
    refresh_tokens: RefreshTokenPolicy = RefreshTokenPolicy()
    device_code: DeviceCodePolicy = DeviceCodePolicy()

    _check_id = field_validator("id")(check_guid)

    @model_validator(mode="after")
    def _references_resolve(self) -> Tenant:
        ids = [a.client_id for a in self.applications]
        if len(ids) != len(set(ids)):
            raise ValueError("two applications share a client_id")
        # A grant's client and resource may be multi-tenant apps registered in another
        # tenant: the directory checks them (Directory._grants_resolve).
        for grant in self.consent_grants:
            if grant.principal != "all" and self.user(grant.principal) is None:
                raise ValueError(f"consent grant names unknown user {grant.principal!r}")
        for user in self.users:
            for g in user.groups:
                if self.group(g) is None:
                    raise ValueError(f"user {user.upn} names unknown group {g!r}")
        return self

    @model_validator(mode="after")
    def _identifier_uris_allowed(self) -> Tenant:
        """Entra's rules for identifier URIs (``identifier_uris``); the first refusal names its path."""
        apps = [
            RegisteredUris(a.client_id, () if a.foreign else tuple(a.identifier_uris))
            for a in self.applications
        ]
        refusal = first_refusal(apps, self.id, self.domains, self.identifier_uri_policy)
        if refusal is not None:
            index, n, message = refusal
            raise ValueError(f"applications.{index}.identifier_uris.{n}: {message}")
        return self

    @property
    def domains(self) -> tuple[str, ...]:
        """Every verified domain, the initial one first, lower case."""
        return tuple(dict.fromkeys(d.lower() for d in (self.domain, *self.verified_domains)))

    def app(self, client_id: str) -> Application | None:
        return next((a for a in self.applications if a.client_id == client_id), None)

    def with_guests(self, guests: list[Application]) -> Tenant:
        """This tenant plus multi-tenant apps registered elsewhere (their service principals).

        Entra creates a multi-tenant app's service principal in a tenant on consent; the
        mock lets it exist in every tenant, and consent is still needed there.
        https://learn.microsoft.com/entra/identity-platform/howto-convert-app-to-be-multi-tenant
        """
        own = {a.client_id for a in self.applications}
        extra = [a for a in guests if a.client_id not in own]
        if not extra:
            return self
        return Tenant.model_construct(
            **{**dict(self), "applications": [*self.applications, *extra]}
        )

    @cached_property
    def _resources(self) -> dict[str, Application]:
        """Client ids and identifier URIs to apps: every token request looks one up."""
        index: dict[str, Application] = {}
        for app in reversed(self.applications):  # the first registration wins, as a scan would
            for name in (app.client_id, *app.identifier_uris):
                index[name.rstrip("/")] = app
        return index

    def resource_app(self, resource: str) -> Application | None:
        return self._resources.get(resource.rstrip("/"))

    def user(self, name_or_oid: str) -> User | None:
        key = name_or_oid.lower()
        return next((u for u in self.users if key in (u.upn.lower(), u.oid)), None)

    def group(self, id_or_name: str) -> Group | None:
        return next((g for g in self.groups if id_or_name in (g.id, g.name)), None)

    def managed_identity(self, client_id: str) -> ManagedIdentity | None:
        return next((m for m in self.managed_identities if client_id == m.client_id), None)

    def user_group_ids(self, user: User) -> list[str]:
        return [g.id for g in (self.group(name) for name in user.groups) if g is not None]

    def consented_scopes(
        self, client_id: str, resource: Application, user: User | None
    ) -> set[str]:
        """Scopes ``client_id`` may use on ``resource`` for ``user`` (admin or user grants)."""
        scopes: set[str] = set()
        for grant in self.consent_grants:
            if grant.client != client_id or not resource.answers_to(grant.resource):
                continue
            if grant.principal == "all" or (
                user is not None and grant.principal.lower() in (user.upn.lower(), user.oid)
            ):
                scopes.update(grant.scopes)
        return scopes


class Directory(Strict):
    """Every tenant the mock serves; looked up by GUID or verified domain."""

    tenants: list[Tenant]

    @model_validator(mode="after")
    def _unique(self) -> Directory:
        keys = [t.id for t in self.tenants] + [t.domain.lower() for t in self.tenants]
        if len(keys) != len(set(keys)):
            raise ValueError("two tenants share an id or domain")
        return self

    @model_validator(mode="after")
    def _grants_resolve(self) -> Directory:
        for tenant in self.tenants:
            view = self._with_guests(tenant)
            for grant in tenant.consent_grants:
                if view.app(grant.client) is None:
                    raise ValueError(f"consent grant names unknown client {grant.client!r}")
                if view.resource_app(grant.resource) is None:
                    raise ValueError(f"consent grant names unknown resource {grant.resource!r}")
        return self

    def tenant(self, id_or_domain: str) -> Tenant | None:
        key = id_or_domain.lower()
        return next((t for t in self.tenants if key in (t.id, t.domain.lower())), None)

    def _with_guests(self, tenant: Tenant) -> Tenant:
        guests = [
            app
            for other in self.tenants
            if other.id != tenant.id
            for app in other.applications
            if app.multi_tenant
        ]
        return tenant.with_guests(guests)

    def view(self, id_or_domain: str) -> Tenant | None:
        """The tenant as a request sees it: with the directory's multi-tenant apps.

        Every request asks for one, so each tenant's view is built once (with its lookup
        indexes) and kept, one per tenant (a name that finds none is not remembered);
        the cache is tied to this ``tenants`` list, as a ``model_copy`` would carry it
        over to a copy with other tenants.
        """
        tenant = self.tenant(id_or_domain)
        if tenant is None:
            return None
        cache = self.__dict__.get("_view_cache")
        if cache is None or cache[0] is not self.tenants:
            cache = (self.tenants, {})
            self.__dict__["_view_cache"] = cache
        views: dict[str, Tenant] = cache[1]
        view = views.get(tenant.id)
        if view is None:
            view = views[tenant.id] = self._with_guests(tenant)
        return view

    def home(self, client_id: str) -> Tenant | None:
        """The tenant an app is registered in (its home tenant)."""
        return next((t for t in self.tenants if t.app(client_id) is not None), None)
