"""The hot paths answered ahead of FastAPI (``routes.lean``) answer as the FastAPI routes do.

``MockEntraApp.front`` sends token, discovery and JWKS requests to the lean paths; the
FastAPI routes stay for the schema and for an app driven without the front. Both must
give the same status, headers and body (tokens aside, which are new each time).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest

from mock_entra.app import MockEntraApp, create_app
from mock_entra.settings import MockSettings
from mock_entra.testing import (
    API_APP_ID_URI,
    DAEMON_CLIENT_ID,
    DAEMON_CLIENT_SECRET,
    TENANT_ID,
)

CLIENT_CREDENTIALS = {
    "grant_type": "client_credentials",
    "client_id": DAEMON_CLIENT_ID,
    "client_secret": DAEMON_CLIENT_SECRET,
    "scope": f"{API_APP_ID_URI}/.default",
}
VARYING = {"content-length", "x-mock-entra-worker"}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> MockEntraApp:
    made = create_app(MockSettings(state_dir=Path(tmp_path_factory.mktemp("lean"))))
    assert isinstance(made, MockEntraApp)
    return made


def _ask(asgi: Any, method: str, path: str, form: dict[str, str] | None) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=asgi, client=("127.0.0.1", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="https://127.0.0.1") as c:
            return await c.request(method, path, data=form)

    return asyncio.run(go())


def _headers(answer: httpx.Response) -> list[tuple[str, str]]:
    return [(k, v) for k, v in answer.headers.multi_items() if k not in VARYING]


@pytest.mark.parametrize(
    ("method", "path", "form"),
    [
        ("POST", f"/{TENANT_ID}/oauth2/v2.0/token", CLIENT_CREDENTIALS),
        ("POST", f"/{TENANT_ID}/oauth2/v2.0/token", {**CLIENT_CREDENTIALS, "client_secret": "x"}),
        ("POST", "/organizations/oauth2/v2.0/token", {"grant_type": "client_credentials"}),
        ("POST", f"/{TENANT_ID}/oauth2/token", {**CLIENT_CREDENTIALS, "resource": "a%20b"}),
        ("GET", f"/{TENANT_ID}/v2.0/.well-known/openid-configuration", None),
        ("GET", f"/{TENANT_ID}/.well-known/openid-configuration", None),
        ("GET", f"/{TENANT_ID}/discovery/v2.0/keys", None),
        ("GET", "/no-such-tenant/v2.0/.well-known/openid-configuration", None),
    ],
    ids=[
        "token",
        "token refused",
        "alias refused",
        "v1 token",
        "discovery v2",
        "discovery v1",
        "jwks",
        "unknown tenant",
    ],
)
def test_a_lean_answer_is_the_fastapi_routes(
    app: MockEntraApp, method: str, path: str, form: dict[str, str] | None
) -> None:
    lean = _ask(app, method, path, form)
    routed = _ask(app.fastapi_call, method, path, form)
    assert lean.status_code == routed.status_code, (lean.text, routed.text)
    assert _headers(lean) == _headers(routed)
    assert lean.headers["x-mock-entra-worker"]  # the controls saw the lean request
    body, other = lean.json(), routed.json()
    if "access_token" in body:
        assert sorted(body) == sorted(other)
        assert body["token_type"] == other["token_type"] == "Bearer"
    else:
        assert _stable(body) == _stable(other)


def _stable(body: dict[str, Any]) -> dict[str, Any]:
    """An error body without what is new for every answer (ids, time)."""
    kept = {k: v for k, v in body.items() if k not in ("timestamp", "trace_id", "correlation_id")}
    if "error_description" in kept:
        kept["error_description"] = kept["error_description"].split(" Trace ID:")[0]
    return kept
