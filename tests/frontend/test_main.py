"""``python -m frontend``: the CA trust is set at the entry point, never by the app factory."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from entra_kit.settings import SettingsError
from frontend.__main__ import REQUESTS_TRUST, trust_ca_bundle
from frontend.app import create_app
from frontend.settings import FrontendSettings


def test_building_the_app_leaves_the_environment_alone(
    make_settings: Callable[..., FrontendSettings], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in REQUESTS_TRUST:
        monkeypatch.setenv(name, "/etc/ssl/certs/ca-certificates.crt")
    before = dict(os.environ)
    create_app(make_settings())
    assert dict(os.environ) == before


def test_a_missing_ca_bundle_stops_with_one_settings_line(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "ca.pem"
    settings = FrontendSettings(_env_file=None, entra_ca_bundle=str(missing))  # type: ignore[call-arg]
    with pytest.raises(SettingsError) as stop:
        trust_ca_bundle(settings)
    message = str(stop.value)
    assert message.startswith("frontend settings: ENTRA_CA_BUNDLE: ") and "\n" not in message
    assert str(missing) in message


def test_the_entry_point_trusts_exactly_the_configured_bundle_for_requests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundle = tmp_path / "ca.pem"
    bundle.write_text("not read here")
    for name in (*REQUESTS_TRUST, "SSL_CERT_FILE"):
        monkeypatch.setenv(name, "/etc/ssl/certs/ca-certificates.crt")
    trust_ca_bundle(FrontendSettings(_env_file=None, entra_ca_bundle=str(bundle)))  # type: ignore[call-arg]
    assert all(os.environ[name] == str(bundle.resolve()) for name in REQUESTS_TRUST)
    assert os.environ["SSL_CERT_FILE"] == "/etc/ssl/certs/ca-certificates.crt"
    monkeypatch.delenv("REQUESTS_CA_BUNDLE")
    trust_ca_bundle(FrontendSettings(_env_file=None, entra_ca_bundle=""))  # type: ignore[call-arg]
    assert "REQUESTS_CA_BUNDLE" not in os.environ  # system trust: nothing set


def test_python_m_frontend_serves_with_waitress_and_prints_frontend_url(tmp_path: Path) -> None:
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://localhost:{port}"
    env = {**os.environ, "FRONTEND_PORT": str(port), "FRONTEND_URL": url,
           "ENTRA_CA_BUNDLE": "", "FRONTEND_SESSION_DIR": str(tmp_path / "sessions")}  # fmt: skip
    child = subprocess.Popen(
        [sys.executable, "-m", "frontend"], env=env, cwd=tmp_path,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as ok:
                    assert ok.status == 200
                    break
            except OSError:
                assert child.poll() is None and time.monotonic() < deadline
                time.sleep(0.1)
    finally:
        child.terminate()
        output = child.communicate(timeout=10)[0]
    assert f"serving at {url} (waitress" in output
    assert "development server" not in output and "production deployment" not in output
    assert f"127.0.0.1:{port}" not in output  # one address to open: FRONTEND_URL


def test_the_launchers_ssl_cert_file_for_the_lab_ca_is_dropped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """make run sets SSL_CERT_FILE to the lab's CA; httpx would then refuse real model hosts."""
    bundle = tmp_path / "ca.pem"
    bundle.write_text("not read here")
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle.resolve()))
    for name in REQUESTS_TRUST:
        monkeypatch.setenv(name, "/etc/ssl/certs/ca-certificates.crt")
    trust_ca_bundle(FrontendSettings(_env_file=None, entra_ca_bundle=str(bundle)))  # type: ignore[call-arg]
    assert "SSL_CERT_FILE" not in os.environ
    assert os.environ["REQUESTS_CA_BUNDLE"] == str(bundle.resolve())
