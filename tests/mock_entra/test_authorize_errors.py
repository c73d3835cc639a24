"""/authorize refusals: every row of SECURITY-SCENARIOS section A, Entra's codes, Entra's order.

Errors found before the redirect_uri is verified render a page and never redirect;
later ones go back to the redirect_uri with ``state`` (RFC 6749 §4.1.2.1).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mock_entra.app import create_app
from mock_entra.settings import MockSettings
from mock_entra.tenant import Application, load_directory
from mock_entra.testing.browser import FormBrowser

BASE = "http://127.0.0.1:8443"
TENANT = "b63e68de-d8de-4919-b8c7-175cc63619fc"
WEB = "276c44e0-30c1-44f5-8680-e817fc8185bb"
FABRIKAM_WEB = "2b426f13-84af-487f-98b7-934c7656cf49"
REDIRECT = "http://localhost:5001/signin-oidc"
CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"  # RFC 7636 appendix B
IMPLICIT_APP = "0d5c1f7a-8f2b-4a53-9a3c-5f0c3d8c2b11"
PUBLIC_APP = "7a0e2f44-1b6d-4c8e-9f21-3d4b5a6c7d8e"


def _directory_with_extra_apps() -> Any:
    """The default tenant plus an implicit-grant app and a public client."""
    directory = load_directory()
    contoso = directory.tenant(TENANT)
    assert contoso is not None
    extra = [
        Application(
            client_id=IMPLICIT_APP,
            name="Implicit SPA",
            redirect_uris=[REDIRECT],
            implicit_grant_access_tokens=True,
        ),
        Application(
            client_id=PUBLIC_APP, name="Desktop", redirect_uris=[REDIRECT], public_client=True
        ),
    ]
    tenants = [
        t.model_copy(update={"applications": [*t.applications, *extra]}) if t.id == TENANT else t
        for t in directory.tenants
    ]
    return directory.model_copy(update={"tenants": tenants})


def make_client(tmp_path: Path, **flags: Any) -> TestClient:
    mock = MockSettings(state_dir=tmp_path, tls=False, **flags)
    return TestClient(
        create_app(mock, _directory_with_extra_apps()), base_url=BASE, follow_redirects=False
    )


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with make_client(tmp_path) as c:
        yield c


def params(**overrides: Any) -> dict[str, Any]:
    base = {
        "client_id": WEB,
        "response_type": "code",
        "redirect_uri": REDIRECT,
        "scope": "openid profile offline_access User.Read",
        "state": "st-123",
        "nonce": "n-1",
        "code_challenge": CHALLENGE,
        "code_challenge_method": "S256",
    }
    return {k: v for k, v in {**base, **overrides}.items() if v is not None}


def authorize(client: TestClient, **overrides: Any) -> Any:
    return FormBrowser(client).authorize(TENANT, **params(**overrides))


def assert_error_page(response: Any, error: str, aadsts: int) -> None:
    assert response.status_code == 400
    assert "location" not in response.headers
    assert response.headers["x-mock-entra-error"] == f"{error} AADSTS{aadsts}"
    assert f"AADSTS{aadsts}" in response.text
    assert response.headers["x-frame-options"] == "DENY"


def assert_redirected_error(response: Any, error: str, aadsts: int, state: str = "st-123") -> None:
    assert response.status_code == 302
    assert response.headers["location"].startswith(REDIRECT + "?")
    got = FormBrowser.result(response)
    assert got["error"] == error
    assert got["error_description"].startswith(f"AADSTS{aadsts}: ")
    assert got["error_uri"].endswith(f"code={aadsts}")
    assert got["state"] == state
    assert {"trace_id", "correlation_id", "timestamp"} <= got.keys()
    assert "code" not in got


# -- A1: redirect_uri -----------------------------------------------------------------
@pytest.mark.parametrize(
    "redirect_uri",
    [
        "https://evil.example/signin-oidc",
        "http://localhost:5001/signin-oidc/",
        "http://localhost:5001/signin-oidc?next=https://evil.example",
        "http://localhost:5001/signin-oidc#x",
        "HTTP://LOCALHOST:5001/signin-oidc",
        "http://localhost:5001/SIGNIN-OIDC",
    ],
    ids=lambda u: f"an altered redirect_uri {u!r} gets the AADSTS50011 page",
)
def test_a1_unregistered_redirect_uri_shows_an_error_page_and_never_redirects(
    client: TestClient, redirect_uri: str
) -> None:
    assert_error_page(authorize(client, redirect_uri=redirect_uri), "invalid_request", 50011)


def test_a1_missing_redirect_uri_is_a_page_not_a_redirect(client: TestClient) -> None:
    assert_error_page(authorize(client, redirect_uri=None), "invalid_request", 900144)


def test_a1_later_errors_are_not_sent_to_an_unverified_redirect_uri(client: TestClient) -> None:
    response = authorize(
        client,
        redirect_uri="https://evil.example/cb",
        scope="nope/x",
        response_type="token",
        code_challenge="short",
    )
    assert_error_page(response, "invalid_request", 50011)


# -- A2: client -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "client_id",
    ["00000000-0000-0000-0000-000000000001", FABRIKAM_WEB, "not-a-guid", "x" * 400],
    ids=[
        "an unknown client",
        "a client of another tenant",
        "a non-GUID client id",
        "an oversized client id",
    ],
)
def test_a2_unknown_client_gets_aadsts700016_page(client: TestClient, client_id: str) -> None:
    assert_error_page(authorize(client, client_id=client_id), "unauthorized_client", 700016)


def test_a2_missing_client_id_is_a_page(client: TestClient) -> None:
    assert_error_page(authorize(client, client_id=None), "invalid_request", 900144)


def test_unknown_tenant_gets_aadsts90002_page(client: TestClient) -> None:
    response = FormBrowser(client).authorize("nowhere.example", **params())
    assert_error_page(response, "invalid_request", 90002)


# -- A3 / A4: PKCE ----------------------------------------------------------------------
def test_a3_plain_pkce_is_refused_by_policy(client: TestClient) -> None:
    response = authorize(client, code_challenge="p" * 43, code_challenge_method="plain")
    assert_redirected_error(response, "invalid_request", 90100)


def test_a3_a_challenge_without_method_means_plain_and_is_refused(client: TestClient) -> None:
    response = authorize(client, code_challenge_method=None)
    assert_redirected_error(response, "invalid_request", 90100)


def test_a3_plain_pkce_is_accepted_when_the_policy_flag_allows_it(tmp_path: Path) -> None:
    with make_client(tmp_path, allow_plain_pkce=True) as c:
        response = authorize(c, code_challenge="p" * 43, code_challenge_method="plain")
    assert response.status_code == 200
    assert response.headers["x-mock-entra-request-id"]


@pytest.mark.parametrize(
    "challenge",
    ["a" * 42, "a" * 129, "a" * 42 + "+", "a" * 42 + "=", "a" * 42 + " ", "é" * 43],
    ids=[
        "42 characters",
        "129 characters",
        "a plus sign",
        "base64 padding",
        "a space",
        "non-ASCII characters",
    ],
)
def test_a4_code_challenge_of_wrong_size_or_charset_is_aadsts501491(
    client: TestClient, challenge: str
) -> None:
    assert_redirected_error(authorize(client, code_challenge=challenge), "invalid_request", 501491)


@pytest.mark.parametrize("length", [43, 128])
def test_a4_code_challenge_at_the_length_limits_is_accepted(
    client: TestClient, length: int
) -> None:
    assert authorize(client, code_challenge="A" * length).status_code == 200


def test_unknown_code_challenge_method_is_invalid_request(client: TestClient) -> None:
    response = authorize(client, code_challenge_method="S512")
    assert_redirected_error(response, "invalid_request", 90100)


def test_a_method_without_a_challenge_is_invalid_request(client: TestClient) -> None:
    assert_redirected_error(authorize(client, code_challenge=None), "invalid_request", 900144)


def test_a_confidential_client_may_omit_pkce_by_default(client: TestClient) -> None:
    response = authorize(client, code_challenge=None, code_challenge_method=None)
    assert response.status_code == 200


def test_a_public_client_must_send_a_challenge(client: TestClient) -> None:
    response = authorize(
        client,
        client_id=PUBLIC_APP,
        scope="openid",
        code_challenge=None,
        code_challenge_method=None,
    )
    assert_redirected_error(response, "invalid_request", 900144)


def test_strict_mode_requires_a_challenge_from_every_client(tmp_path: Path) -> None:
    with make_client(tmp_path, require_pkce=True) as c:
        response = authorize(c, code_challenge=None, code_challenge_method=None)
    assert_redirected_error(response, "invalid_request", 900144)


# -- A5: response_type ------------------------------------------------------------------
@pytest.mark.parametrize("response_type", ["token", "id_token", "code id_token", "id_token token"])
def test_a5_implicit_response_types_are_aadsts700054(
    client: TestClient, response_type: str
) -> None:
    response = authorize(client, response_type=response_type)
    assert_redirected_error(response, "unsupported_response_type", 700054)


def test_a5_implicit_is_refused_cleanly_even_when_the_app_enables_it(client: TestClient) -> None:
    response = authorize(client, client_id=IMPLICIT_APP, response_type="token", scope="openid")
    assert_redirected_error(response, "unsupported_response_type", 700054)
    assert "not supported by this mock" in FormBrowser.result(response)["error_description"]


def test_garbage_response_type_is_unsupported(client: TestClient) -> None:
    response = authorize(client, response_type="banana")
    assert_redirected_error(response, "unsupported_response_type", 90100)


def test_missing_response_type_is_invalid_request(client: TestClient) -> None:
    assert_redirected_error(authorize(client, response_type=None), "invalid_request", 900144)


# -- A6: prompt=none ----------------------------------------------------------------------
def test_a6_prompt_none_without_a_session_is_login_required_aadsts50058(client: TestClient) -> None:
    assert_redirected_error(authorize(client, prompt="none"), "login_required", 50058)


@pytest.mark.parametrize("prompt", ["bogus", "none login", "LOGIN"])
def test_invalid_prompt_values_are_invalid_request(client: TestClient, prompt: str) -> None:
    assert_redirected_error(authorize(client, prompt=prompt), "invalid_request", 90100)


# -- A7: declined consent -----------------------------------------------------------------
def test_a7_declined_consent_is_access_denied_aadsts65004_with_state(client: TestClient) -> None:
    browser = FormBrowser(client)
    page = authorize(client, scope="openid Mail.Read", state="keep-me")
    consent_page = browser.sign_in(page, "alice", "alice-password")
    assert "Permissions requested" in consent_page.text
    response = browser.consent(consent_page, "decline")
    assert_redirected_error(response, "access_denied", 65004, state="keep-me")


# -- scopes (Entra's codes via parse_scopes) ----------------------------------------------
@pytest.mark.parametrize(
    ("scope", "error", "aadsts"),
    [
        ("openid User.Nope", "invalid_scope", 70011),
        (
            "User.Read api://fe5f360b-4f1f-4029-b90b-f832bcb0412c/access_as_user",
            "invalid_scope",
            28000,
        ),
        ("api://unknown-resource/x", "invalid_resource", 500011),
        (None, "invalid_scope", 90014),
    ],
    ids=["an unknown scope", "two resources at once", "an unknown resource", "no scope at all"],
)
def test_scope_problems_redirect_with_entra_codes(
    client: TestClient, scope: str | None, error: str, aadsts: int
) -> None:
    assert_redirected_error(authorize(client, scope=scope), error, aadsts)


# -- order of checks ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("overrides", "error", "aadsts"),
    [
        (
            {"client_id": "00000000-0000-0000-0000-000000000009", "redirect_uri": "http://x/"},
            "unauthorized_client",
            700016,
        ),
        ({"response_type": "token", "scope": "nope/x"}, "unsupported_response_type", 700054),
        ({"scope": "User.Nope", "code_challenge": "short"}, "invalid_scope", 70011),
        ({"code_challenge": "short", "prompt": "bogus"}, "invalid_request", 501491),
    ],
    ids=[
        "client before redirect_uri",
        "response_type before scope",
        "scope before PKCE",
        "PKCE before prompt",
    ],
)
def test_checks_run_in_entras_order(
    client: TestClient, overrides: dict[str, str], error: str, aadsts: int
) -> None:
    response = authorize(client, **overrides)
    assert response.headers.get("x-mock-entra-error", "") in ("", f"{error} AADSTS{aadsts}")
    if response.status_code == 302:
        assert_redirected_error(response, error, aadsts)
    else:
        assert_error_page(response, error, aadsts)


# -- response modes ---------------------------------------------------------------------------
def test_errors_use_the_requested_form_post_mode(client: TestClient) -> None:
    response = authorize(client, response_mode="form_post", scope="User.Nope")
    assert response.status_code == 200
    assert f'action="{REDIRECT}"' in response.text
    got = FormBrowser.result(response)
    assert got["error"] == "invalid_scope"
    assert got["error_description"].startswith("AADSTS70011: ")
    assert got["state"] == "st-123"


@pytest.mark.parametrize("mode", ["fragment", "web_message", "QUERY"])
def test_unsupported_response_modes_are_refused_via_query(client: TestClient, mode: str) -> None:
    assert_redirected_error(authorize(client, response_mode=mode), "invalid_request", 90100)


def test_error_without_state_carries_no_state(client: TestClient) -> None:
    response = authorize(client, state=None, scope="User.Nope")
    assert "state" not in FormBrowser.result(response)


def test_invalid_claims_json_is_invalid_request(client: TestClient) -> None:
    assert_redirected_error(authorize(client, claims="{not json"), "invalid_request", 90100)


def test_deeply_nested_claims_json_is_invalid_request_not_a_crash(client: TestClient) -> None:
    response = authorize(client, claims="[" * 2000)
    assert_redirected_error(response, "invalid_request", 90100)


@pytest.mark.parametrize("max_age", ["-1", "soon", "1e9", "99999999999"])
def test_invalid_max_age_is_invalid_request(client: TestClient, max_age: str) -> None:
    assert_redirected_error(authorize(client, max_age=max_age), "invalid_request", 90100)


# -- malformed input never gives a 500 --------------------------------------------------------
def _raw(client: TestClient, query: str) -> Any:
    return client.get(f"/{TENANT}/oauth2/v2.0/authorize?{query}")


def test_a_duplicated_parameter_is_refused_on_a_page(client: TestClient) -> None:
    query = urlencode(params()) + "&redirect_uri=https%3A%2F%2Fevil.example%2F"
    assert_error_page(_raw(client, query), "invalid_request", 90100)


def test_an_oversized_query_is_aadsts90015(client: TestClient) -> None:
    assert_error_page(_raw(client, urlencode(params(state="s" * 9000))), "invalid_request", 90015)


def test_percent_escapes_that_are_not_utf8_are_a_clean_error(client: TestClient) -> None:
    assert_error_page(_raw(client, urlencode(params()) + "&state=%ff%fe"), "invalid_request", 90100)


def test_a_nul_byte_in_a_parameter_is_a_clean_error(client: TestClient) -> None:
    assert_error_page(
        _raw(client, urlencode(params()) + "&login_hint=a%00b"), "invalid_request", 90100
    )


def test_too_many_parameters_are_a_clean_error(client: TestClient) -> None:
    query = "&".join(f"p{i}=1" for i in range(100))
    assert_error_page(_raw(client, query), "invalid_request", 90100)


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", b'{"client_id": "x"}'),
        ("application/x-www-form-urlencoded", b"\xff\xfe"),
        ("application/x-www-form-urlencoded", b"a=" + b"b" * 20000),
    ],
    ids=["a JSON body", "a body that is not ASCII", "an oversized body"],
)
def test_a_malformed_post_body_is_a_clean_error(
    client: TestClient, content_type: str, body: bytes
) -> None:
    response = client.post(
        f"/{TENANT}/oauth2/v2.0/authorize", content=body, headers={"content-type": content_type}
    )
    assert response.status_code == 400
    assert "location" not in response.headers


_texts = st.text(alphabet=st.characters(codec="utf-8"), max_size=80)
_names = st.sampled_from(
    [
        "client_id",
        "redirect_uri",
        "response_type",
        "scope",
        "state",
        "nonce",
        "prompt",
        "code_challenge",
        "code_challenge_method",
        "response_mode",
        "claims",
        "max_age",
        "login_hint",
        "resource",
        "x",
    ]
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    overrides=st.dictionaries(_names, _texts, max_size=6),
    raw_tail=st.binary(max_size=60),
)
def test_random_parameters_never_cause_a_500_or_an_unverified_redirect(
    client: TestClient, overrides: dict[str, str], raw_tail: bytes
) -> None:
    query = urlencode(params(**overrides)) + "&" + "".join(f"%{b:02x}" for b in raw_tail)
    for response in (_raw(client, query), authorize(client, **overrides)):
        assert response.status_code in (200, 302, 400)
        if response.status_code == 302:
            assert response.headers["location"].startswith(REDIRECT + "?")
