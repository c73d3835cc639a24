"""Sign-in, consent, SSO and the code record: the happy paths and their edges.

The pages are driven through their documented form contract (docs/CONTRACTS.md),
over HTTP with FastAPI's TestClient; redirects are followed by hand.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from mock_entra.app import create_app
from mock_entra.context import Context
from mock_entra.records.codes import AuthorizationCode
from mock_entra.records.pending import PendingAuthorization
from mock_entra.records.sessions import SsoSession
from mock_entra.settings import MockSettings
from mock_entra.testing.browser import FormBrowser

BASE = "http://127.0.0.1:8443"
TENANT = "b63e68de-d8de-4919-b8c7-175cc63619fc"
FABRIKAM = "35d94638-998d-45aa-b0d8-43dd7cd23aa6"
WEB = "276c44e0-30c1-44f5-8680-e817fc8185bb"
REDIRECT = "http://localhost:5001/signin-oidc"
CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
ALICE = "9b2e754e-7986-4515-8f53-d8d75d7e03ff"
BOB_UPN = "bob@contoso.onmicrosoft.com"
CODE_KEYS = {
    "tenant",
    "client_id",
    "redirect_uri",
    "scope",
    "user",
    "nonce",
    "code_challenge",
    "code_challenge_method",
    "auth_time",
    "amr",
    "sid",
    "claims",
    "issued",
}


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Mock:
    client: TestClient
    browser: FormBrowser
    ctx: Context
    clock: FakeClock

    def authorize(self, tenant: str = TENANT, **overrides: Any) -> Any:
        base = {
            "client_id": WEB,
            "response_type": "code",
            "redirect_uri": REDIRECT,
            "scope": "openid profile offline_access User.Read",
            "state": "st-1",
            "nonce": "nonce-1",
            "code_challenge": CHALLENGE,
            "code_challenge_method": "S256",
        }
        merged = {**base, **overrides}
        return self.browser.authorize(tenant, **{k: v for k, v in merged.items() if v is not None})

    def sign_in(self, user: str = "alice", **overrides: Any) -> Any:
        return self.browser.sign_in(self.authorize(**overrides), user, f"{user}-password")

    def code_record(self, response: Any) -> dict[str, Any]:
        code = FormBrowser.result(response)["code"]
        record = AuthorizationCode.find(self.ctx.store, code, self.clock())
        assert record is not None
        return record.to_value()


def _mock(tmp_path: Path, tls: bool = False) -> Iterator[Mock]:
    clock = FakeClock()
    app = create_app(MockSettings(state_dir=tmp_path, tls=tls), clock=clock)
    base = BASE.replace("http:", "https:") if tls else BASE
    with TestClient(app, base_url=base, follow_redirects=False) as client:
        yield Mock(client, FormBrowser(client), app.state.ctx, clock)


@pytest.fixture
def mock(tmp_path: Path) -> Iterator[Mock]:
    yield from _mock(tmp_path)


# -- the sign-in page -------------------------------------------------------------------
def test_sign_in_page_follows_the_form_contract(mock: Mock) -> None:
    page = mock.authorize()
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    rid = page.headers["x-mock-entra-request-id"]
    assert f'action="{BASE}/{TENANT}/login"' in page.text
    assert f'name="request_id" value="{rid}"' in page.text
    assert 'name="username"' in page.text and 'name="password"' in page.text
    assert "MCP Demo Web" in page.text
    for upn in ("alice@contoso.onmicrosoft.com", BOB_UPN, "carol@contoso.onmicrosoft.com"):
        assert upn in page.text


def test_sign_in_page_is_not_frameable_and_scripts_need_a_nonce(mock: Mock) -> None:
    page = mock.authorize()
    assert page.headers["x-frame-options"] == "DENY"
    csp = page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'nonce-" in csp
    assert page.headers["cache-control"] == "no-store"


def test_pending_request_is_stored_for_ten_minutes(mock: Mock) -> None:
    rid = mock.authorize().headers["x-mock-entra-request-id"]
    assert PendingAuthorization.find(mock.ctx.store, rid, mock.clock.now + 599) is not None
    assert PendingAuthorization.find(mock.ctx.store, rid, mock.clock.now + 601) is None


def test_request_values_are_escaped_in_the_page(mock: Mock) -> None:
    page = mock.authorize(login_hint='"><script>alert(1)</script>')
    assert "<script>alert(1)</script>" not in page.text
    assert "&#34;&gt;&lt;script&gt;" in page.text


def test_login_hint_prefills_the_username(mock: Mock) -> None:
    page = mock.authorize(login_hint=BOB_UPN)
    assert f'name="username" value="{BOB_UPN}"' in page.text


def test_authorize_also_accepts_a_form_post(mock: Mock) -> None:
    page = mock.browser.authorize(
        TENANT,
        method="POST",
        client_id=WEB,
        response_type="code",
        redirect_uri=REDIRECT,
        scope="openid User.Read",
        code_challenge=CHALLENGE,
        code_challenge_method="S256",
    )
    assert page.status_code == 200 and page.headers["x-mock-entra-request-id"]


def test_tenant_may_be_named_by_its_domain(mock: Mock) -> None:
    page = mock.authorize("contoso.onmicrosoft.com")
    assert f'action="{BASE}/{TENANT}/login"' in page.text


# -- signing in ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "username", ["alice", "alice@contoso.onmicrosoft.com", "ALICE@Contoso.onmicrosoft.com"]
)
def test_signing_in_redirects_with_code_state_and_session_state(mock: Mock, username: str) -> None:
    done = mock.browser.sign_in(mock.authorize(), username, "alice-password")
    assert done.status_code == 302
    assert done.headers["location"].startswith(REDIRECT + "?code=")
    got = FormBrowser.result(done)
    assert list(got) == ["code", "state", "session_state"]
    assert got["state"] == "st-1"
    assert got["code"].startswith("0.A") and len(got["code"]) > 60


def test_the_code_record_has_exactly_the_contract_shape(mock: Mock) -> None:
    done = mock.sign_in(claims='{"access_token":{"xms_cc":{"values":["cp1"]}}}')
    record = mock.code_record(done)
    sid = mock.client.cookies["mock_entra_session"]
    assert set(record) == CODE_KEYS
    assert record == {
        "tenant": TENANT,
        "client_id": WEB,
        "redirect_uri": REDIRECT,
        "scope": "openid profile offline_access User.Read",
        "user": ALICE,
        "nonce": "nonce-1",
        "code_challenge": CHALLENGE,
        "code_challenge_method": "S256",
        "auth_time": mock.clock.now,
        "amr": ["pwd"],
        "sid": sid,
        "claims": '{"access_token":{"xms_cc":{"values":["cp1"]}}}',
        "issued": mock.clock.now,
    }


def test_a_code_without_pkce_or_nonce_records_nulls(mock: Mock) -> None:
    record = mock.code_record(
        mock.sign_in(nonce=None, code_challenge=None, code_challenge_method=None)
    )
    assert (record["nonce"], record["code_challenge"], record["code_challenge_method"]) == (
        None,
        None,
        None,
    )
    assert record["claims"] is None


def test_the_code_lives_for_the_tenants_code_lifetime(mock: Mock) -> None:
    code = FormBrowser.result(mock.sign_in())["code"]
    assert AuthorizationCode.find(mock.ctx.store, code, mock.clock.now + 599) is not None
    assert AuthorizationCode.find(mock.ctx.store, code, mock.clock.now + 600) is None


def test_the_session_cookie_is_httponly_lax_on_plain_http(mock: Mock) -> None:
    cookie = mock.sign_in().headers["set-cookie"]
    assert cookie.startswith("mock_entra_session=")
    assert "HttpOnly" in cookie and "Path=/" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie


def test_the_session_cookie_is_secure_samesite_none_over_https(tmp_path: Path) -> None:
    for m in _mock(tmp_path, tls=True):
        cookie = m.sign_in().headers["set-cookie"]
        assert "Secure" in cookie and "SameSite=none" in cookie and "HttpOnly" in cookie


def test_the_session_is_stored_as_the_contract_says(mock: Mock) -> None:
    mock.sign_in()
    sid = mock.client.cookies["mock_entra_session"]
    session = SsoSession.find(mock.ctx.store, sid, mock.clock.now)
    assert session is not None and session.to_value() == {
        "tenant": TENANT,
        "user": ALICE,
        "auth_time": mock.clock.now,
        "amr": ["pwd"],
    }


def test_wrong_password_shows_the_page_again_with_aadsts50126(mock: Mock) -> None:
    page = mock.authorize()
    again = mock.browser.sign_in(page, "alice", "bob-password")
    assert again.status_code == 200
    assert "AADSTS50126" in again.text
    assert again.headers["x-mock-entra-request-id"] == page.headers["x-mock-entra-request-id"]
    assert "mock_entra_session" not in again.headers.get("set-cookie", "")
    assert mock.browser.sign_in(again, "alice", "alice-password").status_code == 302


def test_unknown_user_shows_the_page_again_with_aadsts50034(mock: Mock) -> None:
    again = mock.browser.sign_in(
        mock.authorize(), "mallory@fabrikam.onmicrosoft.com", "mallory-password"
    )
    assert again.status_code == 200
    assert "AADSTS50034" in again.text


def test_a_stale_or_forged_request_id_gets_an_error_page(mock: Mock) -> None:
    response = mock.client.post(
        f"/{TENANT}/login",
        data={"request_id": "forged", "username": "alice", "password": "alice-password"},
    )
    assert response.status_code == 400
    assert response.headers["x-mock-entra-error"] == "invalid_request AADSTS50089"


def test_a_request_id_of_another_tenant_is_refused(mock: Mock) -> None:
    rid = mock.authorize().headers["x-mock-entra-request-id"]
    response = mock.client.post(
        f"/{FABRIKAM}/login",
        data={"request_id": rid, "username": "mallory", "password": "mallory-password"},
    )
    assert response.headers["x-mock-entra-error"] == "invalid_request AADSTS50089"


def test_a_sign_in_form_cannot_be_replayed_for_a_second_code(mock: Mock) -> None:
    page = mock.authorize()
    assert mock.browser.sign_in(page, "alice", "alice-password").status_code == 302
    replay = mock.browser.sign_in(page, "alice", "alice-password")
    assert replay.headers["x-mock-entra-error"] == "invalid_request AADSTS50089"


def test_form_post_mode_answers_an_auto_posting_page(mock: Mock) -> None:
    done = mock.sign_in(response_mode="form_post")
    assert done.status_code == 200
    assert f'<form method="post" action="{REDIRECT}"' in done.text
    assert "<noscript>" in done.text and ".submit()" in done.text
    got = FormBrowser.result(done)
    assert set(got) == {"code", "state", "session_state"}
    assert mock.code_record(done)["user"] == ALICE


def test_v1_authorize_maps_resource_to_default_scope(mock: Mock) -> None:
    page = mock.browser.authorize(
        TENANT,
        v1=True,
        client_id=WEB,
        response_type="code",
        redirect_uri=REDIRECT,
        resource="https://graph.microsoft.com/",
        state="v1",
    )
    record = mock.code_record(mock.browser.sign_in(page, "alice", "alice-password"))
    assert record["scope"] == "https://graph.microsoft.com/.default openid"


# -- SSO and prompt -------------------------------------------------------------------------
def test_a_second_authorize_signs_in_silently_with_the_same_session(mock: Mock) -> None:
    first = mock.code_record(mock.sign_in())
    again = mock.authorize(state="second")
    assert again.status_code == 302
    assert FormBrowser.result(again)["state"] == "second"
    assert mock.code_record(again)["sid"] == first["sid"]


def test_prompt_none_with_a_session_returns_a_code(mock: Mock) -> None:
    mock.sign_in()
    assert "code" in FormBrowser.result(mock.authorize(prompt="none"))


def test_prompt_login_shows_the_page_despite_a_session(mock: Mock) -> None:
    mock.sign_in()
    assert mock.authorize(prompt="login").headers["x-mock-entra-request-id"]


def test_prompt_select_account_preselects_the_signed_in_user(mock: Mock) -> None:
    mock.sign_in("bob")
    page = mock.authorize(prompt="select_account")
    assert f'name="username" value="{BOB_UPN}"' in page.text


def test_a_login_hint_for_someone_else_asks_to_sign_in(mock: Mock) -> None:
    mock.sign_in("alice")
    assert mock.authorize(login_hint=BOB_UPN).status_code == 200
    assert mock.authorize(login_hint="alice@contoso.onmicrosoft.com").status_code == 302


def test_max_age_older_than_the_session_asks_to_sign_in(mock: Mock) -> None:
    mock.sign_in()
    mock.clock.now += 120
    assert mock.authorize(max_age="300").status_code == 302
    assert mock.authorize(max_age="60").status_code == 200


def test_a_session_does_not_cross_tenants(mock: Mock) -> None:
    mock.sign_in()
    page = mock.authorize(
        FABRIKAM, client_id="2b426f13-84af-487f-98b7-934c7656cf49", scope="openid User.Read"
    )
    assert page.status_code == 200 and page.headers["x-mock-entra-request-id"]


def test_a_new_sign_in_replaces_the_old_session(mock: Mock) -> None:
    mock.sign_in("alice")
    old = mock.client.cookies["mock_entra_session"]
    mock.sign_in("bob", prompt="login")
    assert SsoSession.find(mock.ctx.store, old, mock.clock.now) is None


# -- consent -----------------------------------------------------------------------------------
def test_unconsented_scope_shows_the_consent_page_then_accept_issues_a_code(mock: Mock) -> None:
    page = mock.sign_in(scope="openid Mail.Read")
    assert page.status_code == 200
    assert f'action="{BASE}/{TENANT}/consent"' in page.text
    assert (
        'name="decision" value="accept"' in page.text
        and 'name="decision" value="decline"' in page.text
    )
    done = mock.browser.consent(page, "accept")
    assert done.status_code == 302
    assert mock.code_record(done)["scope"] == "openid Mail.Read"


def test_accepted_consent_is_remembered(mock: Mock) -> None:
    mock.browser.consent(mock.sign_in(scope="openid Mail.Read"), "accept")
    assert mock.authorize(scope="openid Mail.Read", prompt="none").status_code == 302


def test_prompt_none_needing_consent_is_interaction_required_aadsts65001(mock: Mock) -> None:
    mock.sign_in()
    got = FormBrowser.result(mock.authorize(scope="openid Mail.Read", prompt="none"))
    assert got["error"] == "interaction_required"
    assert got["error_description"].startswith("AADSTS65001: ")
    assert got["state"] == "st-1"


def test_admin_consented_and_default_scopes_need_no_consent(mock: Mock) -> None:
    mock.sign_in()
    assert (
        mock.authorize(
            scope="openid api://fe5f360b-4f1f-4029-b90b-f832bcb0412c/access_as_user"
        ).status_code
        == 302
    )
    assert mock.authorize(scope="https://graph.microsoft.com/.default").status_code == 302


def test_prompt_consent_asks_even_for_consented_scopes(mock: Mock) -> None:
    mock.sign_in()
    page = mock.authorize(prompt="consent")
    assert f'action="{BASE}/{TENANT}/consent"' in page.text


def test_a_consent_form_cannot_be_submitted_twice(mock: Mock) -> None:
    page = mock.sign_in(scope="openid Mail.Read")
    assert mock.browser.consent(page, "decline").status_code == 302
    assert (
        mock.browser.consent(page, "accept").headers["x-mock-entra-error"]
        == "invalid_request AADSTS50089"
    )


def test_a_consent_post_before_sign_in_is_refused(mock: Mock) -> None:
    rid = mock.authorize().headers["x-mock-entra-request-id"]
    response = mock.client.post(
        f"/{TENANT}/consent", data={"request_id": rid, "decision": "accept"}
    )
    assert response.headers["x-mock-entra-error"] == "invalid_request AADSTS50089"


def test_an_unknown_consent_decision_is_refused(mock: Mock) -> None:
    page = mock.sign_in(scope="openid Mail.Read")
    response = mock.browser.consent(page, "maybe")
    assert response.status_code == 400 and "location" not in response.headers
