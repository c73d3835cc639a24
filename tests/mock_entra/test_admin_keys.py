"""Admin API: key rotation per tenant, seen by a verifier that caches the JWKS (D25)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from mock_entra.testing import RunningMock, Tokens
from mock_entra.testing.sample import app_ids, sample_tenant
from tests.conftest import decode_header


class CachingVerifier:
    """Like resource servers do: keep the JWKS, fetch it again only for an unknown kid."""

    def __init__(self, jwks_uri: str, ca_bundle: str) -> None:
        self.jwks_uri = jwks_uri
        self.ca_bundle = ca_bundle
        self.fetches = 0
        self.keys = self._fetch()

    def _fetch(self) -> KeySet:
        self.fetches += 1
        document = httpx.get(self.jwks_uri, verify=self.ca_bundle).raise_for_status().json()
        return KeySet.import_key_set(document)

    def kids(self) -> set[str]:
        return {str(key.kid) for key in self.keys.keys}

    def verify(self, token: str) -> dict[str, Any]:
        if decode_header(token)["kid"] not in self.kids():
            self.keys = self._fetch()
        claims: dict[str, Any] = jwt.decode(token, self.keys, algorithms=["RS256"]).claims
        return claims


@pytest.fixture
def tenant(mock_entra: RunningMock) -> Any:
    """A tenant of this test's own, so rotating its keys disturbs no other test."""
    data = sample_tenant("keys")
    with mock_entra.runtime_tenant(data) as tid:
        yield tid, data


def _token(tokens: Tokens, tenant: tuple[str, dict[str, Any]]) -> str:
    tid, data = tenant
    _, api, daemon = app_ids(data)
    result = tokens.app_token(daemon, "sample-daemon-secret-0001", f"api://{api}/.default", tid)
    return str(result["access_token"])


def test_a_rotation_is_picked_up_by_a_caching_verifier_on_the_unknown_kid(
    mock_entra: RunningMock, entra_tokens: Tokens, tenant: tuple[str, dict[str, Any]]
) -> None:
    tid = tenant[0]
    verifier = CachingVerifier(mock_entra.jwks_uri(tid), str(mock_entra.ca_bundle))
    before = _token(entra_tokens, tenant)
    assert verifier.verify(before)["tid"] == tid

    rotated = mock_entra.rotate_keys(tid)
    after = _token(entra_tokens, tenant)
    assert decode_header(after)["kid"] == rotated["active"] != decode_header(before)["kid"]
    assert rotated["active"] not in verifier.kids()
    assert verifier.verify(after)["tid"] == tid
    assert verifier.fetches == 2
    # The retired key stays published until its tokens expire.
    assert verifier.verify(before)["tid"] == tid
    states = {k["kid"]: k["state"] for k in rotated["keys"]}
    assert states[decode_header(before)["kid"]] == "retired"


def test_a_key_published_before_rotation_needs_no_refetch(
    mock_entra: RunningMock, entra_tokens: Tokens, tenant: tuple[str, dict[str, Any]]
) -> None:
    tid = tenant[0]
    published = mock_entra.admin.publish_next_key(tid)
    assert {"kid": published["next"], "state": "next"} in [
        {"kid": k["kid"], "state": k["state"]} for k in published["keys"]
    ]
    verifier = CachingVerifier(mock_entra.jwks_uri(tid), str(mock_entra.ca_bundle))
    assert published["next"] in verifier.kids()
    # Still signing with the active key until the rotation.
    assert decode_header(_token(entra_tokens, tenant))["kid"] != published["next"]

    assert mock_entra.rotate_keys(tid)["active"] == published["next"]
    assert verifier.verify(_token(entra_tokens, tenant))["tid"] == tid
    assert verifier.fetches == 1


def test_a_token_signed_by_a_removed_key_fails_even_after_a_refetch(
    mock_entra: RunningMock, entra_tokens: Tokens, tenant: tuple[str, dict[str, Any]]
) -> None:
    """Rotating another tenant's keys changes nothing for this one: the kid stays unknown."""
    tid = tenant[0]
    other = sample_tenant("other-keys")
    with mock_entra.runtime_tenant(other) as other_tid:
        foreign_verifier = CachingVerifier(
            mock_entra.jwks_uri(other_tid), str(mock_entra.ca_bundle)
        )
        mock_entra.rotate_keys(tid)
        with pytest.raises((JoseError, ValueError)):
            foreign_verifier.verify(_token(entra_tokens, tenant))
        assert foreign_verifier.fetches == 2


def test_rotating_an_unknown_tenant_is_an_entra_style_refusal(mock_entra: RunningMock) -> None:
    with mock_entra.http() as http:
        # A bodiless admin POST names itself (X-Mock-Entra-Admin): see test_admin_access.py.
        answer = http.post(
            "/_admin/tenants/nowhere.onmicrosoft.com/keys/rotate",
            headers={"X-Mock-Entra-Admin": "1"},
        )
    assert answer.status_code == 400 and answer.json()["error_codes"] == [90002]
