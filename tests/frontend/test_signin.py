"""Sign-in, sign-out and the section C scenarios, against the running mock over HTTPS."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

from flask import Flask

from frontend.app import create_app
from tests.frontend.conftest import csrf_of, sign_in

JWT = re.compile(r"eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+")


def _user(client: Any) -> dict[str, Any] | None:
    with client.session_transaction() as session:
        return session.get("_logged_in_user")


def test_sign_in_lands_on_the_page_that_asked_and_checks_tenant(
    app: Flask, entra_tokens: Any, mock_entra: Any
) -> None:
    client = app.test_client()
    answer = sign_in(client, entra_tokens, "alice")
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/inspector"
    user = _user(client)
    assert user is not None
    assert user["tid"] == mock_entra.tenant_id
    assert user["preferred_username"] == "alice@contoso.onmicrosoft.com"
    home = client.get("/")
    assert home.status_code == 200
    assert "Alice" in home.get_data(as_text=True)


def test_unauthenticated_page_redirects_to_the_tenant_authority_with_pkce(app: Flask) -> None:
    start = app.test_client().get("/")
    query = parse_qs(urlsplit(start.headers["Location"]).query)
    assert "/oauth2/v2.0/authorize" in start.headers["Location"]
    assert query["code_challenge_method"] == ["S256"]
    assert query["redirect_uri"] == ["http://localhost:5001/signin-oidc"]
    assert "https://graph.microsoft.com/User.Read" in query["scope"][0]


def test_c1_state_mismatch_sends_no_token_request_and_shows_a_page(
    app: Flask, entra_tokens: Any
) -> None:
    client = app.test_client()
    start = client.get("/inspector")
    params = entra_tokens.authorize(start.headers["Location"], "alice")
    params["state"] = "forged-state"
    answer = client.get("/signin-oidc", query_string=params)
    assert answer.status_code == 400
    assert "state" in answer.get_data(as_text=True)
    assert _user(client) is None
    # The code was never redeemed: the legitimate state can no longer use the flow either.
    again = client.get("/signin-oidc", query_string={**params, "state": "x"})
    assert again.status_code == 400


def test_c2_callback_without_a_sign_in_in_progress(app: Flask) -> None:
    answer = app.test_client().get("/signin-oidc?code=abc&state=xyz")
    assert answer.status_code == 400
    assert "No sign-in was in progress" in answer.get_data(as_text=True)


def test_c3_injected_code_of_another_flow_fails_on_pkce(app: Flask, entra_tokens: Any) -> None:
    attacker = app.test_client()
    victim = app.test_client()
    attacker_start = attacker.get("/inspector")
    stolen = entra_tokens.authorize(attacker_start.headers["Location"], "bob")
    victim_start = victim.get("/inspector")
    victim_state = parse_qs(urlsplit(victim_start.headers["Location"]).query)["state"][0]
    answer = victim.get("/signin-oidc", query_string={**stolen, "state": victim_state})
    assert answer.status_code == 400
    assert "invalid_grant" in answer.get_data(as_text=True)
    assert _user(victim) is None


def test_c4_error_callback_shows_the_error_and_ignores_smuggled_tokens(app: Flask) -> None:
    client = app.test_client()
    start = client.get("/inspector")
    state = parse_qs(urlsplit(start.headers["Location"]).query)["state"][0]
    answer = client.get(
        "/signin-oidc",
        query_string={
            "error": "access_denied",
            "error_description": "AADSTS65004: User declined to consent.",
            "state": state,
            "access_token": "eyJhbGciOiJub25lIn0.eyJvaWQiOiJldmlsIn0.x",
        },
    )
    body = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert "access_denied" in body and "AADSTS65004" in body
    assert "eyJ" not in body
    assert _user(client) is None


def test_c5_nonce_mismatch_is_refused_cleanly(app: Flask, entra_tokens: Any) -> None:
    client = app.test_client()
    start = client.get("/inspector")
    params = entra_tokens.authorize(start.headers["Location"], "alice")
    with client.session_transaction() as session:
        # The browser's flow now expects another nonce than the one the IdP signed in.
        session["_auth_flow"]["nonce"] = "not-the-nonce-that-was-sent"
    answer = client.get("/signin-oidc", query_string=params)
    assert answer.status_code == 400
    assert "must not accept" in answer.get_data(as_text=True)
    assert _user(client) is None


def test_c7_id_token_of_another_tenant_is_refused(make_settings: Any, entra_tokens: Any) -> None:
    # The app expects fabrikam; the mock (correctly) issues a contoso ID token.
    app = create_app(make_settings(frontend_expected_tid="35d94638-998d-45aa-b0d8-43dd7cd23aa6"))
    client = app.test_client()
    answer = sign_in(client, entra_tokens, "alice")
    assert answer.status_code == 400
    assert "another tenant" in answer.get_data(as_text=True)
    assert _user(client) is None
    with client.session_transaction() as session:
        assert "_token_cache" not in session


def test_c8_next_parameter_only_follows_same_origin_paths(app: Flask, entra_tokens: Any) -> None:
    for target, expected in [
        ("https://evil.example/steal", "/"),
        ("//evil.example/x", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("/chat?x=1", "/chat?x=1"),
    ]:
        client = app.test_client()
        start = client.get("/login", query_string={"next": target})
        params = entra_tokens.authorize(start.headers["Location"], "alice")
        answer = client.get("/signin-oidc", query_string=params)
        assert answer.headers["Location"] == expected, target


def test_c9_only_an_httponly_samesite_cookie_reaches_the_browser(
    app: Flask, entra_tokens: Any
) -> None:
    client = app.test_client()
    answer = sign_in(client, entra_tokens, "alice")
    cookies = answer.headers.getlist("Set-Cookie")
    assert cookies, "a session cookie is set"
    for cookie in cookies:
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert not JWT.search(cookie)
    for path in ("/", "/chat"):
        page = client.get(path)
        assert not JWT.search(page.get_data(as_text=True)), path
        assert page.headers["Cache-Control"] == "no-store"


def test_sign_out_clears_the_session_and_ends_the_idp_session(
    app: Flask, entra_tokens: Any, mock_entra: Any
) -> None:
    client = app.test_client()
    sign_in(client, entra_tokens, "alice")
    answer = client.post("/logout", data={"csrf_token": csrf_of(client)})
    assert answer.status_code == 302
    location = answer.headers["Location"]
    assert location.startswith(mock_entra.base_url) and "logout" in location
    assert "post_logout_redirect_uri=http://localhost:5001/" in location
    assert _user(client) is None
    assert client.get("/inspector").status_code == 302  # signed out: back to the IdP


def test_sign_out_without_csrf_token_is_refused(app: Flask, entra_tokens: Any) -> None:
    client = app.test_client()
    sign_in(client, entra_tokens, "alice")
    answer = client.post("/logout")
    assert answer.status_code == 400
    assert _user(client) is not None


def test_idp_down_at_sign_in_start_is_a_friendly_503(make_settings: Any) -> None:
    app = create_app(make_settings(entra_authority_host="https://127.0.0.1:9"))
    answer = app.test_client().get("/inspector")
    assert answer.status_code == 503
    assert "could not be reached" in answer.get_data(as_text=True)


def _refresh_fault(mock: Any, **effect: Any) -> Any:
    return mock.fault(
        client_id="276c44e0-30c1-44f5-8680-e817fc8185bb", endpoint="token",
        grant_type="refresh_token", **effect,
    )  # fmt: skip


def test_a_refresh_the_idp_answers_with_503_is_a_friendly_503_not_a_500(
    app: Flask, mock_entra: Any, entra_tokens: Any
) -> None:
    client = app.test_client()
    sign_in(client, entra_tokens, "carol", path="/")
    with _refresh_fault(mock_entra, effect="server_error", status=503):
        answer = client.get("/chat")  # needs the backend token: a refresh-token grant
    assert answer.status_code == 503, answer.get_data(as_text=True)[:300]
    assert "could not be reached" in answer.get_data(as_text=True)


def test_a_throttled_refresh_falls_back_to_interactive_sign_in(
    app: Flask, mock_entra: Any, entra_tokens: Any
) -> None:
    """MSAL returns a 429 as an error result, and identity.flask then signs the user in again."""
    client = app.test_client()
    sign_in(client, entra_tokens, "carol", path="/")
    with _refresh_fault(mock_entra, effect="throttle", retry_after=5):
        answer = client.get("/chat")
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith(mock_entra.base_url)
