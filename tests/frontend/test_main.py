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
