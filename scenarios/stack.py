"""The system under test: the in-process stack (mock + backend, shared per worker) or
a running one (URLs from the shared settings of docs/CONTRACTS.md).

Per-scenario isolation never flips a shared switch: a scenario that needs a tenant
variant, faults, a moved clock or rotated keys gets a runtime tenant of its own
(``PUT /_admin/tenants/{id}``), and one that needs other backend or frontend
settings gets its own backend / frontend, started for it and stopped after it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from entra_kit.shipped_tenant import TENANT_ID
from entra_kit.trust import trusting

PRM_PATH = "/.well-known/oauth-protected-resource/mcp"


class Unsupported(Exception):
    """This target cannot do what the scenario asks (the scenario is skipped, with this)."""


@dataclass
class BackendHandle:
    base_url: str
    # backend.app.Backend when in-process: JWKS fetch counts, the fakes' received tokens.
    state: Any = None

    @property
    def mcp_url(self) -> str:
        return f"{self.base_url}/mcp"

    @property
    def prm_url(self) -> str:
        return f"{self.base_url}{PRM_PATH}"


class Stack:
    """What the runner needs from a target; subclasses fill in what they can.

    It is an :class:`~mock_entra.testing.flows.IdentityPlatform`, so the real flows
    (``Tokens``, ``RawFlow``) run against it.
    """

    kind = "abstract"
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
        with self.http() as client:
            answer = client.request(method, f"/_admin{path}", **kwargs)
        if answer.status_code == 404 and "not_found" not in answer.text:
            raise Unsupported("the identity platform has no admin API (/_admin)")
        if answer.status_code >= 400:
            raise RuntimeError(f"admin {method} {path}: {answer.status_code} {answer.text[:300]}")
        return answer

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


class InProcessStack(Stack):
    """Mock over real HTTPS and the backend over real HTTP, in this process's threads."""

    kind = "inprocess"

    def __init__(self) -> None:
        from backend.testing import backend_settings_for, run_backend
        from mock_entra.testing import run_mock

        self._exit = ExitStack()
        self._tmp = Path(tempfile.mkdtemp(prefix="scenarios-"))
        self.mock = self._exit.enter_context(run_mock(self._tmp / "mock"))
        self.mock_url = self.mock.base_url
        self.ca_bundle = str(self.mock.ca_bundle)
        self.tenant_id = self.mock.tenant_id
        self._trust()
        self._settings_for = backend_settings_for
        self._run_backend = run_backend
        running = self._exit.enter_context(run_backend(backend_settings_for(self.mock)))
        self.backend = BackendHandle(running.base_url, running.state)

    def _trust(self) -> None:
        # requests (inside MSAL) reads these and they win over MSAL's verify= (LIBRARY-FACTS).
        if self.ca_bundle:
            self._exit.enter_context(trusting(self.ca_bundle))

    def trusted_key(self, tenant: str) -> tuple[str, rsa.RSAPrivateKey]:
        ctx = self.mock.ctx
        key = ctx.ring(ctx.tenant(tenant).id).signing_key(ctx.now())
        private = serialization.load_pem_private_key(key.private_pem.encode(), password=None)
        assert isinstance(private, rsa.RSAPrivateKey)
        return key.kid, private

    @contextmanager
    def own_backend(self, values: dict[str, Any]) -> Iterator[BackendHandle]:
        with self._run_backend(self._settings_for(self.mock, **values)) as running:
            yield BackendHandle(running.base_url, running.state)

    def frontend_app(self, values: dict[str, Any]) -> Any:
        from frontend.app import create_app
        from frontend.settings import FrontendSettings

        settings: dict[str, Any] = {
            "entra_authority_host": self.mock_url,
            "entra_tenant_id": self.tenant_id,
            "entra_ca_bundle": self.ca_bundle,
            "frontend_session_dir": Path(tempfile.mkdtemp(dir=self._tmp, prefix="sessions-")),
            "frontend_secret_key": "scenario-secret-key",
            "backend_url": self.backend.base_url,
            **values,
        }
        return create_app(FrontendSettings(_env_file=None, **settings))  # type: ignore[call-arg]

    def close(self) -> None:
        self._exit.close()


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


def make_stack(target: str) -> Stack:
    if target == "inprocess":
        return InProcessStack()
    if target in ("running", "entra"):
        return RunningStack()
    raise ValueError(f"unknown target {target!r}: inprocess, running or entra")
