"""Token faults (claim overrides, signing keys) and JWKS faults (D4-D6, D25, E12)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from mock_entra.testing import RunningMock, Tokens
from mock_entra.testing.sample import DAEMON_SECRET, WEB_SECRET, app_ids, sample_tenant
from tests.conftest import decode, decode_header


class Own:
    def __init__(self, mock: RunningMock, tokens: Tokens, tenant: dict[str, Any]) -> None:
        self.mock, self.tokens = mock, tokens
        self.id = str(tenant["id"])
        self.web, self.api, self.daemon = app_ids(tenant)
        self.alice, self.bob = tenant["users"]

    def app_token(self) -> str:
        result = self.tokens.app_token(
            self.daemon, DAEMON_SECRET, f"api://{self.api}/.default", self.id
        )
        return str(result["access_token"])

    def sign_in(self, user: dict[str, Any]) -> dict[str, Any]:
        return self.tokens.sign_in(
            user["upn"],
            [f"api://{self.api}/access_as_user"],
            client_id=self.web,
            client_secret=WEB_SECRET,
            tenant=self.id,
            password=user["password"],
        )

    def jwks(self) -> httpx.Response:
        with self.mock.http() as http:
            return http.get(f"/{self.id}/discovery/v2.0/keys")

    def verify(self, token: str) -> dict[str, Any]:
        keys = KeySet.import_key_set(self.jwks().json())
        claims: dict[str, Any] = jwt.decode(token, keys, algorithms=["RS256"]).claims
        return claims


@pytest.fixture
def own(mock_entra: RunningMock, entra_tokens: Tokens) -> Iterator[Own]:
    data = sample_tenant("tokens")
    with mock_entra.runtime_tenant(data):
        yield Own(mock_entra, entra_tokens, data)


def test_claim_overrides_and_removals_are_signed_with_the_real_key(own: Own) -> None:
    with own.mock.fault(
        tenant=own.id,
        effect="claims",
        set_claims={"aud": "api://someone-else", "scp": "Admin.All"},
        remove_claims=["tid", "roles"],
    ):
        token = own.app_token()
    claims = own.verify(token)  # E12: a trusted signature over wrong claims
    assert claims["aud"] == "api://someone-else" and claims["scp"] == "Admin.All"
    assert "tid" not in claims and "roles" not in claims
    assert own.verify(own.app_token())["tid"] == own.id, "the fault ended with its block"


def test_a_claims_fault_for_one_user_leaves_the_other_user_alone(own: Own) -> None:
    with own.mock.fault(
        user=own.bob["upn"], effect="claims", token="both", set_claims={"oid": "not-a-guid"}
    ):
        bob = own.sign_in(own.bob)
        alice = own.sign_in(own.alice)
    assert decode(bob["access_token"])["oid"] == "not-a-guid"
    assert decode(bob["id_token"])["oid"] == "not-a-guid"
    assert decode(alice["access_token"])["oid"] == own.alice["oid"]


def test_an_id_token_fault_changes_the_id_token_only(own: Own) -> None:
    with own.mock.fault(
        tenant=own.id, effect="claims", token="id", set_claims={"aud": "another-client"}
    ):
        result = own.sign_in(own.alice)
    assert decode(result["id_token"])["aud"] == "another-client"
    assert decode(result["access_token"])["aud"] == own.api


def test_a_token_signed_with_an_unpublished_key_does_not_verify(own: Own) -> None:
    with own.mock.fault(tenant=own.id, effect="signing", key="unpublished"):
        token = own.app_token()
    kid = decode_header(token)["kid"]
    assert kid not in {k["kid"] for k in own.jwks().json()["keys"]}
    with pytest.raises((JoseError, ValueError)):
        own.verify(token)


def test_an_unsigned_token_has_alg_none_and_an_empty_signature(own: Own) -> None:
    with own.mock.fault(client_id=own.daemon, effect="signing", key="none"):
        token = own.app_token()
    assert decode_header(token)["alg"] == "none" and token.endswith(".")
    assert decode(token)["tid"] == own.id
    with pytest.raises((JoseError, ValueError)):
        own.verify(token)


def test_a_jwks_without_n_cannot_be_imported(own: Own) -> None:
    with own.mock.fault(tenant=own.id, effect="jwks", mode="no_n"):
        document = own.jwks().json()
    assert document["keys"] and all("n" not in key for key in document["keys"])
    with pytest.raises((JoseError, ValueError, KeyError)):
        KeySet.import_key_set(document)


def test_a_jwks_with_invalid_json_cannot_be_parsed(own: Own) -> None:
    with own.mock.fault(tenant=own.id, effect="jwks", mode="invalid_json"):
        answer = own.jwks()
    assert answer.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        answer.json()


def test_a_jwks_that_is_down_answers_503_for_that_tenant_only(
    own: Own, mock_entra: RunningMock
) -> None:
    with own.mock.fault(tenant=own.id, effect="jwks", mode="down", times=1):
        down = own.jwks()
        with mock_entra.http() as http:
            other = http.get(mock_entra.jwks_uri())
        again = own.jwks()
    assert down.status_code == 503 and down.json()["error"] == "temporarily_unavailable"
    assert other.status_code == 200 and again.status_code == 200


def test_a_signing_fault_counts_one_use_per_answer_with_two_tokens(own: Own) -> None:
    with own.mock.fault(tenant=own.id, effect="signing", key="none", token="both", times=1):
        first = own.sign_in(own.alice)
        second = own.sign_in(own.alice)
    assert decode_header(first["access_token"])["alg"] == "none"
    assert decode_header(first["id_token"])["alg"] == "none"
    assert decode_header(second["access_token"])["alg"] == "RS256"
