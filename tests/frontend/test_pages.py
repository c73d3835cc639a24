"""Pages as a signed-in user sees them: inspector phases, language switch, errors, health."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask

from tests.frontend.conftest import csrf_of, sign_in


def test_healthz_and_friendly_404_and_405(app: Flask) -> None:
    client = app.test_client()
    assert client.get("/healthz").json == {"status": "ok"}
    missing = client.get("/nope")
    assert missing.status_code == 404 and "does not exist" in missing.get_data(as_text=True)
    assert "Traceback" not in missing.get_data(as_text=True)
    assert client.get("/logout").status_code == 405
    headers = missing.headers
    assert (
        headers["X-Frame-Options"] == "DENY"
        and "frame-ancestors 'none'" in (headers["Content-Security-Policy"])
    )


def test_inspector_shows_three_phases_with_changes_highlighted(
    app: Flask, entra_tokens: Any
) -> None:
    client = app.test_client()
    sign_in(client, entra_tokens, "alice")
    client.post("/obo", data={"csrf_token": csrf_of(client)})
    html = client.get("/inspector").get_data(as_text=True)
    cards = re.split(r'data-testid="token-', html)[1:]
    assert [card.split('"')[0] for card in cards] == ["id", "graph", "backend", "obo"]
    id_card, graph_card, backend_card, obo_card = cards
    assert "276c44e0-30c1-44f5-8680-e817fc8185bb" in id_card  # ID token aud: the web app
    assert "https://graph.microsoft.com" in graph_card
    assert "api://fe5f360b-4f1f-4029-b90b-f832bcb0412c" in backend_card
    assert "https://search.azure.com" in obo_card
    changed = re.findall(r'<tr class="changed" data-claim="(\w+)"', backend_card)
    assert "aud" in changed and "oid" not in changed
    assert "Expires in" in backend_card
    assert "Audience: the API this token is for" in backend_card


def test_language_switch_to_japanese_and_back(app: Flask, entra_tokens: Any) -> None:
    client = app.test_client()
    sign_in(client, entra_tokens, "alice")
    csrf = csrf_of(client)
    answer = client.post("/lang", data={"csrf_token": csrf, "lang": "ja", "next": "/inspector"})
    assert answer.headers["Location"] == "/inspector"
    page = client.get("/inspector").get_data(as_text=True)
    assert '<html lang="ja">' in page and "トークンインスペクター" in page
    client.post("/lang", data={"csrf_token": csrf, "lang": "en", "next": "https://evil/"})
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def test_accept_language_picks_japanese_before_any_choice(app: Flask) -> None:
    page = app.test_client().get("/nope", headers={"Accept-Language": "ja,en;q=0.5"})
    assert "このページは存在しません" in page.get_data(as_text=True)
