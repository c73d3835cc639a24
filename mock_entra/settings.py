"""Settings of the mock, from the environment (``MOCK_ENTRA_*``) or the command line."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
_REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


class MockSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MOCK_ENTRA_", env_file=".env", extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(default=8443, ge=0, le=65535)
    # The URL clients use; derived from host/port when empty (https://127.0.0.1:8443).
    public_url: str = ""
    state_dir: Path = Path(".state/mock-entra")
    # Where state that outlives a request lives (codes, refresh tokens, sessions, consents,
    # faults, runtime tenants, clocks, the log): "sqlite" (a file in state_dir, shared by
    # one serve's workers) or a Redis URL (redis://host:port/db, shared by every instance
    # pointed at it; they share state_dir's keys and CA too). store_prefix separates
    # mocks on one Redis server.
    store: str = "sqlite"
    store_prefix: str = Field(default="mock-entra", min_length=1, pattern=r"^[A-Za-z0-9._-]+$")
    config: Path | None = None  # tenant YAML; None = the shipped default tenant
    tls: bool = True
    workers: int = Field(default=1, ge=1, le=16)
    # Policy flags where Entra is laxer than the specs (scenario A3).
    allow_plain_pkce: bool = False
    # Entra requires PKCE only for SPAs and public clients; strict mode requires it always.
    require_pkce: bool = False
    # Entra's discovery has no code_challenge_methods_supported or grant_types_supported;
    # experiments may add them (what a strict MCP client would do if it had them).
    discovery_extras: bool = False
    log_requests: bool = True
    # The admin API (/_admin) is as powerful as the mock: when set, every client (loopback
    # ones too) must present this as a bearer token; empty: loopback clients only.
    admin_token: str = ""
    # The App Service managed-identity protocol's shared secret (IDENTITY_HEADER): it
    # keeps server-side request forgery from reaching the token endpoint.
    identity_header: str = "mock-identity-header"

    @field_validator("store")
    @classmethod
    def _known_store(cls, value: str) -> str:
        if value == "sqlite" or value.startswith(_REDIS_SCHEMES):
            return value
        raise ValueError("store must be 'sqlite' or a Redis URL (redis://, rediss://, unix://)")

    @property
    def base_url(self) -> str:
        if self.public_url:
            return self.public_url.rstrip("/")
        host = f"[{self.host}]" if ":" in self.host else self.host
        scheme = "https" if self.tls else "http"
        return f"{scheme}://{host}:{self.port}"

    @property
    def on_loopback(self) -> bool:
        return self.host in LOOPBACK
