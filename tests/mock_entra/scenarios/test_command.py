"""``mock-entra scenarios TARGET`` against APIs in other threads: the lab's MCP backend (every
row that applies reaches it and passes), an API that takes any bearer token (the rows
fail with what it answered), and the ways an invocation is refused."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import certifi
import pytest
import yaml
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from backend.testing import backend_settings_for, run_backend
from entra_kit.serve import bind_loopback, serve_in_thread
from mock_entra.scenarios.command import cli
from mock_entra.testing import API_CLIENT_ID, API_CLIENT_SECRET, TENANT_ID, RunningMock


def _target(path: Path, mock: RunningMock, base_url: str, **extra: Any) -> Path:
    description = {
        "base_url": base_url,
        "app": {"client_id": API_CLIENT_ID, "token_version": 1, "tenant": TENANT_ID},
        "mock": {"url": mock.base_url, "ca_bundle": str(mock.ca_bundle)},
        **extra,
    }
    path.write_text(yaml.safe_dump(description))
    return path


def _rows(out: Path) -> dict[str, dict[str, Any]]:
    lines = (out / "results.jsonl").read_text().splitlines()
    return {row["id"]: row for row in map(json.loads, lines)}


@pytest.fixture
def preset_system_trust(monkeypatch: pytest.MonkeyPatch) -> None:
    """What many machines preset: a trust store without the mock's CA."""
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE"):
        monkeypatch.setenv(name, certifi.where())


@pytest.mark.slow
def test_every_row_that_applies_reaches_the_labs_mcp_backend_and_passes(
    mock_entra: RunningMock, tmp_path: Path, preset_system_trust: None,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    with run_backend(backend_settings_for(mock_entra)) as backend:
        app = {"client_id": API_CLIENT_ID, "token_version": 1, "tenant": TENANT_ID,
               "client_secret": API_CLIENT_SECRET}  # fmt: skip
        target = _target(tmp_path / "t.yaml", mock_entra, backend.base_url, mcp=True, app=app)
        code = cli([str(target), "--out", str(tmp_path / "out"), "--select", "D*"])
    out = capsys.readouterr().out
    rows = _rows(tmp_path / "out")
    ran = {i for i, r in rows.items() if r["outcome"] != "skipped"}
    assert code == 0, out
    assert all(rows[i]["outcome"] == "passed" for i in ran), out
    lab_only = {i for i, r in rows.items() if r["outcome"] == "skipped"}
    # Only the rows that start a backend or tenant of their own, or sign with a private key.
    assert lab_only == {
        "D18-second-tenant-allow-listed", "D18-second-tenant-refused", "D21-client-app-not-allow-listed",
        "D20-app-only-token-never-reaches-obo", "D25-jwks-down", "D25-jwks-invalid-json",
        "D25-jwks-no-n", "D25-key-rollover", "D16-v2-iss-with-v1-ver", "D16-v1-iss-on-v2-shape",
    }, out  # fmt: skip
    assert len(ran) == 52
    assert (
        'D13-expired                               PASS   401 WWW-Authenticate: Bearer error="invalid_token"'
        in out
    )
    assert "52 of 62 rows reached the API: 52 passed, 0 failed" in out


@pytest.fixture
def careless_api() -> Iterator[str]:
    """An API that takes any bearer token: the catalog must catch it, with reasons."""
    app = FastAPI()

    @app.api_route("/{path:path}", methods=["GET", "POST"])
    def anything(request: Request) -> JSONResponse:
        if not request.headers.get("authorization", "").startswith("Bearer ey"):
            return JSONResponse({}, status_code=401, headers={"WWW-Authenticate": "Bearer"})
        return JSONResponse({"ok": True})

    sock = bind_loopback()
    with serve_in_thread(app, sock=sock, name="careless"):
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"


def test_an_api_that_takes_any_token_fails_with_what_it_answered(
    mock_entra: RunningMock, careless_api: str, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    target = _target(tmp_path / "t.yaml", mock_entra, careless_api,
                     requests=[{"path": "/me"}, {"method": "POST", "path": "/notes", "json": {}}])  # fmt: skip
    code = cli([str(target), "--out", str(tmp_path / "out"), "-k", "D13-expired", "-k", "D1"])
    out = capsys.readouterr().out
    rows = _rows(tmp_path / "out")
    assert code == 1
    assert set(rows) == {"D13-expired [GET /me]", "D13-expired [POST /notes]",
                         "D1-no-token [GET /me]", "D1-no-token [POST /notes]"}  # fmt: skip
    expired = rows["D13-expired [POST /notes]"]
    assert expired["outcome"] == "failed"
    assert "step 2 (call):\n  status: want 401, got 200" in expired["reason"]
    assert rows["D1-no-token [GET /me]"]["outcome"] == "passed"
    assert "2 of 2 rows reached the API (each on 2 requests): 1 passed, 1 failed" in out
    junit = (tmp_path / "out" / "junit.xml").read_text()
    assert 'failures="2"' in junit and "want 401, got 200" in junit


def test_selecting_no_row_is_an_error(
    mock_entra: RunningMock, careless_api: str, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    target = _target(tmp_path / "t.yaml", mock_entra, careless_api)
    assert cli([str(target), "--select", "Z9"]) == 2
    assert "no row matches --select Z9" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_an_api_that_does_not_answer_is_one_line(
    mock_entra: RunningMock, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sock = bind_loopback()
    port = sock.getsockname()[1]
    sock.close()
    target = _target(tmp_path / "t.yaml", mock_entra, f"http://127.0.0.1:{port}")
    assert cli([str(target), "-k", "D1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"the API at http://127.0.0.1:{port} does not answer" in err


def test_a_bad_target_file_names_the_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(
        yaml.safe_dump({"base_url": "http://x", "app": {"client_id": "c", "tenant": "t"}})
    )
    assert cli([str(path)]) == 2
    err = capsys.readouterr().err
    assert err.strip() == f"mock-entra scenarios: {path}: app.token_version: Field required"
