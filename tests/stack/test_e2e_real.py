"""``make e2e-real``'s checks, run against the mock through the same code (only settings differ)."""

from __future__ import annotations

import pytest

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


def test_with_the_mock_profile_it_says_so_and_exits_0(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("ENTRA_AUTHORITY_HOST", raising=False)
    assert e2e_real.main() == 0
    assert "points at the mock" in capsys.readouterr().out
