"""The one sign-in page driver: it answers each page by where its form posts, stops on a
page that comes back, and returns what reached the app (docs/CONTRACTS.md "Sign-in page")."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient

from entra_kit.shipped_tenant import TENANT_ID, USERS, WEB_CLIENT_ID, WEB_REDIRECT_URI
from mock_entra.app import create_app
from mock_entra.settings import MockSettings
from mock_entra.testing.browser import (
    Answers,
    FormBrowser,
    SignInError,
    hidden_fields,
    redirect_params,
)

BASE = "http://127.0.0.1:8443"
ALICE, ALICE_PASSWORD = USERS["alice"]


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(MockSettings(state_dir=tmp_path, tls=False))
    with TestClient(app, base_url=BASE, follow_redirects=False) as c:
        yield c


def auth_uri(**overrides: str) -> str:
    params = {
        "client_id": WEB_CLIENT_ID,
        "response_type": "code",
        "redirect_uri": WEB_REDIRECT_URI,
        "scope": "openid profile",
        "state": "st",
        **overrides,
    }
    return f"{BASE}/{TENANT_ID}/oauth2/v2.0/authorize?{urlencode(params)}"


def test_pages_are_known_by_where_their_form_posts(client: TestClient) -> None:
    browser = FormBrowser(client)
    page = client.get(auth_uri(scope="openid Mail.Read"))
    assert browser.page_kind(page) == "login"
    consent = browser.sign_in(page, ALICE, ALICE_PASSWORD)
    assert browser.page_kind(consent) == "consent"
    assert browser.page_kind(browser.consent(consent)) is None


def test_drive_answers_sign_in_and_consent_and_returns_the_redirect_params(
    client: TestClient,
) -> None:
    got = FormBrowser(client).drive(auth_uri(scope="openid Mail.Read"), ALICE, ALICE_PASSWORD)
    assert got["state"] == "st" and got["code"]


def test_drive_returns_the_form_post_fields(client: TestClient) -> None:
    got = FormBrowser(client).drive(auth_uri(response_mode="form_post"), ALICE, ALICE_PASSWORD)
    assert set(got) >= {"code", "state", "session_state"}


def test_declined_consent_reaches_the_app_as_access_denied(client: TestClient) -> None:
    browser = FormBrowser(client)
    got = browser.drive(
        auth_uri(scope="openid Mail.Read"), ALICE, ALICE_PASSWORD, consent="decline"
    )
    assert got["error"] == "access_denied" and "code" not in got


def test_a_wrong_password_stops_the_walk_with_the_pages_error(client: TestClient) -> None:
    with pytest.raises(SignInError, match=r"login page came back.*AADSTS50126"):
        FormBrowser(client).drive(auth_uri(), ALICE, "not-her-password")


def test_an_sso_session_goes_straight_back_to_the_app(client: TestClient) -> None:
    browser = FormBrowser(client)
    browser.drive(auth_uri(), ALICE, ALICE_PASSWORD)
    silent = browser.walk(auth_uri(prompt="none", state="again"), Answers("", ""))
    assert silent.status_code == 302 and browser.result(silent)["state"] == "again"


def test_an_error_page_is_no_result(client: TestClient) -> None:
    with pytest.raises(SignInError, match="no redirect or form_post"):
        FormBrowser(client).drive(auth_uri(redirect_uri="https://evil.example/cb"), ALICE, "x")


def test_redirect_params_read_query_or_fragment_and_hidden_fields_unescape() -> None:
    assert redirect_params("https://app/cb?code=a&state=s") == {"code": "a", "state": "s"}
    assert redirect_params("https://app/cb#code=b") == {"code": "b"}
    page = '<input type="hidden" name="state" value="a&amp;b">'
    assert hidden_fields(page) == {"state": "a&b"}
