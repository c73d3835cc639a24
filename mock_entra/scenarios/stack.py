"""The system under test, as the runner sees it: an identity platform (the mock) and the
API it protects. :class:`RunningStack` is a served lab (URLs from the shared settings
of docs/CONTRACTS.md); the lab's in-process stack lives with the lab (``scenarios.lab``).

Per-scenario isolation never flips a shared switch: a scenario that needs a tenant
variant, faults, a moved clock or rotated keys gets a runtime tenant of its own
(``PUT /_admin/tenants/{id}``), and one that needs other backend or frontend
settings gets its own backend / frontend, started for it and stopped after it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from cryptography.hazmat.primitives.asymmetric import rsa

from entra_kit.shipped_tenant import TENANT_ID
from mock_entra.scenarios.applies import CAPABILITIES
from mock_entra.scenarios.apps import Apps
from mock_entra.scenarios.expect import Expect
from mock_entra.scenarios.mcp import INITIALIZE, MCP_HEADERS


class Unsupported(Exception):
    """This target cannot do what the scenario asks (the scenario is skipped, with this)."""


def _one_line(exc: BaseException) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0][:200]


@dataclass
class BackendHandle:
    """The API under test: where it listens, its MCP endpoint and its RFC 9728 metadata."""

    base_url: str
    # backend.app.Backend when in-process: JWKS fetch counts, the fakes' received tokens.
    state: Any = None
    mcp_path: str = "/mcp"
    prm: str | None = None

    @property
    def mcp_url(self) -> str:
        return f"{self.base_url}{self.mcp_path}"

    @property
    def prm_url(self) -> str:
        """RFC 9728 §3.1: the well-known path with the resource's path as its suffix."""
        return self.prm or f"{self.base_url}/.well-known/oauth-protected-resource{self.mcp_path}"


class Stack:
    """What the runner needs from a target; subclasses fill in what they can.

    It is an :class:`~mock_entra.testing.flows.IdentityPlatform`, so the real flows
    (``Tokens``, ``RawFlow``) run against it.
    """

    kind = "abstract"
    apps: Apps = Apps()
    # What scenarios may need of a target (mock_entra.scenarios.applies): the lab has all
    # but v2 access tokens (its API keeps Entra's default for a new registration, v1).
    provides: frozenset[str] = frozenset(CAPABILITIES) - {"v2_tokens"}
    admin_headers: dict[str, str] = {}  # noqa: RUF012 (read only)
    # How to verify the API's TLS, when it is served over HTTPS (True: the system store).
    api_verify: str | bool = True
    mock_url: str
    ca_bundle: str | None
    tenant_id: str
    backend: BackendHandle

    def authority(self, tenant: str | None = None) -> str:
        return f"{self.mock_url}/{tenant or self.tenant_id}"

    def http(self, **kwargs: Any) -> httpx.Client:
        """A client for the identity platform (trusting its CA)."""
        return httpx.Client(
            base_url=self.mock_url, verify=self.ca_bundle or True, timeout=20, **kwargs
        )

    def admin(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        with self.http(headers=self.admin_headers) as client:
            answer = client.request(method, f"/_admin{path}", **kwargs)
        if answer.status_code == 404 and "not_found" not in answer.text:
            raise Unsupported("the identity platform has no admin API (/_admin)")
        if answer.status_code >= 400:
            raise RuntimeError(f"admin {method} {path}: {answer.status_code} {answer.text[:300]}")
        return answer

    def unreachable(self) -> str | None:
        """Why the target cannot be used (one line), or None when its parts answer.

        The identity platform must serve its discovery document over TLS it is
        trusted for; the API only has to answer HTTP at all (no health endpoint).
        """
        if self.ca_bundle and not Path(self.ca_bundle).is_file():
            return f"the identity platform's CA bundle {self.ca_bundle} does not exist"
        try:
            with self.http() as client:
                client.get(
                    f"/{self.tenant_id}/v2.0/.well-known/openid-configuration"
                ).raise_for_status()
        except (httpx.HTTPError, OSError) as exc:
            return f"the identity platform at {self.mock_url} does not answer: {_one_line(exc)}"
        try:
            with httpx.Client(timeout=10, verify=self.api_verify) as client:
                client.get(self.backend.base_url)
        except (httpx.HTTPError, OSError) as exc:
            return f"the API at {self.backend.base_url} does not answer: {_one_line(exc)}"
        return None

    def send_protected(
        self, backend: BackendHandle, headers: dict[str, str], query: dict[str, Any] | None
    ) -> httpx.Response:
        """The protected request to ``backend`` with these headers (the lab: MCP initialize)."""
        url = backend.mcp_url + (f"?{urlencode(query)}" if query else "")
        with httpx.Client(timeout=20) as client:
            return client.post(url, json=INITIALIZE, headers={**MCP_HEADERS, **headers})

    def fit(self, expect: Expect) -> Expect:
        """A row's expectation of the API's answer, in this target's terms (the lab: as is)."""
        return expect

    def jwks_fetches(self, backend: BackendHandle, tenant: str) -> int:
        """The backend's JWKS fetches: its own count in-process, else the mock's request log."""
        if backend.state is not None:
            return int(backend.state.keys.fetch_count)
        log = self.admin("GET", "/requests", params={"tenant": tenant, "limit": 1000}).json()
        return sum(1 for entry in log["requests"] if entry["endpoint"] == "jwks")

    def trusted_key(self, tenant: str) -> tuple[str, rsa.RSAPrivateKey]:
        raise Unsupported("re-signing with the tenant's key needs the in-process mock")

    @contextmanager
    def own_backend(self, values: dict[str, Any]) -> Iterator[BackendHandle]:
        raise Unsupported("a backend with scenario settings needs the in-process target")
        yield self.backend  # pragma: no cover

    def frontend_app(self, values: dict[str, Any]) -> Any:
        raise Unsupported("frontend scenarios drive the Flask app in-process")

    def close(self) -> None:
        return None


class RunningStack(Stack):
    """A stack someone started (``make run``): only what its public URLs offer."""

    kind = "running"

    def __init__(self, env: dict[str, str] | None = None) -> None:
        env = dict(os.environ if env is None else env)
        self.mock_url = env.get("ENTRA_AUTHORITY_HOST", "https://127.0.0.1:8443").rstrip("/")
        bundle = env.get("ENTRA_CA_BUNDLE", ".state/mock-entra/tls/ca.pem")
        self.ca_bundle = bundle or None
        self.tenant_id = env.get("ENTRA_TENANT_ID", TENANT_ID)
        self.backend = BackendHandle(env.get("BACKEND_URL", "http://127.0.0.1:8000").rstrip("/"))
