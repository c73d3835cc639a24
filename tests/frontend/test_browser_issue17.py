"""Issue 17 in headless Chromium, with a screenshot of each visible change (en and ja).

Sign-in from the other loopback name, incremental consent (decline, then accept),
the inspector's headers, claim lists and times, and the chat: suggestions, following
the streamed answer, blank and too-long messages, the history after a reload.
"""

from __future__ import annotations

import re
from typing import Any

from frontend.chat import MAX_MESSAGE_CHARS
from tests.frontend.browser_lab import (
    BROWSER_MARKS,
    Lab,
    ask,
    fill_sign_in,
    shot,
    sign_in,
)

pytestmark = BROWSER_MARKS


def _page(browser: Any, locale: str, width: int = 1280, height: int = 860) -> Any:
    context = browser.new_context(viewport={"width": width, "height": height}, locale=locale)
    return context.new_page()


def test_sign_in_started_on_localhost_ends_signed_in_on_frontend_url(
    lab: Lab, browser: Any
) -> None:
    # The lab's FRONTEND_URL is http://127.0.0.1:<port>; the other loopback name is localhost.
    page = _page(browser, "en-US")
    page.goto(lab.frontend_url.replace("127.0.0.1", "localhost") + "/inspector")
    page.wait_for_url(f"{lab.mock_url}/**")
    fill_sign_in(page, "carol")
    page.wait_for_url(f"{lab.frontend_url}/inspector")
    assert page.locator("[data-testid=token-backend]").is_visible()
    shot(page, "17-01-signed-in-via-localhost")
    page.context.close()


def _consent_round(page: Any, lab: Lab, decision: str) -> None:
    page.goto(f"{lab.frontend_url}/")
    page.click("[data-testid=consent-button]")
    page.wait_for_url(f"{lab.mock_url}/**")
    page.wait_for_selector(f"button[value={decision}]")


def test_incremental_consent_decline_then_accept(lab: Lab, browser: Any) -> None:
    for user, locale, lang in (("carol", "en-US", "en"), ("bob", "ja-JP", "ja")):
        page = _page(browser, locale)
        sign_in(page, lab, user, path="/")
        assert page.locator("[data-testid=consent-card]").is_visible()
        shot(page, f"17-02-home-consent-button-{lang}")

        _consent_round(page, lab, "decline")
        assert "Mail.Read" in page.content()  # the mock's consent page names the scope
        shot(page, f"17-03-mock-consent-page-{lang}")
        page.click("button[value=decline]")
        page.wait_for_url(f"{lab.frontend_url}/signin-oidc**")
        message = page.locator("[data-testid=error-message]").inner_text()
        assert "AADSTS65004" in message
        assert ("still signed in" if lang == "en" else "サインインしています") in message
        shot(page, f"17-04-consent-declined-{lang}")

        _consent_round(page, lab, "accept")
        page.click("button[value=accept]")
        page.wait_for_url(f"{lab.frontend_url}/consent")
        assert "Mail.Read" in page.locator("[data-testid=granted-scp]").inner_text()
        shot(page, f"17-05-consent-granted-{lang}")
        page.context.close()


def test_inspector_headers_all_claims_and_times(lab: Lab, browser: Any) -> None:
    for user, locale, relative in (("alice", "en-US", r"in \d+ (min|h)"),
                                   ("bob", "ja-JP", r"\d+ (分|時間)後")):  # fmt: skip
        page = _page(browser, locale)
        sign_in(page, lab, user)
        page.click("[data-testid=obo-button]")
        page.wait_for_url(f"{lab.frontend_url}/inspector#obo")
        for key in ("id", "obo"):
            page.click(f"[data-testid=header-{key}] summary")
            page.click(f"[data-testid=all-claims-{key}] summary")
        id_card = page.locator("[data-testid=token-id]")
        header = id_card.locator("[data-testid=header-id] pre").inner_text()
        assert '"kid"' in header and '"alg": "RS256"' in header
        summary = id_card.locator("[data-testid=all-claims-id] summary").inner_text()
        count = int(re.search(r"\((\d+)\)", summary).group(1))  # type: ignore[union-attr]
        assert count == id_card.locator("[data-all-claim]").count()
        exp = id_card.locator("tr[data-claim=exp] .moment")
        assert re.search(relative, exp.locator(".relative").inner_text())
        # The script redrew the server's time in the browser's own format.
        assert not re.match(r"\d{4}-\d\d-\d\d \d\d:", exp.locator(".local").inner_text())
        obo_header = page.locator("[data-testid=header-obo]").inner_text()
        assert "{}" not in obo_header
        shot(page, f"17-06-inspector-details-{locale[:2]}")
        page.context.close()


def _last_answer_in_view(page: Any) -> bool:
    box = page.locator(".msg.assistant").last.bounding_box()
    viewport = page.viewport_size
    return bool(box) and box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"]


def test_chat_suggestions_follow_limits_and_history(lab: Lab, browser: Any) -> None:
    page = _page(browser, "en-US", width=1000, height=620)  # a short window: the fold is near
    sign_in(page, lab, "alice", path="/chat")
    suggestions = page.locator("[data-testid=suggestion]")
    assert suggestions.all_inner_texts() == [
        "who am I", "search runbook", "ping", "my profile", "get the search token",
    ]  # fmt: skip
    ask(page, click=suggestions.nth(1))
    assert "search_documents" in page.locator(".msg.tool-call").last.inner_text()
    assert "runbook" in page.locator(".msg.tool-call").last.inner_text()
    for index in (2, 0, 1, 3):  # long answers: the log overflows its box and the window
        ask(page, click=suggestions.nth(index))
        assert _last_answer_in_view(page), index
    shot(page, "17-07-chat-follows-the-answer-en", full_page=False)

    page.fill("[data-testid=chat-input]", "   ")
    page.click("[data-testid=chat-send]")
    assert "Type a message first" in page.locator("[data-testid=chat-status]").inner_text()
    page.fill("[data-testid=chat-input]", "x" * (MAX_MESSAGE_CHARS + 100))
    status = page.locator("[data-testid=chat-status]").inner_text()
    assert f"at most {MAX_MESSAGE_CHARS} characters" in status
    shot(page, "17-08-chat-limits-en")

    rows = page.locator("#log > li").count()
    tools = page.locator("#log .msg.tool").count()
    page.reload()
    assert page.locator("#log .msg.tool").count() == tools > 0
    assert page.locator("#log > li").count() == rows
    shot(page, "17-09-chat-after-reload-en")
    page.context.close()


def test_chat_in_japanese(lab: Lab, browser: Any) -> None:
    page = _page(browser, "ja-JP", width=420, height=800)
    sign_in(page, lab, "carol", path="/chat")
    assert "runbook を検索" in page.locator("[data-testid=suggestion]").all_inner_texts()
    ask(page, "検索して: runbook")
    call = page.locator(".msg.tool-call").last.inner_text()
    assert 'search_documents {"query":"runbook"}' in call
    assert _last_answer_in_view(page)
    page.fill("[data-testid=chat-input]", " ")
    page.click("[data-testid=chat-send]")
    assert "メッセージを入力してください" in page.locator("[data-testid=chat-status]").inner_text()
    shot(page, "17-10-chat-ja", full_page=False)
    page.context.close()
