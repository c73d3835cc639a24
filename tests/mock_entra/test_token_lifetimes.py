"""Access-token lifetimes: Entra's random 60-90 minutes by default, fixed when the tenant says.

"When issued, an access token's default lifetime is assigned a random value ranging between
60-90 minutes (75 minutes on average)" (configurable-token-lifetimes); ``expires_in`` and
``ext_expires_in`` agree with ``exp`` (``iat`` is back-dated five minutes, as Entra's).
https://learn.microsoft.com/entra/identity-platform/configurable-token-lifetimes
"""

from __future__ import annotations

from typing import Any

from mock_entra.testing import RunningMock, Tokens
from mock_entra.testing.sample import DAEMON_SECRET, app_ids, sample_tenant
from tests.conftest import decode

SKEW = 300


def _lifetimes(result: dict[str, Any]) -> tuple[int, int]:
    """(expires_in, exp - iat) of an MSAL result, checking ext_expires_in agrees."""
    assert result["ext_expires_in"] == result["expires_in"], result.keys()
    claims = decode(result["access_token"])
    return int(result["expires_in"]), claims["exp"] - claims["iat"]


def test_by_default_each_access_token_lives_a_random_60_to_90_minutes(
    entra_tokens: Tokens,
) -> None:
    seen = [_lifetimes(entra_tokens.app_token()) for _ in range(6)]
    assert all(3600 <= expires_in <= 5400 for expires_in, _ in seen), seen
    assert all(span == expires_in + SKEW for expires_in, span in seen), seen
    assert len({expires_in for expires_in, _ in seen}) > 1, "drawn per token, not per tenant"


def test_a_tenant_with_a_fixed_lifetime_gets_exactly_that(
    mock_entra: RunningMock, entra_tokens: Tokens
) -> None:
    tenant = sample_tenant("fixed-lifetime") | {"lifetimes": {"access_token": 1200}}
    _, api, daemon = app_ids(tenant)
    with mock_entra.runtime_tenant(tenant) as tid:
        results = [
            entra_tokens.app_token(daemon, DAEMON_SECRET, f"api://{api}/.default", tenant=tid)
            for _ in range(2)
        ]
    assert [_lifetimes(r) for r in results] == [(1200, 1200 + SKEW)] * 2
