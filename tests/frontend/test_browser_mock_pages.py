"""The mock's own pages in headless Chromium, English and Japanese (issue 17), screenshots
in ``test-artifacts/frontend/``: the browser's locale sets Accept-Language, as a
Japanese user's browser does; an app's ``ui_locales=ja`` wins over an English browser.
The pages are driven by element ids and form values only, as the sign-in driver is."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from mock_entra.testing import (
    TENANT_ID,
    WEB_CLIENT_ID,
    WEB_REDIRECT_URI,
    RunningMock,
    public_client_id,
    sample_tenant,
)
from tests.frontend.browser_lab import BROWSER_MARKS, shot

pytestmark = BROWSER_MARKS

HEADINGS = {
    "en": ("Sign in", "Permissions requested", "Sorry, but we're having trouble signing you in."),
    "ja": (
        "サインイン",
        "アクセス許可の要求",
        "申し訳ございませんが、サインインで問題が発生しました。",
    ),
}


def _authorize_url(mock: RunningMock, **extra: str) -> str:
    query = {
        "client_id": WEB_CLIENT_ID,
        "response_type": "code",
        "redirect_uri": WEB_REDIRECT_URI,
        "scope": "openid Mail.Read",  # alice has not consented: the consent page follows
        "prompt": "login",
    } | extra
    return f"{mock.authority(TENANT_ID)}/oauth2/v2.0/authorize?{urlencode(query)}"


def _page(browser: Any, locale: str) -> Any:
    return browser.new_context(viewport={"width": 1000, "height": 860}, locale=locale).new_page()


def _heading(page: Any) -> str:
    return str(page.locator("#heading").inner_text())


def test_sign_in_consent_and_error_pages_in_both_languages(
    mock_entra: RunningMock, browser: Any
) -> None:
    for locale, lang in (("en-US", "en"), ("ja-JP", "ja")):
        sign_in, consent, error = HEADINGS[lang]
        page = _page(browser, locale)
        page.goto(_authorize_url(mock_entra))
        assert page.get_attribute("html", "lang") == lang and _heading(page) == sign_in
        page.fill("#username", "alice@contoso.onmicrosoft.com")
        page.fill("#password", "not-her-password")
        page.click("button[type=submit]")
        page.wait_for_selector("#signin-error")
        shot(page, f"mock-01-sign-in-wrong-password-{lang}")
        page.fill("#password", "alice-password")
        page.click("button[type=submit]")
        page.wait_for_selector("button[value=accept]")
        assert _heading(page) == consent
        shot(page, f"mock-02-consent-{lang}")
        page.goto(_authorize_url(mock_entra, client_id="00000000-0000-0000-0000-00000000dead"))
        assert _heading(page) == error
        shot(page, f"mock-03-error-{lang}")
        page.context.close()


def test_ui_locales_ja_beats_an_english_browser(mock_entra: RunningMock, browser: Any) -> None:
    page = _page(browser, "en-US")
    page.goto(_authorize_url(mock_entra, ui_locales="ja"))
    assert page.get_attribute("html", "lang") == "ja" and _heading(page) == "サインイン"
    shot(page, "mock-04-sign-in-ui-locales-ja")
    page.context.close()


def test_device_code_pages_in_japanese(mock_entra: RunningMock, browser: Any) -> None:
    tenant = sample_tenant("device-ja-browser")
    with mock_entra.runtime_tenant(tenant) as tid, mock_entra.http() as http:
        form = {"client_id": public_client_id(tenant), "scope": "openid"}
        flow = http.post(f"/{tid}/oauth2/v2.0/devicecode", data=form).json()
        page = _page(browser, "ja-JP")
        page.goto(flow["verification_uri"])
        assert _heading(page) == "コードを入力してください"
        page.fill("#otc", flow["user_code"])
        shot(page, "mock-05-device-enter-code-ja")
        page.click("button[type=submit]")
        page.wait_for_selector("button[value=continue]")
        assert "サインインしようとしていますか" in _heading(page)
        shot(page, "mock-06-device-confirm-ja")
        page.click("button[value=continue]")
        page.fill("#username", tenant["users"][0]["upn"])
        page.fill("#password", tenant["users"][0]["password"])
        page.click("button[type=submit]")
        page.wait_for_selector("text=このウィンドウは閉じてかまいません")
        shot(page, "mock-07-device-done-ja")
        page.context.close()
