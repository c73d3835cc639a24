"""Run the lab's backend in-process over real HTTP, for this project's tests and the frontend's.

with run_mock() as mock, run_backend(backend_settings_for(mock)) as backend:
    ...  # backend.mcp_url, backend.state (keys, exchanger, the fakes' received tokens) ...

The backend is served as ``make run`` serves it: with the fake downstream APIs beside
it (``fake_downstream.with_backend``) unless ``serve_fake_downstream=False``.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette

from backend.app import Backend, backend_of
from backend.settings import BackendSettings
from entra_kit.serve import ServerTls, bind_loopback, serve_in_thread
from fake_downstream.guard import DownstreamGuard
from fake_downstream.with_backend import create_lab_backend

# For tests that speak MCP's streamable HTTP by hand (to see raw statuses and headers).
MCP_HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
MCP_PROTOCOL_VERSION = "2025-06-18"


def initialize_message(client_name: str = "tests") -> dict[str, Any]:
    """The JSON-RPC ``initialize`` request that opens an MCP session."""
    return {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": MCP_PROTOCOL_VERSION,
            "capabilities": {},
            "clientInfo": {"name": client_name, "version": "0"},
        },
    }


@dataclass
class BackendUnderTest(Backend):
    """The backend's state and the fakes served beside it (by name: ``search``, ``graph``)."""

    fakes: dict[str, DownstreamGuard] = field(default_factory=dict)


@dataclass
class RunningBackend:
    base_url: str
    app: Starlette
    fakes: dict[str, DownstreamGuard] = field(default_factory=dict)

    @property
    def mcp_url(self) -> str:
        return f"{self.base_url}/mcp"

    @property
    def state(self) -> BackendUnderTest:
        """What tests may inspect: the key cache, the exchanger, the fakes' received tokens."""
        return BackendUnderTest(**vars(backend_of(self.app)), fakes=self.fakes)


def backend_settings_for(mock: Any, **overrides: Any) -> dict[str, Any]:
    """Settings values pointing at a ``mock_entra.testing.RunningMock``."""
    values: dict[str, Any] = {
        "entra_authority_host": mock.base_url,
        "entra_tenant_id": mock.tenant_id,
        "entra_ca_bundle": mock.ca_bundle,
    }
    values.update(overrides)
    return values


@contextmanager
def run_backend(
    values: dict[str, Any],
    *,
    port: int = 0,
    tls: ServerTls | None = None,
    sock: socket.socket | None = None,
) -> Iterator[RunningBackend]:
    """Serve the lab's backend on 127.0.0.1 in a background thread until the block ends.

    ``values`` are settings field values; ``backend_url`` is set to the bound port
    (``sock``, when the caller bound one to know the URL first). With ``tls`` it is
    served over HTTPS and named ``https://localhost:<port>`` (the name its certificate
    must cover: the mock's own covers ``localhost``).
    """
    sock = sock or bind_loopback(port)
    bound = sock.getsockname()[1]
    base_url = f"https://localhost:{bound}" if tls else f"http://127.0.0.1:{bound}"
    # _env_file=None: tests must not pick up a developer's .env.
    settings = BackendSettings(_env_file=None, **{"backend_url": base_url, **values})  # type: ignore[call-arg]
    lab = create_lab_backend(settings)
    fakes = lab.fakes.guards if lab.fakes else {}
    with serve_in_thread(lab.app, sock=sock, tls=tls, name="backend"):
        yield RunningBackend(base_url, lab.app, fakes)
