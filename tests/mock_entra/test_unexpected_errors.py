"""A bug in the mock answers as Entra's transient ``server_error``, on every kind of path.

The hot paths (token, discovery, JWKS) are answered ahead of FastAPI's layers
(``mock_entra.app.MockEntraApp``), so they catch the unexpected themselves; the other
routes rely on the app's error handler; a bug in the controls themselves is caught in
front of them. All must answer alike: a 500 with Entra's body (AADSTS90033), no trace
on the wire, the trace in the log, the worker header, and (where the controls
worked) the request in the request log.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from mock_entra.admin import middleware
from mock_entra.routes import discovery, logout
from mock_entra.testing import RunningMock, run_mock

BUG = "a bug the caller must never see"


@pytest.fixture(scope="module")
def mock() -> Iterator[RunningMock]:
    with run_mock() as running:
        yield running


def _broken(*_args: object, **_kwargs: object) -> None:
    raise RuntimeError(BUG)


@pytest.mark.parametrize(
    ("module", "function", "path"),
    [
        (discovery, "discovery", "/{tenant}/v2.0/.well-known/openid-configuration"),
        (discovery, "jwks", "/{tenant}/discovery/v2.0/keys"),
        (logout, "logout", "/{tenant}/oauth2/v2.0/logout"),
        (middleware, "scope_of", "/{tenant}/v2.0/.well-known/openid-configuration"),
    ],
    ids=[
        "discovery (lean path)",
        "jwks (lean path)",
        "logout (FastAPI route)",
        "the controls themselves",
    ],
)
def test_an_unexpected_error_is_entras_server_error(
    mock: RunningMock,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    module: object,
    function: str,
    path: str,
) -> None:
    monkeypatch.setattr(module, function, _broken)
    with caplog.at_level(logging.ERROR, logger="mock_entra"), mock.http() as http:
        answer = http.get(path.format(tenant=mock.tenant_id))
    assert answer.status_code == 500, answer.text
    body = answer.json()
    assert body["error"] == "server_error" and body["error_codes"] == [90033]
    assert BUG not in answer.text and "Traceback" not in answer.text
    assert answer.headers["cache-control"] == "no-store"
    assert answer.headers["x-mock-entra-worker"]
    assert any(BUG in (r.exc_text or "") for r in caplog.records), "the trace is logged"
    if module is not middleware:  # the controls that keep the log are what failed
        logged = next(e for e in mock.requests(limit=5) if e["path"] == answer.url.path)
        assert logged["status"] == 500
