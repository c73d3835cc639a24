"""Run the mock in-process over real HTTPS: ``run_mock()`` and the ``RunningMock`` it yields.

For this project's tests and for users testing their own apps::

    with run_mock() as mock:
        tokens = Tokens(mock)
        result = tokens.sign_in("alice", scopes=[f"{API_APP_ID_URI}/access_as_user"])

Every mock started in one process shares one local CA (``shared_tls_dir``), so a
single ``REQUESTS_CA_BUNDLE`` trusts them all. The pytest plugin
(:mod:`mock_entra.testing.plugin`) wraps this in fixtures.
"""

from __future__ import annotations

import logging
import tempfile
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

from entra_kit.serve import ServerTls, bind_loopback, serve_in_thread
from entra_kit.shipped_tenant import TENANT_ID
from mock_entra.app import create_app
from mock_entra.context import Context
from mock_entra.settings import MockSettings
from mock_entra.testing.admin_client import AdminClient
from mock_entra.tls import TlsFiles, ensure_tls


class _QuietShutdown(logging.Filter):
    """Idle keep-alive connections from clients make uvicorn log a harmless shutdown line."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "graceful shutdown exceeded" not in record.getMessage()


logging.getLogger("uvicorn.error").addFilter(_QuietShutdown())

_shared_tls: Path | None = None
_shared_lock = threading.Lock()


def shared_tls_dir() -> Path:
    """One CA per process, so one trust setting covers every mock a test session starts."""
    global _shared_tls
    with _shared_lock:
        if _shared_tls is None:
            _shared_tls = Path(tempfile.mkdtemp(prefix="mock-entra-tls-"))
            ensure_tls(_shared_tls)
        return _shared_tls


@dataclass
class RunningMock:
    """A mock served by :func:`run_mock`: its URLs, its CA, its state and its admin API."""

    base_url: str
    ca_bundle: Path
    state_dir: Path
    app: FastAPI
    tenant_id: str = TENANT_ID

    @property
    def ctx(self) -> Context:
        ctx: Context = self.app.state.ctx
        return ctx

    def authority(self, tenant: str | None = None) -> str:
        return f"{self.base_url}/{tenant or self.tenant_id}"

    def issuer_v1(self, tenant: str | None = None) -> str:
        return self.ctx.issuer_v1(tenant or self.tenant_id)

    def issuer_v2(self, tenant: str | None = None) -> str:
        return self.ctx.issuer_v2(tenant or self.tenant_id)

    def jwks_uri(self, tenant: str | None = None) -> str:
        return f"{self.authority(tenant)}/discovery/v2.0/keys"

    def token_endpoint(self, tenant: str | None = None) -> str:
        return f"{self.authority(tenant)}/oauth2/v2.0/token"

    @contextmanager
    def shifted_clock(self, seconds: float) -> Iterator[None]:
        """Run the block with the mock's clock moved by ``seconds`` (expiry tests, no sleeping)."""
        ctx = self.ctx
        original = ctx.clock
        ctx.clock = lambda: original() + seconds
        try:
            yield
        finally:
            ctx.clock = original

    def http(self, **kwargs: Any) -> httpx.Client:
        """An httpx client that trusts the mock's CA."""
        return httpx.Client(verify=str(self.ca_bundle), base_url=self.base_url, **kwargs)

    # -- the admin API, over HTTPS (mock_entra.testing.admin_client) ----------------------
    @property
    def admin(self) -> AdminClient:
        return AdminClient(self.base_url, self.ca_bundle, self.ctx.settings.admin_token or None)

    def fault(self, **match_and_effect: Any) -> AbstractContextManager[dict[str, Any]]:
        """A scoped fault for a ``with`` block, e.g. ``mock.fault(tenant=T, effect="throttle")``."""
        return self.admin.fault(**match_and_effect)

    def runtime_tenant(self, tenant: dict[str, Any]) -> AbstractContextManager[str]:
        """A tenant of the test's own (tenant-YAML schema) for a ``with`` block; yields its id."""
        return self.admin.runtime_tenant(tenant)

    def rotate_keys(self, tenant: str | None = None) -> dict[str, Any]:
        return self.admin.rotate_keys(tenant or self.tenant_id)

    def requests(
        self, tenant: str | None = None, client_id: str | None = None, limit: int = 100
    ) -> list[dict[str, Any]]:
        """The request log, newest first (credentials redacted)."""
        return self.admin.requests(tenant, client_id, limit)


@contextmanager
def run_mock(
    state_dir: Path | None = None,
    *,
    port: int = 0,
    tls: TlsFiles | None = None,
    **settings: Any,
) -> Iterator[RunningMock]:
    """Serve the mock over HTTPS on 127.0.0.1 in a background thread until the block ends."""
    state = Path(state_dir or tempfile.mkdtemp(prefix="mock-entra-"))
    tls = tls or ensure_tls(shared_tls_dir())
    sock = bind_loopback(port)
    mock_settings = MockSettings(
        host="127.0.0.1",
        port=sock.getsockname()[1],
        state_dir=state,
        log_requests=False,
        **settings,
    )
    app = create_app(mock_settings)
    server_tls = ServerTls(tls.server_cert, tls.server_key)
    with serve_in_thread(app, sock=sock, tls=server_tls, name="mock-entra", lifespan="off"):
        yield RunningMock(mock_settings.base_url, tls.ca_cert, state, app)
