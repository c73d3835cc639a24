"""Chat and OBO button over real MCP HTTP: tools, streaming, challenges (C10, C11), isolation."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

from flask import Flask
from flask.testing import FlaskClient

from entra_kit.jose import peek_jwt
from tests.frontend.conftest import csrf_of, sign_in, sse_events
from tests.frontend.fake_backend import Behaviour

CLAIMS = '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}'


def _chat(client: FlaskClient, message: str, csrf: str | None = None) -> list[tuple[str, Any]]:
    answer = client.post(
        "/chat/stream",
        json={"message": message},
        headers={"X-CSRF-Token": csrf or csrf_of(client)},
    )
    assert answer.status_code == 200, answer.data[:300]
    assert answer.mimetype == "text/event-stream"
    return sse_events(answer.get_data(as_text=True))


def _signed_in(app: Flask, tokens: Any, user: str) -> FlaskClient:
    client = app.test_client()
    sign_in(client, tokens, user)
    return client


def test_who_am_i_calls_get_user_info_with_the_users_delegated_token(
    app: Flask, entra_tokens: Any, behaviour: Behaviour
) -> None:
    client = _signed_in(app, entra_tokens, "alice")
    events = _chat(client, "who am I?")
    kinds = [kind for kind, _ in events]
    assert kinds[0] == "tool_call" and kinds[1] == "tool_result" and kinds[-1] == "done"
    assert events[0][1]["name"] == "get_user_info"
    assert events[1][1]["result"]["claims"]["upn"] == "alice@contoso.onmicrosoft.com"
    text = "".join(data["delta"] for kind, data in events if kind == "text")
    assert "Alice" in text
    assert kinds.count("text") > 3  # streamed in pieces, not one block
    # The backend saw the delegated token for its own audience, not the ID or Graph token.
    _, claims = peek_jwt(behaviour.seen_tokens[-1])
    assert claims["aud"] == "api://fe5f360b-4f1f-4029-b90b-f832bcb0412c"
    assert claims["scp"] == "access_as_user"


def test_japanese_search_extracts_the_query_and_answers_in_japanese(
    app: Flask, entra_tokens: Any
) -> None:
    client = _signed_in(app, entra_tokens, "alice")
    events = _chat(client, "契約書 を検索")
    assert events[0][1] == {"id": events[0][1]["id"], "name": "search_documents",
                            "arguments": {"query": "契約書"}}  # fmt: skip
    text = "".join(data["delta"] for kind, data in events if kind == "text")
    assert "1 件見つかりました" in text and "About 契約書" in text


def test_chat_requires_sign_in_and_csrf(app: Flask, entra_tokens: Any) -> None:
    anonymous = app.test_client()
    csrf = "x"
    with anonymous.session_transaction() as session:
        session["csrf"] = csrf
    answer = anonymous.post("/chat/stream", json={"message": "hi"}, headers={"X-CSRF-Token": csrf})
    assert answer.status_code == 401 and answer.json == {
        "error": "login_required",
        "login": "/login?next=/chat",
    }
    client = _signed_in(app, entra_tokens, "alice")
    assert client.post("/chat/stream", json={"message": "ping"}).status_code == 400


def test_c11_insufficient_scope_gives_one_reauth_then_a_clear_message(
    app: Flask, entra_tokens: Any, behaviour: Behaviour
) -> None:
    client = _signed_in(app, entra_tokens, "alice")
    csrf = csrf_of(client)
    extra = "api://fe5f360b-4f1f-4029-b90b-f832bcb0412c/access_as_user"
    behaviour.http_403_scope = extra
    events = dict(_chat(client, "ping", csrf))
    assert events["challenge"]["error"] == "insufficient_scope"
    assert events["challenge"]["reauth_url"] == "/reauth?next=/chat"
    reauth = client.get("/reauth?next=/chat")
    query = parse_qs(urlsplit(reauth.headers["Location"]).query)
    assert extra in query["scope"][0]
    # The same challenge again: no second re-auth, a message instead (no loop).
    again = dict(_chat(client, "ping", csrf))
    assert again["challenge"]["reauth_url"] is None
    assert "still asks" in again["challenge"]["text"]
    assert client.get("/reauth").headers["Location"] == "/chat"


def test_c10_claims_challenge_from_the_obo_tool_reauths_with_claims(
    app: Flask, entra_tokens: Any, behaviour: Behaviour
) -> None:
    client = _signed_in(app, entra_tokens, "alice")
    behaviour.tool_challenge = {
        "error": "interaction_required", "aadsts": 50076, "suberror": "",
        "claims": CLAIMS, "scopes": ["api://fe5f360b-4f1f-4029-b90b-f832bcb0412c/access_as_user"],
        "message": "MFA required for Azure AI Search",
    }  # fmt: skip
    events = _chat(client, "get the search token")
    results = [data for kind, data in events if kind == "tool_result"]
    assert results and results[0]["error"] is True
    challenge = dict(events)["challenge"]
    assert challenge["message"] == "MFA required for Azure AI Search"
    reauth = client.get(challenge["reauth_url"])
    query = parse_qs(urlsplit(reauth.headers["Location"]).query)
    assert query["claims"] == [CLAIMS]


def test_obo_button_consent_required_reauths_with_prompt_consent_once(
    app: Flask, entra_tokens: Any, behaviour: Behaviour
) -> None:
    client = _signed_in(app, entra_tokens, "alice")
    csrf = csrf_of(client)
    behaviour.tool_challenge = {"error": "consent_required", "aadsts": 65001, "claims": None,
                                "scopes": [], "message": "consent needed"}  # fmt: skip
    first = client.post("/obo", data={"csrf_token": csrf})
    assert first.headers["Location"] == "/reauth"
    query = parse_qs(urlsplit(client.get("/reauth").headers["Location"]).query)
    assert query["prompt"] == ["consent"]
    second = client.post("/obo", data={"csrf_token": csrf})
    assert second.status_code == 403
    assert "consent needed" in second.get_data(as_text=True)


def test_obo_button_result_shows_in_the_owners_inspector_only(
    app: Flask, entra_tokens: Any
) -> None:
    alice = _signed_in(app, entra_tokens, "alice")
    bob = _signed_in(app, entra_tokens, "bob")
    assert alice.post("/obo", data={"csrf_token": csrf_of(alice)}).headers["Location"] == (
        "/inspector#obo"
    )
    alice_page = alice.get("/inspector").get_data(as_text=True)
    bob_page = bob.get("/inspector").get_data(as_text=True)
    assert "https://search.azure.com" in alice_page
    assert "https://search.azure.com" not in bob_page
    alice_oid = alice.get("/").get_data(as_text=True).split("oid</dt><dd><code>")[1][:36]
    assert alice_oid not in bob_page


def test_histories_are_per_user(app: Flask, entra_tokens: Any) -> None:
    alice = _signed_in(app, entra_tokens, "alice")
    bob = _signed_in(app, entra_tokens, "bob")
    _chat(alice, "search alice-secret-plans")
    assert "alice-secret-plans" in alice.get("/chat").get_data(as_text=True)
    assert "alice-secret-plans" not in bob.get("/chat").get_data(as_text=True)
    events = _chat(bob, "who am I")
    claims = next(data for kind, data in events if kind == "tool_result")["result"]["claims"]
    assert claims["upn"] == "bob@contoso.onmicrosoft.com"


def test_backend_down_is_a_message_not_a_crash(make_settings: Any, entra_tokens: Any) -> None:
    from frontend.app import create_app

    app = create_app(make_settings(backend_url="http://127.0.0.1:9"))
    client = _signed_in(app, entra_tokens, "alice")
    events = dict(_chat(client, "ping"))
    assert "error" in events and "done" in events
    answer = client.post("/obo", data={"csrf_token": csrf_of(client)})
    assert answer.status_code == 302
    assert "could not be reached" in client.get("/inspector").get_data(as_text=True)


def test_blank_and_too_long_messages_are_refused_with_a_sentence(
    app: Flask, entra_tokens: Any
) -> None:
    from frontend.chat import MAX_MESSAGE_CHARS

    client = _signed_in(app, entra_tokens, "alice")
    csrf = csrf_of(client)

    def post(message: str) -> Any:
        return client.post(
            "/chat/stream", json={"message": message}, headers={"X-CSRF-Token": csrf}
        )

    blank = post(" \n\t ")
    assert blank.status_code == 400 and blank.json["error"] == "empty_message"
    assert blank.json["text"].startswith("Type a message first")
    long = post("ping " + "x" * MAX_MESSAGE_CHARS)
    assert long.status_code == 400 and long.json["error"] == "message_too_long"
    assert f"at most {MAX_MESSAGE_CHARS} characters" in long.json["text"]
    at_limit = post(("ping " + "x" * MAX_MESSAGE_CHARS)[:MAX_MESSAGE_CHARS])
    assert at_limit.status_code == 200
    page = client.get("/chat").get_data(as_text=True)
    assert f'maxlength="{MAX_MESSAGE_CHARS}"' in page
    assert f"at most {MAX_MESSAGE_CHARS} characters" in page  # the input's own message


def test_after_a_reload_the_history_keeps_the_tool_rows(app: Flask, entra_tokens: Any) -> None:
    client = _signed_in(app, entra_tokens, "alice")
    _chat(client, "search runbook")
    _chat(client, "hello there")  # no tool: only the model's help text
    page = client.get("/chat").get_data(as_text=True)
    log = page.split('data-testid="chat-log">')[1].split("</ol>")[0]
    rows = re.findall(r'<li class="msg ([\w -]+)">', log)
    assert rows == ["user", "tool tool-call", "tool tool-result", "assistant", "user", "assistant"]
    assert "Tool call: search_documents {&#34;query&#34;:&#34;runbook&#34;}" in log
    assert "About runbook" in log  # the tool's result, as the live page showed it


def test_suggestions_are_the_ones_the_model_understands(app: Flask, entra_tokens: Any) -> None:
    client = _signed_in(app, entra_tokens, "alice")
    page = client.get("/chat").get_data(as_text=True)
    suggested = re.findall(r'data-message="([^"]+)"', page)
    assert suggested == ["who am I", "search runbook", "ping", "my profile", "get the search token"]
    events = _chat(client, suggested[1])
    assert events[0][1]["arguments"] == {"query": "runbook"}
    events = _chat(client, "検索して: runbook")
    assert events[0][1]["name"] == "search_documents"
    assert events[0][1]["arguments"] == {"query": "runbook"}
