"""An app registration with its service principal, and the parts it declares: scopes,
app roles, credentials, optional claims, the access it requires.

Field names follow the app manifest where one exists.
https://learn.microsoft.com/entra/identity-platform/reference-app-manifest
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Literal

from pydantic import Field, field_validator, model_validator

from mock_entra.tenant.base import Strict, check_guid
from mock_entra.tenant.identifier_uris import MICROSOFT_APP_IDS


class Scope(Strict):
    """A delegated permission an API exposes (``oauth2PermissionScopes``)."""

    value: str
    id: str = Field(default_factory=lambda: str(uuid.uuid4()))
    admin_consent_required: bool = False
    description: str = ""


class AppRole(Strict):
    value: str
    id: str = Field(default_factory=lambda: str(uuid.uuid4()))
    allowed_member_types: list[Literal["User", "Application"]] = ["User", "Application"]
    description: str = ""


class Secret(Strict):
    value: str = Field(min_length=8)
    expires: datetime = datetime(2099, 12, 31, tzinfo=UTC)
    hint: str = ""

    def expired(self, now: datetime) -> bool:
        return now >= self.expires


class Certificate(Strict):
    """A public certificate registered for client assertions (PEM text)."""

    pem: str
    expires: datetime = datetime(2099, 12, 31, tzinfo=UTC)


class FederatedCredential(Strict):
    """Workload identity federation: trust assertions with this iss/sub/aud."""

    name: str
    issuer: str
    subject: str
    audiences: list[str] = ["api://AzureADTokenExchange"]


class OptionalClaim(Strict):
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


class ResourceAccess(Strict):
    """``requiredResourceAccess``: what an app asks for on another resource."""

    resource: str  # client id or identifier URI of the resource app
    scopes: list[str] = []
    roles: list[str] = []


class Application(Strict):
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

    _check_id = field_validator("client_id")(check_guid)

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
