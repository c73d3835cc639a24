"""Pure pieces: token display, challenges, the local model's choices, settings, texts."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest

from entra_kit.jose import peek_jwt
from frontend.auth import safe_next
from frontend.challenges import AttemptLog, Challenge, from_tool_error, from_www_authenticate
from frontend.chat import record
from frontend.i18n import all_keys, claim_text, relative_time, suggestions
from frontend.local_model import pick_tool, search_query, summarize
from frontend.settings import FrontendSettings, load_settings
from frontend.tokens import fingerprint, mark_changes, moment, time_left, view_from_claims
from frontend.users import MAX_HISTORY, ChatEntry, UserState

TOOLS = ["secure_ping", "get_user_info", "get_azure_ai_search_token", "search_documents",
         "get_my_profile"]  # fmt: skip
SCOPE = ["api://x/access_as_user"]


def _jwt(header: dict[str, object], claims: dict[str, object]) -> str:
    def part(value: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part(header)}.{part(claims)}.c2ln"


def test_decode_jwt_round_trip_and_refusals() -> None:
    token = _jwt({"alg": "RS256", "kid": "k"}, {"aud": "a", "exp": 5})
    assert peek_jwt(token) == ({"alg": "RS256", "kid": "k"}, {"aud": "a", "exp": 5})
    for bad in ("a.b", "!!!.e30.x", f"{_jwt({}, {}).split('.')[0]}.WzFd.x"):
        with pytest.raises(ValueError):
            peek_jwt(bad)
    assert fingerprint(token).endswith(f"({len(token)} chars)") and token not in fingerprint(token)


@pytest.mark.parametrize(
    ("exp", "now", "text"),
    [(1000, 1000 - 3725, "1h 02m 05s"), (1000, 1000 - 59, "0m 59s"), (1000, 1010, "-0m 10s")],
)
def test_time_left(exp: int, now: int, text: str) -> None:
    assert time_left(exp, now)[1] == text
    assert time_left("soon")[1] == "?"


def test_mark_changes_flags_phase_claims_between_consecutive_tokens() -> None:
    id_token = view_from_claims("id", {}, {"aud": "web", "iss": "v2", "oid": "u", "ver": "2.0"})
    absent = view_from_claims("graph", {}, {})
    absent.present = False
    backend = view_from_claims("backend", {}, {"aud": "api", "iss": "v1", "oid": "u",
                                                "scp": "access_as_user", "ver": "1.0"})  # fmt: skip
    obo = view_from_claims("obo", {}, {"aud": "search", "iss": "v1", "oid": "u",
                                        "scp": "user_impersonation", "ver": "1.0"})  # fmt: skip
    mark_changes([id_token, absent, backend, obo])
    assert id_token.changed == frozenset()
    assert backend.changed == {"aud", "iss", "scp", "ver"}  # compared with the ID token
    assert obo.changed == {"aud", "scp"}
    assert "oid" not in obo.changed


def test_www_authenticate_challenges() -> None:
    forbidden = from_www_authenticate(
        403, 'Bearer error="insufficient_scope", scope="api://x/a api://x/b"', SCOPE
    )
    assert forbidden == Challenge("insufficient_scope", scopes=("api://x/a", "api://x/b"))
    claims = '{"access_token":{"nbf":{"essential":true,"value":"1"}}}'
    encoded = base64.b64encode(claims.encode()).decode()
    found = from_www_authenticate(
        401, f'Bearer error="insufficient_claims", claims="{encoded}"', SCOPE
    )
    assert found is not None and found.claims == claims and found.scopes == tuple(SCOPE)
    assert from_www_authenticate(401, 'Bearer error="invalid_token"', SCOPE) is None


def test_tool_error_challenge_and_non_challenges() -> None:
    text = json.dumps({"entra_challenge": {"error": "consent_required", "aadsts": 65001,
                                           "claims": None, "scopes": [], "message": "m"}})  # fmt: skip
    challenge = from_tool_error("Error calling tool: " + text, SCOPE)
    assert challenge is not None
    assert (challenge.error, challenge.scopes, challenge.aadsts, challenge.prompt) == (
        "consent_required", tuple(SCOPE), 65001, "consent")  # fmt: skip
    assert from_tool_error("plain failure", SCOPE) is None
    assert from_tool_error('{"entra_challenge": "nope"}', SCOPE) is None


def test_attempt_log_allows_each_challenge_once_per_window() -> None:
    log, one = AttemptLog(), Challenge("insufficient_scope", scopes=("a",))
    assert log.allow(one, now=0) and not log.allow(one, now=599)
    assert log.allow(Challenge("insufficient_scope", scopes=("b",)), now=1)
    assert log.allow(one, now=601)


@pytest.mark.parametrize(
    ("message", "tool", "arguments"),
    [
        ("Who am I?", "get_user_info", {}),
        ("私は誰ですか", "get_user_info", {}),
        ("search for quarterly report", "search_documents", {"query": "quarterly report"}),
        ("「設計書」を検索して", "search_documents", {"query": "設計書"}),
        ("get the search token", "get_azure_ai_search_token", {}),
        ("検索トークンを見せて", "get_azure_ai_search_token", {}),
        ("ping", "secure_ping", {}),
        ("プロフィールを表示", "get_my_profile", {}),
    ],
)
def test_local_model_picks_the_tool(message: str, tool: str, arguments: dict[str, str]) -> None:
    assert pick_tool(message, TOOLS) == (tool, arguments)


def test_local_model_without_a_fitting_tool() -> None:
    assert pick_tool("hello there", TOOLS) is None
    assert pick_tool("ping", ["get_user_info"]) is None
    assert search_query("search") == "search"


def test_summarize_shapes() -> None:
    text = summarize({"user": {"name": "Alice"}, "claims": {"oid": "o1", "scp": "s"}},
                     japanese=False)  # fmt: skip
    assert text.splitlines() == ["The backend answered:", "- name: Alice", "- oid: o1", "- scp: s"]
    assert summarize({"results": []}, japanese=True) == "0 件見つかりました。"
    assert "- Doc" in summarize(json.dumps({"results": [{"title": "Doc"}]}), japanese=False)


@pytest.mark.parametrize(
    ("target", "expected"),
    [(None, "/"), ("/a?b=1", "/a?b=1"), ("http://app:5001/x", "/x"), ("http://evil/x", "/"),
     ("//evil", "/"), ("/\\evil", "/"), ("javascript:x", "/"), ("relative", "/")],
)  # fmt: skip
def test_safe_next(target: str | None, expected: str) -> None:
    assert safe_next(target, "app:5001") == expected


def test_settings_defaults_are_the_mock_profile() -> None:
    settings = FrontendSettings(_env_file=None)  # type: ignore[call-arg]
    assert settings.authority == "https://127.0.0.1:8443/b63e68de-d8de-4919-b8c7-175cc63619fc"
    assert settings.expected_issuer.endswith("/b63e68de-d8de-4919-b8c7-175cc63619fc/v2.0")
    assert settings.redirect_uri == "http://localhost:5001/signin-oidc"
    assert settings.backend_scope == "api://fe5f360b-4f1f-4029-b90b-f832bcb0412c/access_as_user"
    assert settings.mcp_url == "http://127.0.0.1:8000/mcp"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"entra_authority_host": "http://idp"}, "ENTRA_AUTHORITY_HOST"),
     ({"frontend_url": "localhost:5001"}, "FRONTEND_URL"),
     ({"entra_tenant_id": "contoso.onmicrosoft.com"}, "FRONTEND_EXPECTED_TID"),
     ({"model_provider": "azure_openai"}, "AZURE_OPENAI_ENDPOINT"),
     ({"frontend_port": 70000}, "FRONTEND_PORT")],
)  # fmt: skip
def test_bad_settings_stop_with_one_line(overrides: dict[str, object], field: str) -> None:
    with pytest.raises(SystemExit) as stop:
        load_settings(_env_file=None, **overrides)
    message = str(stop.value)
    assert message.startswith("frontend settings: ") and "\n" not in message
    assert field in message


def test_both_languages_define_every_text() -> None:
    assert all_keys("en") == all_keys("ja")


@pytest.mark.parametrize(
    ("message", "query"),
    [("検索して: runbook", "runbook"), ("検索: 設計書", "設計書"), ("探して 契約書", "契約書"),
     ("runbook を検索して", "runbook"), ("search: runbook", "runbook"),
     ("search runbook", "runbook")],
)  # fmt: skip
def test_search_query_reads_the_command_form_too(message: str, query: str) -> None:
    assert pick_tool(message, TOOLS) == ("search_documents", {"query": query})


def test_the_offline_models_help_names_the_pages_suggestions() -> None:
    for lang, japanese in (("en", False), ("ja", True)):
        help_text = summarize_help(japanese)
        for suggestion in suggestions(lang):
            assert suggestion in help_text, (lang, suggestion)
    assert "search runbook" in suggestions("en") and "runbook を検索" in suggestions("ja")
    assert not any("contoso" in s for s in suggestions("en") + suggestions("ja"))


def summarize_help(japanese: bool) -> str:
    from frontend.local_model import _help

    return _help(TOOLS, japanese=japanese)


@pytest.mark.parametrize(
    ("seconds", "en", "ja"),
    [(42 * 60 + 5, "in 42 min", "42 分後"), (-5 * 60, "5 min ago", "5 分前"),
     (30, "in 30 s", "30 秒後"), (2 * 3600 + 59, "in 2 h", "2 時間後"),
     (-3 * 86400, "3 d ago", "3 日前")],
)  # fmt: skip
def test_relative_time_in_both_languages(seconds: int, en: str, ja: str) -> None:
    assert relative_time(seconds, "en") == en
    assert relative_time(seconds, "ja") == ja


def test_time_claims_show_local_time_and_distance() -> None:
    found = moment(1_000_000 + 42 * 60, "en", now=1_000_000)
    assert found is not None and found.relative == "in 42 min" and found.epoch == 1_000_000 + 2520
    assert found.local.startswith("1970-01-")
    assert moment("soon", "en") is None and moment(True, "en") is None
    assert moment(10**20, "en") is None  # not a date any clock can show


def test_all_claims_lists_every_claim_it_counts() -> None:
    view = view_from_claims("id", {"alg": "RS256"}, {"aud": "a", "exp": 1, "zz": 2, "nonce": "n"})
    assert view.names == ["aud", "exp", "nonce", "zz"]
    assert set(view.important) <= set(view.names)


def test_claims_are_explained_per_token_type() -> None:
    assert claim_text("id", "aud", "en").startswith("Audience: the client app this sign-in was for")
    assert claim_text("backend", "aud", "en").startswith("Audience: the API this token is for")
    assert claim_text("obo", "appid", "en").startswith("The MCP server's app id")
    assert claim_text("graph", "oid", "en") == claim_text("backend", "oid", "en")
    assert "クライアントアプリ" in claim_text("id", "aud", "ja")


def test_a_turns_transcript_keeps_tool_rows_and_joins_text() -> None:
    entries = [ChatEntry("user", "who am I")]
    for event, data in [
        ("text", {"delta": "Let me "}), ("text", {"delta": "check."}),
        ("tool_call", {"id": "c1", "name": "get_user_info", "arguments": {}}),
        ("tool_result", {"id": "c1", "name": "get_user_info", "error": False, "result": {"a": 1}}),
        ("text", {"delta": "You are Alice."}), ("done", {}),
    ]:  # fmt: skip
        record(entries, event, data)
    assert [(e.kind, e.text) for e in entries] == [
        ("user", "who am I"), ("assistant", "Let me check."), ("tool_call", ""),
        ("tool_result", ""), ("assistant", "You are Alice."),
    ]  # fmt: skip
    assert entries[3].data == {"a": 1} and entries[3].name == "get_user_info"
    assert [e.is_message for e in entries] == [True, True, False, False, True]


def test_history_is_bounded() -> None:
    state = UserState(key="t:o")
    state.remember(*(ChatEntry("user", str(i)) for i in range(MAX_HISTORY + 5)))
    assert len(state.history) == MAX_HISTORY and state.history[-1].text == str(MAX_HISTORY + 4)


def test_every_text_the_templates_use_exists() -> None:
    templates = Path(__file__).resolve().parents[2] / "frontend" / "templates"
    used = set()
    for page in templates.glob("*.html"):
        used |= set(re.findall(r"""\bt\(['"]([\w.]*\w)['"]""", page.read_text()))
    assert used and used <= all_keys("en"), used - all_keys("en")


def test_both_languages_use_the_same_placeholders() -> None:
    from frontend.texts import en, ja

    fields = re.compile(r"\{(\w+)\}")
    for key, text in en.TEXTS.items():
        assert set(fields.findall(text)) == set(fields.findall(ja.TEXTS[key])), key


def test_relay_pieces_streamed_arguments_and_shows_each_call_once() -> None:
    from types import SimpleNamespace as Part

    from frontend.relay import Relay

    events: list[tuple[str, dict[str, object]]] = []
    relay = Relay(lambda event, data: events.append((event, data)), SCOPE)
    for piece in [Part(type="function_call", call_id="c", name="search_documents", arguments=""),
                  Part(type="function_call", call_id="c", name="", arguments='{"query": "r'),
                  Part(type="function_call", call_id="c", name="", arguments='unbook"}'),
                  Part(type="function_call", call_id="d", name="ping", arguments="not json"),
                  Part(type="function_result", call_id="c", exception=None, result='{"n": 1}'),
                  Part(type="function_result", call_id="d", exception="boom", result=None)]:  # fmt: skip
        relay.relay(piece)
    assert events == [
        ("tool_call", {"id": "c", "name": "search_documents", "arguments": {"query": "runbook"}}),
        (
            "tool_result",
            {"id": "c", "name": "search_documents", "error": False, "result": {"n": 1}},
        ),
        ("tool_call", {"id": "d", "name": "ping", "arguments": "not json"}),
        ("tool_result", {"id": "d", "name": "ping", "error": True, "result": "boom"}),
    ]
