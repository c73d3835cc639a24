"""Every page of the mock in English and Japanese, chosen as Entra chooses: the authorize
request's ``ui_locales`` (OIDC Core §3.1.2.1) first, then ``Accept-Language``, else
English; the forms (fields, names, actions) are the same in every language."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from entra_kit.shipped_tenant import TENANT_ID, USERS, WEB_CLIENT_ID, WEB_REDIRECT_URI
from mock_entra.app import create_app
from mock_entra.settings import MockSettings
from mock_entra.testing.browser import Answers, FormBrowser
from tests.conftest import write_tenant_file

BASE = "http://127.0.0.1:8443"
CLI = "5d1c5a2e-9a57-4bbf-9f0d-2f0b7c3e8a11"
ALICE, ALICE_PASSWORD = USERS["alice"]
JA = {"Accept-Language": "ja-JP,ja;q=0.9"}
EN = {"Accept-Language": "en-US,en;q=0.9"}
# What a page's forms are made of: where they post, and the names (and button values) sent.
_FORM_PARTS = re.compile(r'(?:action|name|value)="([^"]*)"|<(form|input|button)\b')


def _add_public_client(data: dict[str, Any]) -> None:
    data["tenants"][0]["applications"].append(
        {
            "client_id": CLI,
            "name": "MCP CLI",
            "requested_access_token_version": 2,
            "public_client": True,
            "redirect_uris": ["http://localhost"],
        }
    )


@dataclass
class Pages:
    client: TestClient
    browser: FormBrowser

    def authorize(self, headers: dict[str, str] | None = None, **params: str) -> Any:
        query = {
            "client_id": WEB_CLIENT_ID,
            "response_type": "code",
            "redirect_uri": WEB_REDIRECT_URI,
            "scope": "openid profile",
            "state": "s",
        }
        return self.client.get(
            f"/{TENANT_ID}/oauth2/v2.0/authorize", params=query | params, headers=headers
        )

    def sign_in(self, page: Any, password: str = ALICE_PASSWORD, **headers: str) -> Any:
        data = {"request_id": page.headers["x-mock-entra-request-id"]}
        data |= {"username": ALICE, "password": password}
        return self.client.post(FormBrowser.form_action(page), data=data, headers=headers)

    def consent_page(self, headers: dict[str, str] | None = None, **params: str) -> Any:
        page = self.authorize(headers, scope="openid Mail.Read", **params)
        consent = self.sign_in(page, **(headers or {}))
        assert FormBrowser.page_kind(consent) == "consent"
        return consent

    def user_code(self) -> str:
        form = {"client_id": CLI, "scope": "openid User.Read"}
        answer = self.client.post(f"/{TENANT_ID}/oauth2/v2.0/devicecode", data=form)
        assert answer.status_code == 200, answer.text
        return str(answer.json()["user_code"])

    def device_confirm(self, headers: dict[str, str]) -> Any:
        code = self.client.post("/devicelogin", data={"otc": self.user_code()}, headers=headers)
        assert FormBrowser.page_kind(code) == "deviceauth"
        return code

    def device_end(self, headers: dict[str, str], decision: str) -> Any:
        self.client.headers.update(headers)
        try:
            answers = Answers(ALICE, ALICE_PASSWORD, device=decision)
            return self.browser.answer(self.device_confirm(headers), answers)
        finally:
            self.client.headers.pop("Accept-Language")


@pytest.fixture
def pages(tmp_path: Path) -> Iterator[Pages]:
    config = write_tenant_file(tmp_path / "tenants.yaml", _add_public_client)
    app = create_app(MockSettings(state_dir=tmp_path / "state", tls=False, config=config))
    with TestClient(app, base_url=BASE, follow_redirects=False) as client:
        yield Pages(client, FormBrowser(client))


def lang_of(page: Any) -> str:
    found = re.search(r'<html lang="([^"]+)">', page.text)
    assert found, page.text[:200]
    assert page.headers["content-language"] == found.group(1)
    return found.group(1)


def form_shape(page: Any) -> list[str]:
    """The page's forms without their words or one-time values (request ids, codes)."""
    text = re.sub(r'(type="hidden" name="[^"]*") value="[^"]*"', r"\1", page.text)
    text = re.sub(r'name="otc" value="[^"]*"', 'name="otc"', text)
    return [a or b for a, b in _FORM_PARTS.findall(text)]


# -- every page, both languages -------------------------------------------------------------
# (page, texts only the Japanese page has, texts only the English page has)
PAGE_TEXTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "sign_in": (
        ("サインイン", "アカウントを選択する", "メール、電話、Skype", "パスワード", "に移動"),
        ("Sign in", "Pick an account", "Email, phone, or Skype", "to continue to"),
    ),
    "wrong_password": (
        ("AADSTS50126: アカウントまたはパスワードが正しくありません。",),
        ("AADSTS50126: Error validating credentials",),
    ),
    "consent": (
        ("アクセス許可の要求", "が次のアクセス許可を求めています", "承諾", "キャンセル"),
        ("Permissions requested", "would like to:", "Accept", "Cancel"),
    ),
    "error": (
        ("申し訳ございませんが、サインインで問題が発生しました。", "要求 ID", "相関 ID"),
        ("Sorry, but we're having trouble signing you in.", "Correlation Id"),
    ),
    "signed_out": (
        ("アカウントからサインアウトしました", "すべてのブラウザー ウィンドウを閉じる"),
        ("You signed out of your account", "close all browser windows"),
    ),
    "device_code": (
        ("コードを入力してください", "アプリまたはデバイスに表示されているコード", "次へ"),
        ("Enter code", "Enter the code displayed on your app or device.", "Next"),
    ),
    "device_code_error": (
        ("AADSTS70018: そのコードは機能しませんでした。",),
        ("AADSTS70018: Invalid verification code",),
    ),
    "device_confirm": (
        ("MCP CLI にサインインしようとしていますか?", "続行", "キャンセル"),
        ("Are you trying to sign in to MCP CLI?", "Continue", "Cancel"),
    ),
    "device_done": (
        ("デバイス上の MCP CLI アプリケーションにサインインしました。", "閉じてかまいません"),
        ("You have signed in to the MCP CLI application on your device.",),
    ),
    "device_cancelled": (
        ("サインインはキャンセルされました", "閉じてかまいません"),
        ("Sign-in cancelled", "You may now close this window."),
    ),
    "form_post": (("処理中…", "[送信] をクリックして続行"), ("Working…", "Click Submit")),
}


def open_page(pages: Pages, name: str, headers: dict[str, str]) -> Any:
    """One page of the mock, asked for with ``headers`` (the browser's Accept-Language)."""
    pages.client.cookies.clear()  # a new browser: no SSO session from the other language
    if name == "sign_in":
        return pages.authorize(headers)
    if name == "wrong_password":
        return pages.sign_in(pages.authorize(headers), "wrong", **headers)
    if name == "consent":
        return pages.consent_page(headers)
    if name == "error":
        return pages.authorize(headers, client_id="00000000-0000-0000-0000-00000000dead")
    if name == "signed_out":
        return pages.client.get(f"/{TENANT_ID}/oauth2/v2.0/logout", headers=headers)
    if name == "device_code":
        return pages.client.get("/devicelogin", headers=headers)
    if name == "device_code_error":
        return pages.client.post("/devicelogin", data={"otc": "NOSUCHCODE"}, headers=headers)
    if name == "device_confirm":
        return pages.device_confirm(headers)
    if name in ("device_done", "device_cancelled"):
        return pages.device_end(headers, "continue" if name == "device_done" else "cancel")
    assert name == "form_post"
    return pages.sign_in(pages.authorize(headers, response_mode="form_post"), **headers)


@pytest.mark.parametrize("name", sorted(PAGE_TEXTS))
def test_every_page_in_japanese_and_english_with_the_same_forms(pages: Pages, name: str) -> None:
    japanese_only, english_only = PAGE_TEXTS[name]
    ja, en = open_page(pages, name, JA), open_page(pages, name, EN)
    assert (lang_of(ja), lang_of(en)) == ("ja", "en")
    for text in japanese_only:
        assert text in ja.text and text not in en.text, text
    for text in english_only:
        assert text in en.text and text not in ja.text, text
    assert form_shape(ja) == form_shape(en)
    assert ja.status_code == en.status_code
    assert ja.headers.get("x-mock-entra-error") == en.headers.get("x-mock-entra-error")


def test_the_device_code_page_ends_the_same_in_both_languages(pages: Pages) -> None:
    for headers in (JA, EN):
        assert FormBrowser.device_result(pages.device_end(headers, "continue")) == "approved"
        assert FormBrowser.device_result(pages.device_end(headers, "cancel")) == "declined"


def test_an_error_page_keeps_the_errors_own_description_as_entra_does(pages: Pages) -> None:
    ja = open_page(pages, "error", JA)
    assert "AADSTS700016</strong>: Application with identifier" in ja.text


# -- the choice: ui_locales, then Accept-Language, then English ----------------------------------
@pytest.mark.parametrize(
    ("ui_locales", "accept", "lang"),
    [
        ("ja", "en-US,en;q=0.9", "ja"),  # ui_locales beats the header
        ("en", "ja", "en"),
        ("ja-JP en", None, "ja"),
        ("fr-CA fr", "ja", "ja"),  # nothing supported in ui_locales: the header decides
        ("fr-CA", "de", "en"),  # nothing supported anywhere: English
        (None, "en;q=0.3, ja;q=0.7", "ja"),  # q-values, not order
        (None, "ja;q=0, en", "en"),
        (None, "ko-KR", "en"),
        (None, None, "en"),
    ],
)
def test_the_sign_in_page_language_is_chosen_in_entras_order(
    pages: Pages, ui_locales: str | None, accept: str | None, lang: str
) -> None:
    params = {"ui_locales": ui_locales} if ui_locales else {}
    headers = {"Accept-Language": accept} if accept else {}
    assert lang_of(pages.authorize(headers, **params)) == lang


def test_ui_locales_holds_for_every_page_of_the_flow(pages: Pages) -> None:
    # The form posts carry only the English browser's header: the request remembers ja.
    consent = pages.consent_page(EN, ui_locales="ja")
    assert lang_of(consent) == "ja"
    pages.client.cookies.clear()
    again = pages.sign_in(pages.authorize(EN, ui_locales="ja"), "wrong", **EN)
    assert lang_of(again) == "ja" and "正しくありません" in again.text
    post = pages.sign_in(pages.authorize(EN, ui_locales="ja", response_mode="form_post"), **EN)
    assert lang_of(post) == "ja" and "処理中" in post.text  # the code's form_post page
    pages.client.cookies.clear()
    assert pages.authorize(EN).headers["content-language"] == "en"  # nothing sticks


def test_ui_locales_of_a_form_posted_authorize_request(pages: Pages) -> None:
    form = {
        "client_id": WEB_CLIENT_ID,
        "response_type": "code",
        "redirect_uri": WEB_REDIRECT_URI,
        "scope": "openid",
        "ui_locales": "ja",
    }
    page = pages.client.post(f"/{TENANT_ID}/oauth2/v2.0/authorize", data=form, headers=EN)
    assert lang_of(page) == "ja"


def test_the_sign_in_completes_in_japanese_with_the_form_browser(pages: Pages) -> None:
    page = pages.authorize(ui_locales="ja", scope="openid Mail.Read", state="ja-state")
    assert lang_of(page) == "ja"
    params = FormBrowser.result(pages.browser.answer(page, Answers(ALICE, ALICE_PASSWORD)))
    assert params["state"] == "ja-state" and params["code"]
