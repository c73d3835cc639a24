"""My API's test set-up: the mock (the ``mock_entra`` fixture of the installed plugin) with
this project's own tenant added at run time, and the API served on a loopback port."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
import yaml
from my_api.app import CLIENT_ID, SCOPE, TENANT_ID, create_app
from my_api.auth import AuthSettings

from mock_entra.testing import BadTokens, RunningMock

HERE = Path(__file__).parent
WEB = {"client_id": "815f2335-0bda-434e-b7b7-5b6510124db3", "client_secret": "my-web-secret-0001",
       "redirect_uri": "http://localhost:8765/callback"}  # fmt: skip
ALICE = ("alice@myorg.onmicrosoft.com", "alice-password")
DAEMON = ("1b455f7d-c568-4d7e-bb26-a614ae0aa9c4", "my-job-secret-0001")


@pytest.fixture(scope="session")
def my_tenant(mock_entra: RunningMock) -> Iterator[dict[str, Any]]:
    """tenant.yaml's tenant, added to the session's mock (``PUT /_admin/tenants/{id}``)."""
    tenant: dict[str, Any] = yaml.safe_load((HERE / "tenant.yaml").read_text())["tenants"][0]
    with mock_entra.runtime_tenant(tenant):
        yield tenant


@pytest.fixture(scope="session")
def settings(mock_entra: RunningMock, my_tenant: dict[str, Any]) -> AuthSettings:
    return AuthSettings(mock_entra.base_url, TENANT_ID, CLIENT_ID, SCOPE, str(mock_entra.ca_bundle))


@pytest.fixture(scope="session")
def api_url(settings: AuthSettings) -> Iterator[str]:
    """The API over real HTTP on 127.0.0.1, as the catalog needs it."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(create_app(settings), log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="session")
def bad_tokens(mock_entra: RunningMock, my_tenant: dict[str, Any]) -> BadTokens:
    """Validly signed tokens for My API with one change each (My Web signing alice in)."""
    return BadTokens(mock_entra, mock_entra.admin, user=ALICE[0], password=ALICE[1],
                     scopes=[f"api://{CLIENT_ID}/{SCOPE}"], tenant=TENANT_ID, **WEB)  # fmt: skip
