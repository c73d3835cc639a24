"""Fixtures for the frontend: settings against the running mock, signed-in test clients."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from frontend.app import create_app
from frontend.chat import parse_sse
from frontend.settings import FrontendSettings
from tests.frontend.browser_lab import Lab, chromium, running_lab
from tests.frontend.fake_backend import Behaviour, run_fake_backend

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def make_settings(mock_entra: Any, tmp_path: Path) -> Callable[..., FrontendSettings]:
    """Settings pointing at the session's mock (and a backend URL given by the test)."""

    def make(**overrides: Any) -> FrontendSettings:
        values: dict[str, Any] = {
            "entra_authority_host": mock_entra.base_url,
            "entra_tenant_id": mock_entra.tenant_id,
            "entra_ca_bundle": str(mock_entra.ca_bundle),
            "frontend_session_dir": tmp_path / "sessions",
            "frontend_secret_key": "test-secret-key",
            "backend_url": "http://127.0.0.1:9",  # nothing listens: tests that call set it
        }
        values.update(overrides)
        return FrontendSettings(_env_file=None, **values)  # type: ignore[call-arg]

    return make


@pytest.fixture
def behaviour() -> Behaviour:
    return Behaviour()


@pytest.fixture
def fake_backend(behaviour: Behaviour) -> Iterator[str]:
    with run_fake_backend(behaviour) as url:
        yield url


@pytest.fixture
def app(make_settings: Callable[..., FrontendSettings], fake_backend: str) -> Flask:
    return create_app(make_settings(backend_url=fake_backend))


@pytest.fixture(scope="module")
def lab(mock_entra: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """Mock, backend and frontend (on waitress) for one browser test module."""
    with running_lab(tmp_path_factory.mktemp("lab")) as running:
        yield running


@pytest.fixture(scope="module")
def browser(mock_entra: Any) -> Iterator[Any]:
    """Headless Chromium that trusts the mock's CA."""
    with chromium(mock_entra.ca_bundle) as launched:
        yield launched


def sign_in(client: FlaskClient, tokens: Any, user: str, path: str = "/inspector") -> Any:
    """Drive the real sign-in: app → mock's sign-in page → app's redirect URI."""
    start = client.get(path)
    assert start.status_code == 302, start.data[:300]
    params = tokens.authorize(start.headers["Location"], user)
    return client.get("/signin-oidc", query_string=params)


def csrf_of(client: FlaskClient) -> str:
    """The session's CSRF token, read from a page as the browser would."""
    page = client.get("/chat")
    match = CSRF.search(page.get_data(as_text=True))
    assert match, page.status_code
    return match.group(1)


sse_events = parse_sse
