"""``make e2e-real``'s checks, run against the mock through the same code (only settings differ)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from backend.settings import BackendSettings
from backend.testing import backend_settings_for, run_backend
from mock_entra.testing import RunningMock, Tokens
from stack import e2e_real


async def _run(
    mock: RunningMock, user_token: str | None, **overrides: object
) -> dict[str, e2e_real.Outcome]:
    values = backend_settings_for(mock, **overrides)
    with run_backend(values) as backend:
        settings = BackendSettings(_env_file=None, **values)  # type: ignore[call-arg]
        outcomes = await e2e_real.run_all(e2e_real.E2E(settings, backend.mcp_url, user_token))
    return {o.name: o for o in outcomes}


async def test_every_check_passes_against_the_mock(
    mock_entra: RunningMock, entra_tokens: Tokens
) -> None:
    user = entra_tokens.sign_in("alice")["access_token"]
    outcomes = await _run(mock_entra, user)
    assert {o.status for o in outcomes.values()} == {"passed"}, outcomes


async def test_without_a_user_token_the_delegated_checks_are_skipped_not_failed(
    mock_entra: RunningMock,
) -> None:
    outcomes = await _run(mock_entra, None)
    assert outcomes["backend: get_user_info"].status == "skipped"
    assert outcomes["discovery and JWKS"].status == "passed"


async def test_a_wrong_backend_secret_fails_the_client_credentials_check(
    mock_entra: RunningMock,
) -> None:
    outcomes = await _run(mock_entra, None, backend_client_secret="not-the-secret")
    assert outcomes["client credentials"].status == "failed"
    assert "7000215" in outcomes["client credentials"].detail


def test_the_metadata_check_uses_the_url_the_started_backend_serves(
    mock_entra: RunningMock, entra_tokens: Tokens
) -> None:
    """A profile's BACKEND_URL (for make run) is not where e2e-real's own backend listens."""
    user = entra_tokens.sign_in("alice")["access_token"]
    values = backend_settings_for(mock_entra, backend_url="http://127.0.0.1:8000")
    outcomes = {o.name: o for o in e2e_real.run_checks(values, user)}
    metadata = outcomes["backend: protected-resource metadata"]
    assert metadata.status == "passed", metadata.detail
    assert ":8000" not in metadata.detail


async def test_a_failure_says_what_was_expected_and_what_came(mock_entra: RunningMock) -> None:
    values = backend_settings_for(mock_entra)
    with run_backend(values) as backend:
        settings = BackendSettings(_env_file=None, **values)  # type: ignore[call-arg]
        wrong = e2e_real.E2E(settings, f"{backend.base_url}/healthz", None)
        outcomes = {o.name: o for o in await e2e_real.run_all(wrong)}
    no_token = outcomes["backend: no token -> 401 + resource_metadata"]
    assert no_token.status == "failed"
    assert "without a token: expected 401, got 404" in no_token.detail, no_token.detail
    metadata = outcomes["backend: protected-resource metadata"].detail
    assert "expected 200, got 404" in metadata and "AssertionError" not in metadata


def test_make_e2e_real_with_the_mock_profile_runs_every_check(tmp_path: Path) -> None:
    """What CI runs: no .env, so the mock profile, and every check must pass, none skipped."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("ENTRA_", "BACKEND_", "FRONTEND_", "E2E_", "MOCK_ENTRA_"))}  # fmt: skip
    result = subprocess.run([sys.executable, "-m", "stack", "e2e-real"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=180)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "in-process mock tenant" in result.stdout
    assert "e2e-real: 7 passed, 0 failed, 0 skipped" in result.stdout, result.stdout
