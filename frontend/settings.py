"""Settings of the frontend, from the environment or ``.env``.

The identity variables are the shared ones of ``docs/CONTRACTS.md`` so that the
frontend and the backend read one set of values; the defaults are the mock
profile. Pointing the frontend at real Entra is a change of configuration only.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

import entra_kit.settings
from entra_kit import shipped_tenant as shipped
from entra_kit.ids import guid_list, is_guid
from entra_kit.microsoft_apps import GRAPH_RESOURCE

GRAPH_USER_READ = f"{GRAPH_RESOURCE}/User.Read"
# User-consentable and granted to nobody in the shipped tenant: the consent demo's scope.
GRAPH_MAIL_READ = f"{GRAPH_RESOURCE}/Mail.Read"
# Entra's multi-tenant authorities: the tenant is the signed-in user's, known afterwards.
MULTI_TENANT_AUTHORITIES = frozenset({"organizations", "common"})
CsvList = Annotated[list[str], NoDecode]


class FrontendSettings(BaseSettings):
    """Everything the frontend needs; field names are the environment names."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    # Identity platform (shared names).
    entra_authority_host: str = "https://127.0.0.1:8443"
    entra_tenant_id: str = shipped.TENANT_ID
    entra_ca_bundle: str = ".state/mock-entra/tls/ca.pem"
    frontend_client_id: str = shipped.WEB_CLIENT_ID
    frontend_client_secret: SecretStr = SecretStr(shipped.WEB_CLIENT_SECRET)
    frontend_url: str = "http://localhost:5001"
    backend_app_id_uri: str = shipped.API_APP_ID_URI
    backend_url: str = "http://127.0.0.1:8000"

    # Frontend only.
    frontend_host: str = "127.0.0.1"
    frontend_port: int = Field(default=5001, ge=0, le=65535)
    # waitress worker threads: each chat turn holds one while its answer streams.
    frontend_threads: int = Field(default=32, ge=1, le=512)
    frontend_secret_key: SecretStr = SecretStr("")  # empty: random per start
    frontend_session_dir: Path = Path(".state/frontend/sessions")
    frontend_graph_scope: str = GRAPH_USER_READ
    # The one more scope the incremental-consent button asks for.
    frontend_consent_scope: str = GRAPH_MAIL_READ
    # The ID token's tenant must be this one (a GUID); empty: ENTRA_TENANT_ID
    # when that is a GUID. Domain-name tenants need it set explicitly.
    frontend_expected_tid: str = ""
    # Signing in through ENTRA_TENANT_ID=organizations (or common), the tenants whose
    # users may sign in (GUIDs, comma-separated); required then: a multi-tenant app must
    # say whom it serves (howto-convert-app-to-be-multi-tenant, "issuer validation").
    frontend_allowed_tenants: CsvList = Field(default_factory=list)

    # The chat model: offline deterministic by default.
    model_provider: Literal["local", "azure_openai", "openai"] = "local"
    model_name: str = ""  # deployment (Azure) or model name (OpenAI-compatible)
    azure_openai_endpoint: str = ""
    azure_openai_api_key: SecretStr = SecretStr("")  # empty: Entra credential
    openai_base_url: str = ""
    openai_api_key: SecretStr = SecretStr("")

    @model_validator(mode="after")
    def _check(self) -> FrontendSettings:
        """Reject values that would only fail later, at sign-in, with a worse message."""
        host = urlsplit(self.entra_authority_host)
        if host.scheme != "https" or not host.netloc or host.path not in ("", "/"):
            raise ValueError("ENTRA_AUTHORITY_HOST must be https://host[:port] (MSAL refuses http)")
        front = urlsplit(self.frontend_url)
        if front.scheme not in ("http", "https") or not front.netloc or front.path not in ("", "/"):
            raise ValueError("FRONTEND_URL must be http(s)://host[:port] without a path")
        if not urlsplit(self.backend_url).netloc:
            raise ValueError("BACKEND_URL must be an absolute http(s) URL")
        if not self.frontend_client_id or not self.entra_tenant_id:
            raise ValueError("FRONTEND_CLIENT_ID and ENTRA_TENANT_ID must not be empty")
        if self.multi_tenant and not self.frontend_allowed_tenants:
            raise ValueError(
                "FRONTEND_ALLOWED_TENANTS must list the tenant ids whose users may sign in "
                f"when ENTRA_TENANT_ID is {self.entra_tenant_id}"
            )
        if not self.multi_tenant and not self.expected_tid:
            raise ValueError("FRONTEND_EXPECTED_TID must be set when ENTRA_TENANT_ID is not a GUID")
        if self.model_provider == "azure_openai" and not (
            self.azure_openai_endpoint and self.model_name
        ):
            raise ValueError(
                "MODEL_PROVIDER=azure_openai needs AZURE_OPENAI_ENDPOINT and MODEL_NAME"
            )
        if self.model_provider == "openai" and not self.model_name:
            raise ValueError("MODEL_PROVIDER=openai needs MODEL_NAME (and OPENAI_BASE_URL)")
        return self

    @property
    def authority(self) -> str:
        """The tenant authority MSAL talks to: ``<host>/<tenant>``."""
        return f"{self.entra_authority_host.rstrip('/')}/{self.entra_tenant_id}"

    @property
    def expected_tid(self) -> str:
        """The tenant id every ID token must carry (checked by the app, not MSAL)."""
        if self.frontend_expected_tid:
            return self.frontend_expected_tid.lower()
        return self.entra_tenant_id.lower() if is_guid(self.entra_tenant_id, any_case=True) else ""

    @property
    def expected_issuer(self) -> str:
        """The v2 ID token issuer: ``<host>/<tid>/v2.0``, exactly as Entra writes it."""
        return self.issuer_of(self.expected_tid)

    @property
    def multi_tenant(self) -> bool:
        return self.entra_tenant_id.lower() in MULTI_TENANT_AUTHORITIES

    @property
    def allowed_tids(self) -> frozenset[str]:
        """The tenants an ID token may come from: the allow-list, else the one tenant."""
        return frozenset(self.frontend_allowed_tenants) or frozenset({self.expected_tid})

    def issuer_of(self, tid: str) -> str:
        """The v2 ID token issuer of tenant ``tid`` (a multi-tenant sign-in: the user's)."""
        return f"{self.entra_authority_host.rstrip('/')}/{tid}/v2.0"

    @field_validator("frontend_allowed_tenants", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        return (
            [v.strip() for v in value.split(",") if v.strip()] if isinstance(value, str) else value
        )

    @field_validator("frontend_allowed_tenants")
    @classmethod
    def _guids(cls, values: list[str]) -> list[str]:
        return guid_list(values)

    @property
    def redirect_uri(self) -> str:
        """The registered redirect URI (the seed's ``/signin-oidc``)."""
        return f"{self.frontend_url.rstrip('/')}/signin-oidc"

    @property
    def backend_scope(self) -> str:
        """The delegated scope of the backend API."""
        return f"{self.backend_app_id_uri.rstrip('/')}/access_as_user"

    @property
    def mcp_url(self) -> str:
        """The backend's MCP endpoint."""
        return f"{self.backend_url.rstrip('/')}/mcp"

    def secret_key(self) -> str:
        """The Flask secret key; a random one when unset (sessions end at restart)."""
        return self.frontend_secret_key.get_secret_value() or secrets.token_urlsafe(32)


def load_settings(**overrides: object) -> FrontendSettings:
    """Build settings, or stop with one line naming the field (``SettingsError``)."""
    return entra_kit.settings.load_settings("frontend", FrontendSettings, **overrides)
