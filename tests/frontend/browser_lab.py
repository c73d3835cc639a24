"""The three services on loopback and headless Chromium, for the browser tests.

The frontend runs on waitress, as ``python -m frontend`` serves it, so that what the
browser sees (streamed chat answers included) is what a user of ``make run`` sees.
Screenshots go to ``test-artifacts/frontend/`` (git-ignored).
"""

from __future__ import annotations

import base64
import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from waitress import create_server

from backend.testing import backend_settings_for, run_backend
from entra_kit.serve import free_loopback_port
from frontend.app import create_app
from frontend.settings import FrontendSettings
from mock_entra.testing import WEB_CLIENT_ID, run_mock

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path("test-artifacts/frontend")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]  # fmt: skip
TENANT_YAML = Path(__file__).resolve().parents[2] / "mock_entra" / "default_tenant.yaml"

BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's /usr/bin/chromium"),
]


@dataclass
class Lab:
    frontend_url: str
    mock_url: str


def _tenant_with_redirect(path: Path, frontend_url: str) -> Path:
    """The shipped tenant plus this run's frontend port as a registered redirect URI."""
    data = yaml.safe_load(TENANT_YAML.read_text())
    for tenant in data["tenants"]:
        for app in tenant.get("applications", []):
            if app.get("client_id") == WEB_CLIENT_ID:
                app["redirect_uris"].append(f"{frontend_url}/signin-oidc")
                app["redirect_uris"].append(f"{frontend_url}/")
    path.write_text(yaml.safe_dump(data))
    return path


@contextmanager
def _serve(settings: FrontendSettings, port: int) -> Iterator[None]:
    server = create_server(create_app(settings), host="127.0.0.1", port=port, threads=8)
    thread = threading.Thread(target=server.run, daemon=True, name="frontend")
    thread.start()
    try:
        yield
    finally:
        server.close()
        server.task_dispatcher.shutdown()
        thread.join(timeout=5)


@contextmanager
def running_lab(work: Path) -> Iterator[Lab]:
    """Mock, backend and frontend; the process-wide CA trust comes from ``mock_entra``."""
    port = free_loopback_port()
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
        with _serve(settings, port):
            yield Lab(frontend_url, mock.base_url)


def _spki_sha256(ca_pem: Path) -> str:
    """base64(sha256(SubjectPublicKeyInfo)) of the mock's CA, for Chromium's trust flag."""
    cert = x509.load_pem_x509_certificate(ca_pem.read_bytes())
    spki = cert.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(hashlib.sha256(spki).digest()).decode()


@contextmanager
def chromium(ca_bundle: Path) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    # Chromium reads trust from an NSS database, not from REQUESTS_CA_BUNDLE. This flag
    # trusts chains that contain exactly the mock's CA key (all mocks of this process
    # share it); every other certificate is still verified normally.
    trust = f"--ignore-certificate-errors-spki-list={_spki_sha256(ca_bundle)}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=[*ARGS, trust]
        )
        try:
            yield browser
        finally:
            browser.close()


def shot(page: Any, name: str, *, full_page: bool = True) -> None:
    """A screenshot; ``full_page=False`` shows the window as the user sees it (the fold)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


def fill_sign_in(page: Any, user: str, shot_name: str | None = None) -> None:
    """Fill and submit the mock's sign-in form (the browser is on it)."""
    page.fill("#username", f"{user}@contoso.onmicrosoft.com")
    page.fill("#password", f"{user}-password")
    if shot_name:
        shot(page, shot_name)
    page.click("button[type=submit]")


def sign_in(
    page: Any, lab: Lab, user: str, shot_name: str | None = None, path: str = "/inspector"
) -> None:
    page.goto(f"{lab.frontend_url}{path}")
    page.wait_for_url(f"{lab.mock_url}/**")
    fill_sign_in(page, user, shot_name)
    page.wait_for_url(f"{lab.frontend_url}{path}")


def ask(page: Any, message: str | None = None, click: Any = None) -> None:
    """Send a chat message (or click a suggestion) and wait until the turn has ended."""
    turns = page.get_attribute("#chat", "data-turns") or "0"
    if click is not None:
        click.click()
    else:
        page.fill("[data-testid=chat-input]", message)
        page.click("[data-testid=chat-send]")
    # A selector, not wait_for_function: the app's CSP (rightly) forbids eval.
    page.wait_for_selector(f"#chat[data-turns='{int(turns) + 1}']", timeout=20000)
