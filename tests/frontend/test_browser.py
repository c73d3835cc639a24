"""End to end in headless Chromium: mock (HTTPS) + backend + frontend, all real, on loopback.

Skips when Debian's chromium is absent (``apt-get install chromium``). Screenshots
go to ``test-artifacts/frontend/``.
"""

from __future__ import annotations

import base64
import hashlib
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from werkzeug.serving import make_server

from backend.testing import backend_settings_for, run_backend
from frontend.app import create_app
from frontend.settings import FrontendSettings
from mock_entra.testing import WEB_CLIENT_ID, run_mock

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path("test-artifacts/frontend")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]  # fmt: skip
TENANT_YAML = Path(__file__).resolve().parents[2] / "mock_entra" / "default_tenant.yaml"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's /usr/bin/chromium"),
]


@dataclass
class Lab:
    frontend_url: str
    mock_url: str


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _tenant_with_redirect(path: Path, frontend_url: str) -> Path:
    """The shipped tenant plus this run's frontend port as a registered redirect URI."""
    data = yaml.safe_load(TENANT_YAML.read_text())
    for tenant in data["tenants"]:
        for app in tenant.get("applications", []):
            if app.get("client_id") == WEB_CLIENT_ID:
                app["redirect_uris"].append(f"{frontend_url}/signin-oidc")
                app["post_logout_redirect_uris"].append(f"{frontend_url}/")
    path.write_text(yaml.safe_dump(data))
    return path


@pytest.fixture(scope="module")
def lab(mock_entra: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """All three services; ``mock_entra`` only provides the process-wide CA trust."""
    work = tmp_path_factory.mktemp("lab")
    port = _free_port()
    frontend_url = f"http://127.0.0.1:{port}"
    config = _tenant_with_redirect(work / "tenant.yaml", frontend_url)
    with (
        run_mock(work / "mock", config=config) as mock,
        run_backend(backend_settings_for(mock)) as backend,
    ):
        settings = FrontendSettings(  # type: ignore[call-arg]
            _env_file=None,
            entra_authority_host=mock.base_url,
            entra_ca_bundle=str(mock.ca_bundle),
            frontend_url=frontend_url,
            backend_url=backend.base_url,
            frontend_session_dir=work / "sessions",
            frontend_secret_key="browser-test-key",
        )
        server = make_server("127.0.0.1", port, create_app(settings), threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield Lab(frontend_url, mock.base_url)
        finally:
            server.shutdown()
            thread.join(timeout=5)


def _spki_sha256(ca_pem: Path) -> str:
    """base64(sha256(SubjectPublicKeyInfo)) of the mock's CA, for Chromium's trust flag."""
    cert = x509.load_pem_x509_certificate(ca_pem.read_bytes())
    spki = cert.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(hashlib.sha256(spki).digest()).decode()


@pytest.fixture(scope="module")
def browser(mock_entra: Any) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    # Chromium reads trust from an NSS database, not from REQUESTS_CA_BUNDLE. This flag
    # trusts chains that contain exactly the mock's CA key (all mocks of this process
    # share it); every other certificate is still verified normally.
    trust = f"--ignore-certificate-errors-spki-list={_spki_sha256(Path(mock_entra.ca_bundle))}"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=[*ARGS, trust]
        )
        try:
            yield chromium
        finally:
            chromium.close()


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _sign_in(page: Any, lab: Lab, user: str, shot: str | None = None) -> None:
    page.goto(f"{lab.frontend_url}/inspector")
    page.wait_for_url(f"{lab.mock_url}/**")
    page.fill("#username", f"{user}@contoso.onmicrosoft.com")
    page.fill("#password", f"{user}-password")
    if shot:
        _shot(page, shot)
    page.click("button[type=submit]")
    page.wait_for_url(f"{lab.frontend_url}/inspector")


def _ask(page: Any, message: str) -> None:
    turns = page.get_attribute("#chat", "data-turns") or "0"
    page.fill("[data-testid=chat-input]", message)
    page.click("[data-testid=chat-send]")
    # A selector, not wait_for_function: the app's CSP (rightly) forbids eval.
    page.wait_for_selector(f"#chat[data-turns='{int(turns) + 1}']", timeout=20000)


def test_alice_and_bob_end_to_end(lab: Lab, browser: Any) -> None:
    alice_context = browser.new_context(viewport={"width": 1360, "height": 900}, locale="en-US")
    alice = alice_context.new_page()
    _sign_in(alice, lab, "alice", shot="01-mock-sign-in")
    for key in ("id", "graph", "backend", "obo"):
        assert alice.locator(f"[data-testid=token-{key}]").is_visible()
    backend_card = alice.locator("[data-testid=token-backend]")
    assert "api://fe5f360b-4f1f-4029-b90b-f832bcb0412c" in backend_card.inner_text()
    assert backend_card.locator("tr.changed[data-claim=aud]").count() == 1
    _shot(alice, "02-inspector-phases-1-2")

    alice.click("[data-testid=obo-button]")
    alice.wait_for_url(f"{lab.frontend_url}/inspector#obo")
    obo_card = alice.locator("[data-testid=token-obo]")
    assert "https://search.azure.com" in obo_card.locator("tr[data-claim=aud]").inner_text()
    _shot(alice, "03-inspector-obo")

    alice.goto(f"{lab.frontend_url}/chat")
    _ask(alice, "who am I")
    log = alice.locator("[data-testid=chat-log]")
    assert "get_user_info" in log.inner_text()
    assert "alice@contoso.onmicrosoft.com" in log.inner_text()
    _ask(alice, "私は誰")
    assert "バックエンドの回答" in log.inner_text()
    _shot(alice, "04-chat-alice")

    bob_context = browser.new_context(viewport={"width": 420, "height": 900}, locale="ja-JP")
    bob = bob_context.new_page()
    _sign_in(bob, lab, "bob")
    assert "トークンインスペクター" in bob.content()  # Accept-Language: ja
    bob_page = bob.content()
    assert "alice" not in bob_page.lower()
    assert "https://search.azure.com" not in bob.locator("[data-testid=token-obo]").inner_text()
    _shot(bob, "05-inspector-bob-mobile-ja")
    bob.goto(f"{lab.frontend_url}/chat")
    assert "alice" not in bob.locator("[data-testid=chat-log]").inner_text().lower()
    _ask(bob, "who am I")
    bob_log = bob.locator("[data-testid=chat-log]").inner_text()
    assert "bob@contoso.onmicrosoft.com" in bob_log and "alice" not in bob_log.lower()
    _shot(bob, "06-chat-bob-mobile")

    alice.click("[data-testid=lang-switch]")
    assert "エージェントチャット" in alice.content()
    alice.click("[data-testid=signout]")
    # Signed out here and at the IdP: the mock sends the browser back to "/", which
    # needs a sign-in again, and the mock (its SSO session ended) shows its form.
    alice.wait_for_url(f"{lab.mock_url}/**/authorize?**", timeout=15000)
    assert alice.locator("#username").is_visible()
    _shot(alice, "07-after-sign-out")
    alice.goto(f"{lab.frontend_url}/chat")
    alice.wait_for_url(f"{lab.mock_url}/**")
    alice_context.close()
    bob_context.close()
