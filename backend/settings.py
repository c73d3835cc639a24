"""Backend settings from the environment or ``.env`` (names shared with the frontend).

Defaults are the mock profile of docs/CONTRACTS.md; the same code runs against real
Entra by changing settings only (authority host, tenant, client ids, credential,
downstream URLs, CA bundle). ``load_settings`` validates at start and reports the
first problem as one line naming the field.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

import entra_kit.settings
from entra_kit import shipped_tenant as shipped
from entra_kit.ids import guid_list, is_guid

# A list setting given in the environment as "a,b c" (comma or space separated).
CsvList = Annotated[list[str], NoDecode]


def _split(value: object) -> object:
    if isinstance(value, str):
        return [v for v in re.split(r"[,\s]+", value.strip()) if v]
    return value


class BackendSettings(BaseSettings):
    """Everything the backend reads from its environment."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    # -- the identity platform --------------------------------------------------------
    entra_authority_host: str = "https://127.0.0.1:8443"
    entra_tenant_id: str = shipped.TENANT_ID
    # Empty: system trust store (real Entra). Never a switch to turn verification off.
    entra_ca_bundle: Path | None = Path(".state/mock-entra/tls/ca.pem")
    # MSAL asks login.microsoftonline.com to validate unknown authorities; the mock
    # is unknown, so the mock profile turns instance discovery off.
    entra_instance_discovery: bool = False

    # -- this API's app registration ------------------------------------------------
    backend_client_id: str = shipped.API_CLIENT_ID
    backend_app_id_uri: str = shipped.API_APP_ID_URI
    backend_url: str = "http://127.0.0.1:8000"
    backend_host: str = "127.0.0.1"
    backend_port: int = Field(default=8000, ge=0, le=65535)
    backend_scope: str = "access_as_user"

    # -- how MCP clients sign in (README "Connecting MCP clients") ---------------------
    # direct: the metadata names the tenant and clients go to Entra themselves; proxy:
    # FastMCP's OAuth proxy (AzureProvider) offers them dynamic registration and signs
    # users in upstream with this API's own app registration.
    backend_mcp_auth: Literal["direct", "proxy"] = "direct"
    # Ask the user before the proxy sends them to Entra (FastMCP's consent screen).
    backend_proxy_consent: bool = True
    # Serve HTTPS with this certificate and key (PEM): an https identifier URI on a
    # verified domain must be the server's own URL in the direct set-up.
    backend_tls_cert: Path | None = None
    backend_tls_key: Path | None = None

    # -- token validation -------------------------------------------------------------
    backend_token_versions: CsvList = Field(default_factory=lambda: ["1.0", "2.0"])
    # Empty: only ENTRA_TENANT_ID.
    backend_allowed_tenants: CsvList = Field(default_factory=list)
    # Empty: any calling app of an allowed tenant (azp / appid not checked).
    backend_allowed_client_apps: CsvList = Field(default_factory=list)
    backend_leeway_seconds: int = Field(default=60, ge=0, le=300)
    backend_jwks_refresh_seconds: float = Field(default=30.0, ge=0)
    backend_jwks_ttl_seconds: float = Field(default=86400.0, gt=0)

    # -- OBO credential ---------------------------------------------------------------
    obo_credential: Literal["secret", "certificate", "managed_identity"] = "secret"
    backend_client_secret: str = shipped.API_CLIENT_SECRET
    obo_certificate_path: Path | None = None  # PEM: private key + certificate
    obo_certificate_thumbprint: str = ""  # SHA-1 hex: legacy RS256 + x5t assertion
    managed_identity_client_id: str = ""
    obo_timeout_seconds: float = Field(default=15.0, gt=0)

    # -- downstream -------------------------------------------------------------------
    # Empty: the fake services this process serves under /fake/search and /fake/graph.
    search_endpoint: str = ""
    search_index: str = "documents"
    graph_endpoint: str = ""
    serve_fake_downstream: bool = True
    fake_directory_file: Path | None = None  # tenant YAML for fake Graph/Search data

    # -- demo ---------------------------------------------------------------------------
    backend_demo_return_raw_tokens: bool = False

    @field_validator(
        "backend_token_versions",
        "backend_allowed_tenants",
        "backend_allowed_client_apps",
        mode="before",
    )
    @classmethod
    def _split_lists(cls, value: object) -> object:
        return _split(value)

    @field_validator(
        "entra_ca_bundle",
        "obo_certificate_path",
        "fake_directory_file",
        "backend_tls_cert",
        "backend_tls_key",
        mode="before",
    )
    @classmethod
    def _empty_path_is_none(cls, value: object) -> object:
        return None if value in ("", None) else value

    @field_validator("entra_authority_host", "backend_url", "search_endpoint", "graph_endpoint")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @field_validator("entra_authority_host")
    @classmethod
    def _https_authority(cls, value: str) -> str:
        # MSAL refuses http authorities, and tokens must come over TLS.
        if not value.startswith("https://"):
            raise ValueError("must be an https:// URL")
        return value

    @field_validator("entra_tenant_id", "backend_client_id")
    @classmethod
    def _guid(cls, value: str) -> str:
        if not is_guid(value, any_case=True):
            raise ValueError("must be a GUID")
        return value.lower()

    @field_validator("backend_allowed_tenants", "backend_allowed_client_apps")
    @classmethod
    def _guids(cls, values: list[str]) -> list[str]:
        return guid_list(values)

    @field_validator("backend_token_versions")
    @classmethod
    def _versions(cls, values: list[str]) -> list[str]:
        if not values or any(v not in ("1.0", "2.0") for v in values):
            raise ValueError("must list '1.0' and/or '2.0'")
        return values

    @model_validator(mode="after")
    def _credential_complete(self) -> BackendSettings:
        if self.obo_credential == "secret" and not self.backend_client_secret:
            raise ValueError("BACKEND_CLIENT_SECRET is required when OBO_CREDENTIAL=secret")
        if self.obo_credential == "certificate" and self.obo_certificate_path is None:
            raise ValueError("OBO_CERTIFICATE_PATH is required when OBO_CREDENTIAL=certificate")
        if self.obo_credential == "managed_identity" and not self.managed_identity_client_id:
            raise ValueError(
                "MANAGED_IDENTITY_CLIENT_ID is required when OBO_CREDENTIAL=managed_identity"
            )
        return self

    @model_validator(mode="after")
    def _tls_complete(self) -> BackendSettings:
        if (self.backend_tls_cert is None) != (self.backend_tls_key is None):
            raise ValueError("BACKEND_TLS_CERT and BACKEND_TLS_KEY go together")
        if self.backend_tls_cert is not None and not self.backend_url.startswith("https://"):
            raise ValueError("BACKEND_URL must be https:// when BACKEND_TLS_CERT is set")
        if self.backend_mcp_auth == "proxy" and not self.backend_client_secret:
            raise ValueError(
                "BACKEND_CLIENT_SECRET is required when BACKEND_MCP_AUTH=proxy (the proxy "
                "signs users in with it)"
            )
        return self

    # -- derived values ---------------------------------------------------------------
    @property
    def authority(self) -> str:
        return f"{self.entra_authority_host}/{self.entra_tenant_id}"

    @property
    def tenants(self) -> list[str]:
        return self.backend_allowed_tenants or [self.entra_tenant_id]

    @property
    def audiences(self) -> list[str]:
        return [self.backend_app_id_uri, self.backend_client_id]

    @property
    def mcp_url(self) -> str:
        return f"{self.backend_url}/mcp"

    @property
    def full_scope(self) -> str:
        """The scope a client requests: ``api://<app>/access_as_user``."""
        return f"{self.backend_app_id_uri}/{self.backend_scope}"

    @property
    def identity_host(self) -> str:
        """The authority's host (and port): FastMCP's ``base_authority``."""
        return self.entra_authority_host.removeprefix("https://")

    @property
    def search_url(self) -> str:
        return self.search_endpoint or f"{self.backend_url}/fake/search"

    @property
    def graph_url(self) -> str:
        return self.graph_endpoint or f"{self.backend_url}/fake/graph"

    @property
    def ca_bundle(self) -> str | None:
        return str(self.entra_ca_bundle) if self.entra_ca_bundle else None


def load_settings(**overrides: object) -> BackendSettings:
    """Settings from env/.env (plus ``overrides``), or a one-line ``SettingsError``."""
    return entra_kit.settings.load_settings("backend", BackendSettings, **overrides)
