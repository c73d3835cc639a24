"""The three services, their commands and health URLs, from one set of variables."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from urllib.parse import urlsplit

MOCK_DEFAULT_HOST = "https://127.0.0.1:8443"


@dataclass(frozen=True)
class Service:
    name: str
    command: list[str]
    health_url: str
    env: dict[str, str] = field(default_factory=dict)

    @property
    def port(self) -> int:
        parts = urlsplit(self.health_url)
        return parts.port or (443 if parts.scheme == "https" else 80)


def uses_mock(env: dict[str, str]) -> bool:
    """The mock profile: the authority host is a loopback address (no real tenant)."""
    host = urlsplit(env.get("ENTRA_AUTHORITY_HOST", MOCK_DEFAULT_HOST)).hostname or ""
    return host in ("127.0.0.1", "localhost", "::1")


def plan(env: dict[str, str]) -> list[Service]:
    """The services to start, in order, for the profile ``env`` describes."""
    python = sys.executable
    services: list[Service] = []
    if uses_mock(env):
        mock_url = env.get("ENTRA_AUTHORITY_HOST", MOCK_DEFAULT_HOST).rstrip("/")
        port = str(urlsplit(mock_url).port or 443)
        services.append(
            Service(
                "mock", [python, "-m", "mock_entra", "serve", "--port", port], f"{mock_url}/healthz"
            )
        )
    backend_url = env.get("BACKEND_URL", "http://127.0.0.1:8000").rstrip("/")
    frontend_url = env.get("FRONTEND_URL", "http://localhost:5001").rstrip("/")
    # The lab's backend entry: `python -m backend` plus the fakes (SERVE_FAKE_DOWNSTREAM).
    backend = [python, "-m", "fake_downstream.with_backend"]
    services.append(Service("backend", backend, f"{backend_url}/healthz"))
    services.append(Service("frontend", [python, "-m", "frontend"], f"{frontend_url}/healthz"))
    return services


def child_environment(env: dict[str, str], ca_bundle: str | None) -> dict[str, str]:
    """What every child sees: the profile, and the mock's CA trusted by every client library."""
    child = dict(os.environ) | env
    child["PYTHONUNBUFFERED"] = "1"
    if ca_bundle:
        child["ENTRA_CA_BUNDLE"] = ca_bundle
        # requests (MSAL), azure-core and httpx read these; machines often point them at
        # the system store, which lacks the local CA, so set them deliberately.
        for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE"):
            child[name] = ca_bundle
    return child
