"""My API's security tests with the mock's fixtures: each bad token is validly signed and
differs in one claim, so each test fails for the check it names, not the signature."""

from __future__ import annotations

import httpx
import pytest
from my_api.auth import AuthSettings, Refused, SigningKeys, verify

from conftest import DAEMON
from mock_entra.testing import BadTokens, RunningMock, Tokens


def _get(api_url: str, token: str | None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.get(f"{api_url}/me", headers=headers)


def _reason(settings: AuthSettings, token: str) -> str:
    with pytest.raises(Refused) as caught:
        verify(f"Bearer {token}", settings, SigningKeys(settings))
    return caught.value.reason


def test_alice_is_accepted(api_url: str, bad_tokens: BadTokens) -> None:
    answer = _get(api_url, bad_tokens.valid())
    assert answer.status_code == 200 and answer.json()["oid"]


def test_no_token_is_401_without_an_error_code(api_url: str) -> None:
    answer = _get(api_url, None)
    assert answer.status_code == 401 and answer.headers["www-authenticate"] == "Bearer"


def test_another_audience_is_refused_for_its_audience(
    api_url: str, bad_tokens: BadTokens, settings: AuthSettings
) -> None:
    token = bad_tokens.other_audience()
    assert _get(api_url, token).status_code == 401
    assert _reason(settings, token) == "audience"  # the check it names, not the signature


def test_a_real_graph_token_is_the_wrong_audience_test(
    mock_entra: RunningMock, bad_tokens: BadTokens, settings: AuthSettings
) -> None:
    """The trap: a real Graph token is refused for its signature (Graph's header nonce), so
    'refuses another audience' tested with one passes whatever the audience check does."""
    alice = bad_tokens.valid()
    graph = Tokens(mock_entra).obo(alice, "https://graph.microsoft.com/User.Read", settings.client_id,
                                   "my-api-secret-0001", settings.tenant_id)["access_token"]  # fmt: skip
    assert _reason(settings, graph) == "signature"


@pytest.mark.parametrize(
    ("recipe", "reason"),
    [
        ("expired", "Signature has expired"),
        ("not_yet_valid", "The token is not yet valid (nbf)"),
        ("issued_in_the_future", "The token is not yet valid (iat)"),
        ("other_tenant", "Invalid issuer"),
        ("wrong_issuer", "Invalid issuer"),
        ("other_issuer_form", "Invalid issuer"),
    ],
)
def test_each_bad_token_is_refused_for_its_claim(
    api_url: str, bad_tokens: BadTokens, settings: AuthSettings, recipe: str, reason: str
) -> None:
    token = getattr(bad_tokens, recipe)()
    assert _get(api_url, token).status_code == 401
    assert _reason(settings, token) == reason


def test_a_token_without_oid_is_refused(
    api_url: str, bad_tokens: BadTokens, settings: AuthSettings
) -> None:
    token = bad_tokens.without_claims("oid")
    assert _get(api_url, token).status_code == 401
    assert _reason(settings, token) == 'Token is missing the "oid" claim'


def test_missing_scope_and_app_only_are_403(api_url: str, bad_tokens: BadTokens) -> None:
    for token in (bad_tokens.without_scope(), bad_tokens.app_only(*DAEMON)):
        answer = _get(api_url, token)
        assert answer.status_code == 403
        assert answer.headers["www-authenticate"].startswith('Bearer error="insufficient_scope"')
