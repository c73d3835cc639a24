"""End to end in headless Chromium: mock (HTTPS) + backend + frontend, all real, on loopback.

Skips when Debian's chromium is absent (``apt-get install chromium``). Screenshots
go to ``test-artifacts/frontend/``.
"""

from __future__ import annotations

from typing import Any

from tests.frontend.browser_lab import (
    BROWSER_MARKS,
    Lab,
    ask,
    shot,
    sign_in,
)

pytestmark = BROWSER_MARKS


def test_alice_and_bob_end_to_end(lab: Lab, browser: Any) -> None:
    alice_context = browser.new_context(viewport={"width": 1360, "height": 900}, locale="en-US")
    alice = alice_context.new_page()
    missing: list[str] = []  # every page used to log a 404 for its favicon
    alice.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    sign_in(alice, lab, "alice", shot_name="01-mock-sign-in")
    for key in ("id", "graph", "backend", "obo"):
        assert alice.locator(f"[data-testid=token-{key}]").is_visible()
    backend_card = alice.locator("[data-testid=token-backend]")
    assert "api://fe5f360b-4f1f-4029-b90b-f832bcb0412c" in backend_card.inner_text()
    assert backend_card.locator("tr.changed[data-claim=aud]").count() == 1
    shot(alice, "02-inspector-phases-1-2")

    alice.click("[data-testid=obo-button]")
    alice.wait_for_url(f"{lab.frontend_url}/inspector#obo")
    obo_card = alice.locator("[data-testid=token-obo]")
    assert "https://search.azure.com" in obo_card.locator("tr[data-claim=aud]").inner_text()
    shot(alice, "03-inspector-obo")

    alice.goto(f"{lab.frontend_url}/chat")
    ask(alice, "who am I")
    log = alice.locator("[data-testid=chat-log]")
    assert "get_user_info" in log.inner_text()
    assert "alice@contoso.onmicrosoft.com" in log.inner_text()
    ask(alice, "私は誰")
    assert "バックエンドの回答" in log.inner_text()
    shot(alice, "04-chat-alice")

    bob_context = browser.new_context(viewport={"width": 420, "height": 900}, locale="ja-JP")
    bob = bob_context.new_page()
    sign_in(bob, lab, "bob")
    assert "トークンインスペクター" in bob.content()  # Accept-Language: ja
    bob_page = bob.content()
    assert "alice" not in bob_page.lower()
    assert "https://search.azure.com" not in bob.locator("[data-testid=token-obo]").inner_text()
    shot(bob, "05-inspector-bob-mobile-ja")
    bob.goto(f"{lab.frontend_url}/chat")
    assert "alice" not in bob.locator("[data-testid=chat-log]").inner_text().lower()
    ask(bob, "who am I")
    bob_log = bob.locator("[data-testid=chat-log]").inner_text()
    assert "bob@contoso.onmicrosoft.com" in bob_log and "alice" not in bob_log.lower()
    shot(bob, "06-chat-bob-mobile")

    alice.click("[data-testid=lang-switch]")
    assert "エージェントチャット" in alice.content()
    alice.click("[data-testid=signout]")
    # Signed out here and at the IdP: the mock sends the browser back to "/", which
    # says so (in the language chosen before) instead of starting a sign-in at once.
    alice.wait_for_url(f"{lab.frontend_url}/signed-out", timeout=15000)
    assert "サインアウトしました" in alice.locator("[data-testid=signed-out]").inner_text()
    shot(alice, "07-signed-out-ja")
    # Signing in again needs the form: the mock's SSO session ended too.
    alice.click("[data-testid=sign-in-again]")
    alice.wait_for_url(f"{lab.mock_url}/**/authorize?**", timeout=15000)
    assert alice.locator("#username").is_visible()
    shot(alice, "08-after-sign-out")
    alice.goto(f"{lab.frontend_url}/chat")
    alice.wait_for_url(f"{lab.mock_url}/**")
    assert not [url for url in missing if url.startswith(lab.frontend_url)], missing
    alice_context.close()
    bob_context.close()
