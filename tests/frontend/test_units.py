"""Pure pieces: token display, challenges, the local model's choices, settings, texts."""

from __future__ import annotations

import base64
import json

import pytest

from entra_kit.jose import peek_jwt
from frontend.auth import safe_next
from frontend.challenges import AttemptLog, Challenge, from_tool_error, from_www_authenticate
from frontend.i18n import all_keys
from frontend.local_model import pick_tool, search_query, summarize
from frontend.settings import FrontendSettings, load_settings
from frontend.tokens import fingerprint, mark_changes, time_left, view_from_claims

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
