"""End-session: the mock session ends, and only the app's registered redirect URIs are followed.

Entra's v2 sign-out doc: ``post_logout_redirect_uri`` "must match one of the redirect URIs
registered for your application"; ``logout_hint`` is the ``login_hint`` optional claim.

identity.flask reads ``end_session_endpoint`` from the v1 discovery document
(``/<tid>/oauth2/logout``) and sends only ``post_logout_redirect_uri``, unencoded.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from mock_entra.app import create_app
from mock_entra.optional_claims import login_hint
from mock_entra.records.sessions import SsoSession
from mock_entra.settings import MockSettings
from mock_entra.tenant.loader import TenantFileError, load_directory
from mock_entra.testing.browser import FormBrowser

BASE = "http://127.0.0.1:8443"
TENANT = "b63e68de-d8de-4919-b8c7-175cc63619fc"
WEB = "276c44e0-30c1-44f5-8680-e817fc8185bb"
BACKEND = "fe5f360b-4f1f-4029-b90b-f832bcb0412c"
REDIRECT = "http://localhost:5001/signin-oidc"
HOME = "http://localhost:5001/"
PATHS = [f"/{TENANT}/oauth2/v2.0/logout", f"/{TENANT}/oauth2/logout"]


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(MockSettings(state_dir=tmp_path, tls=False))
    with TestClient(app, base_url=BASE, follow_redirects=False) as c:
        yield c


def sign_in(client: TestClient) -> str:
    browser = FormBrowser(client)
    page = browser.authorize(
        TENANT,
        client_id=WEB,
        response_type="code",
        redirect_uri=REDIRECT,
        scope="openid User.Read",
        state="s",
    )
    assert browser.sign_in(page, "alice", "alice-password").status_code == 302
    return client.cookies["mock_entra_session"]


def silent(client: TestClient) -> dict[str, str]:
    response = FormBrowser(client).authorize(
        TENANT,
        client_id=WEB,
        response_type="code",
        redirect_uri=REDIRECT,
        scope="openid",
        prompt="none",
        state="silent",
    )
    return FormBrowser.result(response)


def id_token(aud: str) -> str:
    def b64(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{b64({'alg': 'RS256'})}.{b64({'aud': aud, 'tid': TENANT})}.sig"


@pytest.mark.parametrize("path", PATHS, ids=["v2 path", "v1 path (identity.flask)"])
def test_logout_ends_the_session_and_clears_the_cookie(client: TestClient, path: str) -> None:
    sid = sign_in(client)
    assert "code" in silent(client)
    response = client.get(path)
    assert "mock_entra_session=" in response.headers["set-cookie"]
    assert "Max-Age=0" in response.headers["set-cookie"]
    store = client.app.state.ctx.store  # type: ignore[attr-defined]
    assert SsoSession.find(store, sid, 2e9 - 1) is None
    assert silent(client)["error"] == "login_required"


@pytest.mark.parametrize("path", PATHS, ids=["v2 path", "v1 path (identity.flask)"])
def test_a_registered_post_logout_uri_is_followed_with_state(client: TestClient, path: str) -> None:
    sign_in(client)
    response = client.get(path, params={"post_logout_redirect_uri": HOME, "state": "bye"})
    assert response.status_code == 302
    assert response.headers["location"] == HOME + "?state=bye"


def test_identity_flask_style_unencoded_uri_is_followed(client: TestClient) -> None:
    response = client.get(f"/{TENANT}/oauth2/logout?post_logout_redirect_uri={HOME}")
    assert response.status_code == 302
    assert response.headers["location"] == HOME


@pytest.mark.parametrize(
    "uri",
    [
        "https://evil.example/",
        "http://localhost:5001/elsewhere",
        "http://localhost:5001",
        "http://localhost:5001/?x=1",
    ],
    ids=["a foreign site", "another path", "the uri without its slash", "the uri with a query"],
)
def test_an_unregistered_post_logout_uri_shows_the_signed_out_page(
    client: TestClient, uri: str
) -> None:
    sign_in(client)
    response = client.get(PATHS[0], params={"post_logout_redirect_uri": uri})
    assert response.status_code == 200
    assert "location" not in response.headers
    assert "You signed out" in response.text
    assert silent(client)["error"] == "login_required"


def test_without_a_uri_the_signed_out_page_is_shown(client: TestClient) -> None:
    response = client.get(PATHS[1])
    assert response.status_code == 200 and "You signed out" in response.text


def test_the_uri_must_belong_to_the_named_client(client: TestClient) -> None:
    named_backend = client.get(
        PATHS[0], params={"post_logout_redirect_uri": HOME, "client_id": BACKEND}
    )
    assert named_backend.status_code == 200
    named_web = client.get(PATHS[0], params={"post_logout_redirect_uri": HOME, "client_id": WEB})
    assert named_web.status_code == 302


def test_the_id_token_hint_names_the_client(client: TestClient) -> None:
    for aud, status in ((BACKEND, 200), (WEB, 302)):
        response = client.get(
            PATHS[0], params={"post_logout_redirect_uri": HOME, "id_token_hint": id_token(aud)}
        )
        assert response.status_code == status, aud


_NESTED = base64.urlsafe_b64encode(b"[" * 3000).decode().rstrip("=")


@pytest.mark.parametrize(
    "hint", ["garbage", "a.b.c", "a.!!!.c", "." * 2, "x" * 5000, f"a.{_NESTED}.c", "a.__8.c"]
)
def test_a_malformed_id_token_hint_is_never_a_500(client: TestClient, hint: str) -> None:
    response = client.get(
        PATHS[0], params={"post_logout_redirect_uri": HOME, "id_token_hint": hint}
    )
    assert response.status_code in (200, 302, 400)


def test_logout_at_an_unknown_tenant_is_an_error_page(client: TestClient) -> None:
    response = client.get(
        "/nowhere.example/oauth2/v2.0/logout", params={"post_logout_redirect_uri": HOME}
    )
    assert response.status_code == 400
    assert response.headers["x-mock-entra-error"] == "invalid_request AADSTS90002"


def test_logout_accepts_a_form_post(client: TestClient) -> None:
    response = client.post(PATHS[0], data={"post_logout_redirect_uri": HOME})
    assert response.status_code == 302 and response.headers["location"] == HOME


def test_a_sign_in_redirect_uri_is_where_sign_out_may_return(client: TestClient) -> None:
    """Not a separate list: any registered redirect URI of the app (v2-protocols-oidc)."""
    response = client.get(PATHS[0], params={"post_logout_redirect_uri": REDIRECT})
    assert response.status_code == 302 and response.headers["location"] == REDIRECT


def _hint(client: TestClient, user: str) -> str:
    tenant = client.app.state.ctx.directory.view(TENANT)  # type: ignore[attr-defined]
    found = tenant.user(user)
    assert found is not None
    return login_hint(found, tenant)


def test_a_logout_hint_for_the_signed_in_account_signs_it_out(client: TestClient) -> None:
    sign_in(client)
    hint = _hint(client, "alice@contoso.onmicrosoft.com")
    response = client.get(PATHS[0], params={"logout_hint": hint, "post_logout_redirect_uri": HOME})
    assert response.status_code == 302 and "Max-Age=0" in response.headers["set-cookie"]
    assert silent(client)["error"] == "login_required"


def test_a_logout_hint_for_another_account_leaves_this_one_signed_in(client: TestClient) -> None:
    sign_in(client)
    hint = _hint(client, "bob@contoso.onmicrosoft.com")
    response = client.get(PATHS[0], params={"logout_hint": hint, "post_logout_redirect_uri": HOME})
    assert response.status_code == 302 and "set-cookie" not in response.headers
    assert "code" in silent(client)


def test_a_upn_as_logout_hint_is_ignored_and_the_browser_signed_out(client: TestClient) -> None:
    sign_in(client)
    client.get(PATHS[0], params={"logout_hint": "bob@contoso.onmicrosoft.com"})
    assert silent(client)["error"] == "login_required"


def test_a_tenant_file_with_a_post_logout_list_is_refused_saying_where_the_uris_go(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.yaml"
    path.write_text(
        "tenants:\n- id: b63e68de-d8de-4919-b8c7-175cc63619fc\n  domain: contoso.onmicrosoft.com\n"
        "  applications:\n  - client_id: 276c44e0-30c1-44f5-8680-e817fc8185bb\n    name: Web\n"
        "    post_logout_redirect_uris: [http://localhost:5001/]\n"
    )
    with pytest.raises(TenantFileError, match="must match one of the app's redirect_uris"):
        load_directory(path)
