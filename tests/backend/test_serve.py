"""``python -m backend``: the production entry fails on bad settings with one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from backend.__main__ import backend_alone
from backend.app import backend_of
from backend.serve import settings_for_serving
from backend.settings import BackendSettings
from entra_kit.settings import SettingsError


def test_a_missing_ca_bundle_stops_the_start_with_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # no developer .env
    monkeypatch.setenv("ENTRA_CA_BUNDLE", str(tmp_path / "missing.pem"))
    with pytest.raises(SettingsError) as caught:
        settings_for_serving()
    message = str(caught.value)
    assert message.startswith("backend settings: ENTRA_CA_BUNDLE: ") and "\n" not in message


def test_the_backend_alone_refuses_to_promise_fakes_it_does_not_serve() -> None:
    settings = BackendSettings(_env_file=None, serve_fake_downstream=True)  # type: ignore[call-arg]
    with pytest.raises(SettingsError) as caught:
        backend_alone(settings)
    message = str(caught.value)
    assert message.startswith("backend settings: SERVE_FAKE_DOWNSTREAM: ")
    assert "fake_downstream.with_backend" in message and "\n" not in message


def test_the_backend_alone_serves_no_fakes() -> None:
    settings = BackendSettings(_env_file=None, serve_fake_downstream=False)  # type: ignore[call-arg]
    app = backend_alone(settings)
    assert backend_of(app).settings is settings
    with TestClient(app) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        assert client.get("/fake/graph/v1.0/me").status_code == 404


def test_the_state_accessor_refuses_a_foreign_app() -> None:
    with pytest.raises(TypeError):
        backend_of(Starlette())
