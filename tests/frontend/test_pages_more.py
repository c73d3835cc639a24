"""Pages of issue 17: one host for sign-in, signed out, incremental consent, favicon, texts."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from flask import Flask

from tests.frontend.conftest import csrf_of, sign_in

MAIL_READ = "https://graph.microsoft.com/Mail.Read"


def test_sign_in_started_on_another_host_name_moves_to_frontend_url_first(app: Flask) -> None:
    # FRONTEND_URL is http://localhost:5001; the browser came by 127.0.0.1.
    other = app.test_client()
    for path, expected in [("/inspector", "/inspector"), ("/login?next=/chat", "/login?next=/chat"),
                           ("/", "/")]:  # fmt: skip
        answer = other.get(path, base_url="http://127.0.0.1:5001")
        assert answer.status_code == 302
        assert answer.headers["Location"] == f"http://localhost:5001{expected}", path
    # The configured host name starts the sign-in itself (the port does not matter to cookies).
    here = other.get("/inspector", base_url="http://localhost:5001")
    assert "/oauth2/v2.0/authorize" in here.headers["Location"]


def test_pages_that_need_no_sign_in_answer_on_any_host(app: Flask) -> None:
    client = app.test_client()
    assert client.get("/healthz", base_url="http://127.0.0.1:5001").status_code == 200
    favicon = client.get("/favicon.ico")
    assert favicon.status_code == 301 and favicon.headers["Location"] == "/static/favicon.svg"
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    assert 'rel="icon"' in client.get("/nope").get_data(as_text=True)


def test_after_sign_out_the_first_page_says_so_then_sign_in_starts_again(
    app: Flask, entra_tokens: Any
) -> None:
    client = app.test_client()
    sign_in(client, entra_tokens, "alice")
    client.post("/logout", data={"csrf_token": csrf_of(client)})
    back = client.get("/")  # where the identity platform sends the browser back
    assert back.status_code == 302 and back.headers["Location"] == "/signed-out"
    page = client.get("/signed-out").get_data(as_text=True)
    assert "You are signed out" in page and 'href="/login"' in page
    assert "Sign out" not in page  # no signed-in navigation on it
    again = client.get("/")
    assert again.status_code == 302 and "/oauth2/v2.0/authorize" in again.headers["Location"]


def test_signed_out_page_in_japanese_and_while_signed_in(app: Flask, entra_tokens: Any) -> None:
    client = app.test_client()
    page = client.get("/signed-out", headers={"Accept-Language": "ja"}).get_data(as_text=True)
    assert "サインアウトしました" in page and "オフライン ラボ" in page
    sign_in(client, entra_tokens, "bob")
    assert client.get("/signed-out").headers["Location"] == "/"


def test_incremental_consent_decline_explains_aadsts65004_then_accept_grants(
    app: Flask, entra_tokens: Any
) -> None:
    client = app.test_client()
    sign_in(client, entra_tokens, "carol", path="/")
    assert "/consent" in client.get("/").get_data(as_text=True)  # the button
    ask = client.get("/consent")
    assert ask.status_code == 302
    query = parse_qs(urlsplit(ask.headers["Location"]).query)
    assert MAIL_READ in query["scope"][0].split()
    declined = entra_tokens.authorize(ask.headers["Location"], "carol", consent="decline")
    assert declined["error"] == "access_denied"
    page = client.get("/signin-oidc", query_string=declined)
    body = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "Permission not granted" in body and "You declined the permission request" in body
    assert "AADSTS65004" in body and "still signed in" in body
    assert client.get("/").status_code == 200  # still signed in, as the page says

    ask = client.get("/consent")
    accepted = entra_tokens.authorize(ask.headers["Location"], "carol", consent="accept")
    assert client.get("/signin-oidc", query_string=accepted).headers["Location"] == "/consent"
    granted = client.get("/consent")
    assert granted.status_code == 200
    assert "Permission granted" in granted.get_data(as_text=True)
    assert "Mail.Read" in granted.get_data(as_text=True)


def test_footer_details_and_declined_texts_in_japanese(app: Flask) -> None:
    client = app.test_client()
    start = client.get("/inspector")
    state = parse_qs(urlsplit(start.headers["Location"]).query)["state"][0]
    page = client.get(
        "/signin-oidc",
        query_string={"error": "access_denied", "state": state,
                      "error_description": "AADSTS65004: User declined to consent."},
        headers={"Accept-Language": "ja"},
    ).get_data(as_text=True)  # fmt: skip
    assert "<summary>詳細</summary>" in page and "Details" not in page
    assert "オフライン ラボ" in page and "offline lab" not in page
    assert "許可の要求を拒否しました" in page and "本文へスキップ" in page


def test_home_lists_each_phase_on_its_own_line(app: Flask, entra_tokens: Any) -> None:
    client = app.test_client()
    sign_in(client, entra_tokens, "alice", path="/")
    html = client.get("/").get_data(as_text=True)
    phases = html.split('data-testid="phases"')[1].split("</ol>")[0]
    assert phases.count("<li>") == 4
    assert "Phase 1 · ID token</li>" in phases and "Phase 1 · Graph access token</li>" in phases
