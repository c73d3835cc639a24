"""Pydantic model of a tenant file: a small exported Entra tenant.

Field names follow the app manifest where one exists (``requestedAccessTokenVersion``
becomes ``requested_access_token_version``). Lookups that every request needs
(app by client id or identifier URI, user by UPN or oid) are methods here so the
protocol code never scans lists itself.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from functools import cached_property
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from entra_kit.ids import as_guid
from mock_entra.tenant.identifier_uris import (
    MICROSOFT_APP_IDS,
    IdentifierUriPolicy,
    RegisteredUris,
    first_refusal,
)

# Scopes that belong to the sign-in itself rather than to any resource (OIDC).
OIDC_SCOPES = frozenset({"openid", "profile", "email", "offline_access"})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _guid(value: str) -> str:
    guid = as_guid(value)
    if guid is None:
        raise ValueError(f"not a GUID: {value!r}")
    return guid


class Scope(_Strict):
    """A delegated permission an API exposes (``oauth2PermissionScopes``)."""

    value: str
    id: str = Field(default_factory=lambda: str(uuid.uuid4()))
    admin_consent_required: bool = False
    description: str = ""


class AppRole(_Strict):
    value: str
    id: str = Field(default_factory=lambda: str(uuid.uuid4()))
    allowed_member_types: list[Literal["User", "Application"]] = ["User", "Application"]
    description: str = ""


class Secret(_Strict):
    value: str = Field(min_length=8)
    expires: datetime = datetime(2099, 12, 31, tzinfo=UTC)
    hint: str = ""

    def expired(self, now: datetime) -> bool:
        return now >= self.expires


class Certificate(_Strict):
    """A public certificate registered for client assertions (PEM text)."""

    pem: str
    expires: datetime = datetime(2099, 12, 31, tzinfo=UTC)


class FederatedCredential(_Strict):
    """Workload identity federation: trust assertions with this iss/sub/aud."""

    name: str
    issuer: str
    subject: str
    audiences: list[str] = ["api://AzureADTokenExchange"]


class OptionalClaim(_Strict):
    """One ``optionalClaims`` entry of the app manifest: a claim, its token, its properties.

    In the tenant file a bare name is an access-token claim without properties
    (``idtyp``); the long form adds the token (``access`` or ``id``) and the
    ``additional_properties`` (``include_user_token``, ``use_guid`` ...).
    https://learn.microsoft.com/entra/identity-platform/optional-claims-reference
    """

    name: str
    token: Literal["access", "id"] = "access"
    essential: bool = False
    additional_properties: list[str] = []

    def manifest(self) -> dict[str, object]:
        """The entry as the app manifest writes it."""
        entry: dict[str, object] = {"name": self.name, "essential": self.essential}
        if self.additional_properties:
            entry["additionalProperties"] = list(self.additional_properties)
        return entry


class ResourceAccess(_Strict):
    """``requiredResourceAccess``: what an app asks for on another resource."""

    resource: str  # client id or identifier URI of the resource app
    scopes: list[str] = []
    roles: list[str] = []


class Application(_Strict):
    """An app registration together with its service principal in the tenant."""

    client_id: str
    name: str
    requested_access_token_version: Literal[1, 2] = 1
    sign_in_audience: Literal["AzureADMyOrg", "AzureADMultipleOrgs"] = "AzureADMyOrg"
    # A public client: "Allow public client flows" on, its redirect URIs those of the
    # "Mobile and desktop applications" platform (manifest ``isFallbackPublicClient`` and
    # ``publicClient.redirectUris``). It authenticates with nothing (AADSTS700025 if it
    # tries) and must use PKCE. An app with both a web and a public-client platform is
    # not modelled.
    public_client: bool = False
    # Also where sign-out may return: Entra has no separate post-logout list (v2-protocols-oidc).
    redirect_uris: list[str] = []
    implicit_grant_access_tokens: bool = False
    secrets: list[Secret] = []
    certificates: list[Certificate] = []
    federated_credentials: list[FederatedCredential] = []
    identifier_uris: list[str] = []
    scopes: list[Scope] = []
    app_roles: list[AppRole] = []
    required_resource_access: list[ResourceAccess] = []
    # Roles granted to this app itself on other resources (application permissions).
    granted_app_roles: list[ResourceAccess] = []
    optional_claims: list[OptionalClaim] = []
    group_membership_claims: Literal["None", "SecurityGroup", "All"] = "None"
    # Microsoft Graph puts a ``nonce`` in the JWT header so third parties cannot
    # validate its tokens; mark resources that behave that way.
    header_nonce: bool = False
    # Custom claims to add to every access token issued for this resource.
    extra_claims: dict[str, object] = {}
    # A service principal of an app registered in another tenant (a partner's
    # multi-tenant app): its identifier URIs are its home tenant's, not held to this
    # one's rules. Microsoft's own apps (MICROSOFT_APP_IDS) count as such without it.
    registered_elsewhere: bool = False

    _check_id = field_validator("client_id")(_guid)

    @model_validator(mode="before")
    @classmethod
    def _no_post_logout_list(cls, data: object) -> object:
        """A tenant file written for the first mock: say where its post-logout URIs go."""
        if isinstance(data, dict) and "post_logout_redirect_uris" in data:
            raise ValueError(
                "post_logout_redirect_uris is not an Entra setting: post_logout_redirect_uri "
                "must match one of the app's redirect_uris, so list those URIs there "
                "(https://learn.microsoft.com/entra/identity-platform/v2-protocols-oidc"
                "#send-a-sign-out-request)"
            )
        return data

    @field_validator("optional_claims", mode="before")
    @classmethod
    def _named_claims(cls, value: object) -> object:
        """A bare name is an access-token claim without properties."""
        if isinstance(value, list):
            return [{"name": v} if isinstance(v, str) else v for v in value]
        return value

    @property
    def multi_tenant(self) -> bool:
        """Signs in users of any organization (through /organizations or /common)."""
        return self.sign_in_audience == "AzureADMultipleOrgs"

    @property
    def primary_resource_uri(self) -> str:
        return self.identifier_uris[0] if self.identifier_uris else self.client_id

    @property
    def foreign(self) -> bool:
        """Registered in another tenant (Microsoft's apps, or ``registered_elsewhere``)."""
        return self.registered_elsewhere or self.client_id in MICROSOFT_APP_IDS

    def identified_by(self, uri: str) -> bool:
        """True when ``uri`` is, byte for byte, one of this app's identifier URIs."""
        return uri in self.identifier_uris

    def answers_to(self, resource: str) -> bool:
        """True when ``resource`` names this app (client id or identifier URI)."""
        resource = resource.rstrip("/")
        return resource == self.client_id or resource in (
            u.rstrip("/") for u in self.identifier_uris
        )

    def scope(self, value: str) -> Scope | None:
        return next((s for s in self.scopes if s.value == value), None)

    def role(self, value: str) -> AppRole | None:
        return next((r for r in self.app_roles if r.value == value), None)


class Group(_Strict):
    id: str
    name: str

    _check_id = field_validator("id")(_guid)


class UserRoleAssignment(_Strict):
    app: str  # client id or identifier URI of the resource app
    role: str


class User(_Strict):
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

    _check_id = field_validator("oid")(_guid)


class ConsentGrant(_Strict):
    """An ``oauth2PermissionGrant``: ``principal`` ``all`` is admin consent."""

    client: str  # client id
    resource: str  # client id or identifier URI
    scopes: list[str]
    principal: str = "all"  # "all" or a user's UPN/oid


class ManagedIdentity(_Strict):
    name: str
    client_id: str
    principal_id: str  # object id; the ``sub`` of its tokens
    kind: Literal["user_assigned", "system_assigned"] = "user_assigned"

    _check_ids = field_validator("client_id", "principal_id")(_guid)


class MfaPolicy(_Strict):
    """A Conditional Access stand-in: MFA required for a resource (optionally per user/app).

    Silent flows (refresh, On-Behalf-Of) for a session without MFA answer 50076 with a
    ``claims`` challenge naming this policy; an interactive sign-in satisfies it.
    """

    id: str
    name: str = "Require MFA"
    resource: str  # client id or identifier URI
    users: list[str] = []  # UPNs or oids; empty: everyone
    clients: list[str] = []  # calling apps; empty: any

    _check_id = field_validator("id")(_guid)

    def applies(self, resource: Application, user: User, client_id: str) -> bool:
        if not resource.answers_to(self.resource):
            return False
        if self.users and not {user.upn.lower(), user.oid} & {u.lower() for u in self.users}:
            return False
        return not self.clients or client_id in self.clients


class TokenLifetimes(_Strict):
    """Seconds. Entra's defaults: access 60-90 min, ID 1 h, refresh 90 days, code 10 min.

    ``access_token`` unset is Entra's default: "a random value ranging between 60-90
    minutes (75 minutes on average)" for each token (configurable-token-lifetimes, access
    tokens); set, every access token lives exactly that long (a token lifetime policy's
    ``AccessTokenLifetime``; tests that check ``exp`` set it).
    """

    access_token: int | None = Field(default=None, ge=301)
    id_token: int = Field(default=3600, ge=301)
    refresh_token: int = Field(default=90 * 24 * 3600, ge=60)
    authorization_code: int = Field(default=600, ge=1)


# What the v2 endpoints do with an RFC 8707 ``resource`` parameter (mock_entra.resource_indicator).
ResourceParameterPolicy = Literal["match_scopes", "unsupported", "ignored"]


class RefreshTokenPolicy(_Strict):
    """What using a refresh token does to it.

    Entra's default, and the mock's: "Refresh tokens aren't revoked when used to acquire
    new access tokens" (v2-oauth2-auth-code-flow#refresh-the-access-token). Every use
    answers with a new refresh token, and the one used stays good until it expires or
    is revoked. ``strict_rotation`` is not an Entra setting: it makes each refresh token
    one-time and treats a second use as theft, revoking the whole family (RFC 9700
    §4.14.2), to test a client against an authorization server that rotates.
    """

    strict_rotation: bool = False


class DeviceCodePolicy(_Strict):
    """The device code flow's timing: "the user has 15 minutes to sign in. This is the
    default value for ``expires_in``" (v2-oauth2-device-code); Entra answers ``interval``
    5 (captured in MicrosoftDocs/azure-docs#33126). Tests may poll faster."""

    lifetime: int = Field(default=900, ge=1)
    interval: int = Field(default=5, ge=0, le=60)


class Tenant(_Strict):
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

    _check_id = field_validator("id")(_guid)

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


class Directory(_Strict):
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
        # Not cached: a cache on this frozen model would survive ``model_copy``.
        guests = [
            app
            for other in self.tenants
            if other.id != tenant.id
            for app in other.applications
            if app.multi_tenant
        ]
        return tenant.with_guests(guests)

    def view(self, id_or_domain: str) -> Tenant | None:
        """The tenant as a request sees it: with the directory's multi-tenant apps."""
        tenant = self.tenant(id_or_domain)
        return None if tenant is None else self._with_guests(tenant)

    def home(self, client_id: str) -> Tenant | None:
        """The tenant an app is registered in (its home tenant)."""
        return next((t for t in self.tenants if t.app(client_id) is not None), None)
