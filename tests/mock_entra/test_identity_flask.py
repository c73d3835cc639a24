"""identity.flask, unchanged, signs a user in against the mock and calls login_required."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from flask import Flask, jsonify
from flask.typing import ResponseReturnValue
from identity.flask import Auth
from werkzeug.serving import make_server

from mock_entra.testing import (
    API_SCOPE,
    WEB_CLIENT_ID,
    WEB_CLIENT_SECRET,
    RunningMock,
    Tokens,
    run_mock,
)
from tests.conftest import decode

TRUST = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE")


def _flask_app(authority: str, redirect_uri: str, session_dir: Path) -> Flask:
    app = Flask(__name__)
    app.config.update(SESSION_TYPE="filesystem", SESSION_FILE_DIR=str(session_dir))
    auth = Auth(
        app,
        authority=authority,
        client_id=WEB_CLIENT_ID,
        client_credential=WEB_CLIENT_SECRET,
        redirect_uri=redirect_uri,
    )

    @app.route("/")
    @auth.login_required(scopes=[API_SCOPE])
    def index(*, context: dict) -> ResponseReturnValue:  # type: ignore[type-arg]
        return jsonify(user=context["user"], claims=decode(context["access_token"]))

    return app


@pytest.fixture
def flask_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[str, RunningMock]]:
    server = make_server("127.0.0.1", 0, Flask("placeholder"))
    port = server.server_port
    site = f"http://localhost:{port}"
    tenant = resources.files("mock_entra").joinpath("default_tenant.yaml").read_text()
    tenant = tenant.replace("http://localhost:5001/signin-oidc", f"{site}/redirect")
    tenant = tenant.replace("http://localhost:5001/", f"{site}/")
    config = tmp_path / "tenant.yaml"
    config.write_text(tenant)
    with run_mock(tmp_path / "mock", config=config) as mock:
        for name in TRUST:
            monkeypatch.setenv(name, str(mock.ca_bundle))
        server.app = _flask_app(mock.authority(), f"{site}/redirect", tmp_path / "sessions")
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield site, mock
        finally:
            server.shutdown()
            thread.join(timeout=5)


def test_identity_flask_signs_in_and_gets_the_api_token(
    flask_site: tuple[str, RunningMock],
) -> None:
    site, mock = flask_site
    with httpx.Client(base_url=site) as browser:
        page = browser.get("/")
        auth_uri = re.search(r"URL=([^'\"]+)", page.text)
        assert auth_uri, page.text
        answer = Tokens(mock).authorize(auth_uri.group(1).replace("&amp;", "&"), "alice")
        assert "code" in answer, answer
        back = browser.get("/redirect", params=answer)
        assert back.status_code == 302, back.text
        home = browser.get("/")
        assert home.status_code == 200, home.text
        body = home.json()
        assert body["user"]["preferred_username"] == "alice@contoso.onmicrosoft.com"
        assert body["claims"]["scp"] == "access_as_user"

        logout = browser.get("/logout")
        assert logout.status_code == 302
        target = urlsplit(logout.headers["location"])
        assert target.path.endswith("/oauth2/logout") or target.path.endswith("/logout")
        assert parse_qs(target.query)["post_logout_redirect_uri"][0].startswith(site)
