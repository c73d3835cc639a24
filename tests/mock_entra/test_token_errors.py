"""Section B of the scenario catalog: every token-endpoint refusal with Entra's code."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from entra_kit.jose import pkce_s256
from mock_entra.testing import (
    API_CLIENT_ID,
    API_SCOPE,
    DAEMON_CLIENT_ID,
    DAEMON_CLIENT_SECRET,
    OTHER_TENANT_ID,
    WEB_CLIENT_ID,
    RawFlow,
    RunningMock,
    app_ids,
    sample_tenant,
)
from mock_entra.testing.sample import WEB_SECRET as SAMPLE_WEB_SECRET

VERIFIER = "v" * 43 + "-._~0123456789"
CHALLENGE = pkce_s256(VERIFIER)
GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def assert_entra_error(
    response: httpx.Response, status: int, error: str, aadsts: int
) -> dict[str, object]:
    body = response.json()
    assert response.status_code == status, body
    assert body["error"] == error, body
    assert body["error_codes"][0] == aadsts, body
    assert str(body["error_description"]).startswith(f"AADSTS{aadsts}: ")
    return body


def test_error_bodies_have_every_field_entra_sends(raw_flow: RawFlow) -> None:
    body = assert_entra_error(
        raw_flow.post_token({
            "grant_type": "authorization_code", "code": "!", "client_id": WEB_CLIENT_ID,
            "client_secret": "mock-web-secret-0001",
        }),
        400, "invalid_grant", 9002313,
    )  # fmt: skip
    assert GUID.match(str(body["trace_id"])) and GUID.match(str(body["correlation_id"]))
    assert re.match(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$", str(body["timestamp"]))
    assert f"Trace ID: {body['trace_id']}" in str(body["error_description"])
    assert str(body["error_uri"]).endswith("code=9002313")


def test_a_code_redeemed_twice_fails_and_revokes_the_first_redemption(raw_flow: RawFlow) -> None:
    code = raw_flow.code(challenge=CHALLENGE)
    first = raw_flow.redeem(code, verifier=VERIFIER)
    assert first.status_code == 200, first.text
    assert_entra_error(raw_flow.redeem(code, verifier=VERIFIER), 400, "invalid_grant", 54005)
    refresh = raw_flow.post_token({
        "grant_type": "refresh_token", "refresh_token": first.json()["refresh_token"],
        "client_id": "276c44e0-30c1-44f5-8680-e817fc8185bb",
        "client_secret": "mock-web-secret-0001", "scope": API_SCOPE,
    })  # fmt: skip
    assert_entra_error(refresh, 400, "invalid_grant", 50173)


def test_a_code_older_than_ten_minutes_has_expired(
    raw_flow: RawFlow, mock_entra: RunningMock
) -> None:
    code = raw_flow.code(challenge=CHALLENGE)
    with mock_entra.shifted_clock(601):
        answer = raw_flow.redeem(code, verifier=VERIFIER)
    assert_entra_error(answer, 400, "invalid_grant", 70008)


def test_a_wrong_code_verifier_is_refused(raw_flow: RawFlow) -> None:
    code = raw_flow.code(challenge=CHALLENGE)
    assert_entra_error(raw_flow.redeem(code, verifier="w" * 43), 400, "invalid_grant", 501481)


def test_a_missing_verifier_is_refused_when_a_challenge_was_sent(raw_flow: RawFlow) -> None:
    code = raw_flow.code(challenge=CHALLENGE)
    assert_entra_error(raw_flow.redeem(code), 400, "invalid_grant", 50148)


def test_a_verifier_without_a_challenge_is_a_refused_downgrade(raw_flow: RawFlow) -> None:
    code = raw_flow.code(challenge=None)
    assert_entra_error(raw_flow.redeem(code, verifier=VERIFIER), 400, "invalid_grant", 501481)


def test_a_redirect_uri_other_than_the_authorize_one_is_refused(raw_flow: RawFlow) -> None:
    code = raw_flow.code(challenge=CHALLENGE)
    answer = raw_flow.redeem(
        code, verifier=VERIFIER, redirect_uri="http://127.0.0.1:5001/signin-oidc"
    )
    assert_entra_error(answer, 400, "invalid_grant", 70000)


def test_a_code_redeemed_at_another_tenant_is_refused(raw_flow: RawFlow) -> None:
    code = raw_flow.code(challenge=CHALLENGE)
    answer = raw_flow.redeem(code, verifier=VERIFIER, tenant=OTHER_TENANT_ID)
    assert_entra_error(answer, 400, "invalid_grant", 700005)


def test_a_wrong_client_secret_is_401_invalid_client(raw_flow: RawFlow) -> None:
    answer = raw_flow.post_token({
        "grant_type": "client_credentials", "client_id": DAEMON_CLIENT_ID,
        "client_secret": "not-the-secret", "scope": f"api://{API_CLIENT_ID}/.default",
    })  # fmt: skip
    assert_entra_error(answer, 401, "invalid_client", 7000215)


def test_an_expired_client_secret_is_401_with_its_own_code(raw_flow: RawFlow) -> None:
    answer = raw_flow.post_token({
        "grant_type": "client_credentials", "client_id": API_CLIENT_ID,
        "client_secret": "mock-backend-secret-expired", "scope": "https://graph.microsoft.com/.default",
    })  # fmt: skip
    assert_entra_error(answer, 401, "invalid_client", 7000222)


def test_client_secret_basic_authentication_works(mock_entra: RunningMock) -> None:
    with mock_entra.http() as http:
        answer = http.post(
            f"/{mock_entra.tenant_id}/oauth2/v2.0/token",
            data={"grant_type": "client_credentials", "scope": f"api://{API_CLIENT_ID}/.default"},
            auth=(DAEMON_CLIENT_ID, DAEMON_CLIENT_SECRET),
        )
    assert answer.status_code == 200, answer.text


@pytest.mark.parametrize(
    ("scope", "error", "aadsts"),
    [
        (f"api://{API_CLIENT_ID}/no_such_scope openid", "invalid_scope", 70011),
        (f"{API_SCOPE} https://graph.microsoft.com/User.Read", "invalid_scope", 28000),
        ("api://unknown-resource/read", "invalid_resource", 500011),
    ],
    ids=["an unknown scope", "two resources at once", "an unknown resource"],
)
def test_bad_scopes_at_the_token_endpoint(
    raw_flow: RawFlow, scope: str, error: str, aadsts: int
) -> None:
    code = raw_flow.code(challenge=CHALLENGE)
    answer = raw_flow.redeem(code, verifier=VERIFIER, scope=scope)
    assert_entra_error(answer, 400, error, aadsts)


def test_client_credentials_needs_dot_default(raw_flow: RawFlow) -> None:
    answer = raw_flow.post_token({
        "grant_type": "client_credentials", "client_id": DAEMON_CLIENT_ID,
        "client_secret": DAEMON_CLIENT_SECRET, "scope": API_SCOPE,
    })  # fmt: skip
    assert_entra_error(answer, 400, "invalid_scope", 1002012)


@pytest.mark.parametrize("grant", ["authorization_code", "refresh_token"])
@pytest.mark.parametrize("value", ["x", "<script>", "1.A" + "é" * 20, "a" * 5000])
def test_malformed_codes_and_refresh_tokens(raw_flow: RawFlow, grant: str, value: str) -> None:
    field = "code" if grant == "authorization_code" else "refresh_token"
    answer = raw_flow.post_token({
        "grant_type": grant, field: value, "client_id": "276c44e0-30c1-44f5-8680-e817fc8185bb",
        "client_secret": "mock-web-secret-0001", "redirect_uri": "http://localhost:5001/signin-oidc",
        "scope": API_SCOPE,
    })  # fmt: skip
    assert_entra_error(answer, 400, "invalid_grant", 9002313)


def _refresh(raw_flow: RawFlow, token: str) -> httpx.Response:
    return raw_flow.post_token({
        "grant_type": "refresh_token", "refresh_token": token, "scope": API_SCOPE,
        "client_id": "276c44e0-30c1-44f5-8680-e817fc8185bb", "client_secret": "mock-web-secret-0001",
    })  # fmt: skip


def _fresh_refresh_token(raw_flow: RawFlow) -> str:
    code = raw_flow.code(challenge=CHALLENGE)
    return str(raw_flow.redeem(code, verifier=VERIFIER).json()["refresh_token"])


def test_an_expired_refresh_token_is_refused(raw_flow: RawFlow, mock_entra: RunningMock) -> None:
    token = _fresh_refresh_token(raw_flow)
    with mock_entra.shifted_clock(91 * 24 * 3600):
        assert_entra_error(_refresh(raw_flow, token), 400, "invalid_grant", 700082)


def test_a_used_refresh_token_stays_good_as_in_entra(raw_flow: RawFlow) -> None:
    """Entra: "Refresh tokens aren't revoked when used to acquire new access tokens"."""
    first = _fresh_refresh_token(raw_flow)
    rotated = _refresh(raw_flow, first)
    assert rotated.status_code == 200, rotated.text
    second = rotated.json()["refresh_token"]
    assert second != first
    again = _refresh(raw_flow, first)
    assert again.status_code == 200, again.text
    assert _refresh(raw_flow, second).status_code == 200


@pytest.fixture
def strict_rotation(mock_entra: RunningMock) -> Iterator[StrictTenant]:
    """A runtime tenant whose refresh tokens are one-time (``refresh_tokens.strict_rotation``)."""
    tenant = sample_tenant("strict") | {"refresh_tokens": {"strict_rotation": True}}
    web, api, _ = app_ids(tenant)
    with mock_entra.runtime_tenant(tenant) as tid:
        yield StrictTenant(tid, web, f"api://{api}/access_as_user", tenant["users"][0]["upn"])


@dataclass(frozen=True)
class StrictTenant:
    tenant: str
    web: str
    scope: str
    upn: str

    def refresh(self, raw_flow: RawFlow, token: str) -> httpx.Response:
        return raw_flow.post_token(
            {
                "grant_type": "refresh_token", "refresh_token": token, "scope": self.scope,
                "client_id": self.web, "client_secret": SAMPLE_WEB_SECRET,
            },
            tenant=self.tenant,
        )  # fmt: skip


def test_under_strict_rotation_a_replayed_refresh_token_revokes_its_whole_family(
    raw_flow: RawFlow, strict_rotation: StrictTenant
) -> None:
    t = strict_rotation
    code = raw_flow.code(
        t.upn, password="alice-password", tenant=t.tenant, client_id=t.web,
        scope=f"{t.scope} openid offline_access", challenge=CHALLENGE,
    )  # fmt: skip
    redeemed = raw_flow.redeem(
        code, verifier=VERIFIER, client_id=t.web, client_secret=SAMPLE_WEB_SECRET, tenant=t.tenant
    )
    first = redeemed.json()["refresh_token"]
    rotated = t.refresh(raw_flow, first)
    assert rotated.status_code == 200, rotated.text
    second = rotated.json()["refresh_token"]
    assert second != first
    assert_entra_error(t.refresh(raw_flow, first), 400, "invalid_grant", 50173)
    assert_entra_error(t.refresh(raw_flow, second), 400, "invalid_grant", 50173)


def test_a_refresh_token_of_another_client_is_refused(raw_flow: RawFlow) -> None:
    token = _fresh_refresh_token(raw_flow)
    answer = raw_flow.post_token({
        "grant_type": "refresh_token", "refresh_token": token, "scope": API_SCOPE,
        "client_id": DAEMON_CLIENT_ID, "client_secret": DAEMON_CLIENT_SECRET,
    })  # fmt: skip
    assert_entra_error(answer, 400, "invalid_grant", 70000)


@pytest.mark.parametrize(
    ("data", "status", "error", "aadsts"),
    [
        ({}, 400, "invalid_request", 900144),
        ({"grant_type": "password"}, 400, "unsupported_grant_type", 70003),
        ({"grant_type": "client_credentials"}, 400, "invalid_request", 900144),
        ({"grant_type": "client_credentials", "client_id": "nobody"}, 400, "unauthorized_client", 700016),
        (
            {"grant_type": "client_credentials", "client_id": DAEMON_CLIENT_ID},
            401, "invalid_client", 7000218,
        ),
    ],
    ids=["no grant_type", "a grant the mock does not offer", "no client_id",
         "an unknown client", "a confidential client with no credential"],
)  # fmt: skip
def test_incomplete_token_requests(
    raw_flow: RawFlow, data: dict[str, str], status: int, error: str, aadsts: int
) -> None:
    assert_entra_error(raw_flow.post_token(data), status, error, aadsts)


def test_duplicated_parameters_are_refused(mock_entra: RunningMock) -> None:
    with mock_entra.http() as http:
        answer = http.post(
            f"/{mock_entra.tenant_id}/oauth2/v2.0/token",
            content="grant_type=client_credentials&grant_type=password",
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
    assert_entra_error(answer, 400, "invalid_request", 9000411)


@pytest.mark.parametrize(
    ("content", "ctype"),
    [
        (b'{"grant_type":"client_credentials"}', "application/json"),
        (b"\xff\xfe\x00garbage", "application/x-www-form-urlencoded"),
        (b"a=" + b"x" * 70_000, "application/x-www-form-urlencoded"),
    ],
    ids=["a JSON body", "bytes that are not a form", "an oversized body"],
)
def test_bodies_that_are_not_forms_get_a_clean_oauth_error(
    mock_entra: RunningMock, content: bytes, ctype: str
) -> None:
    with mock_entra.http() as http:
        answer = http.post(
            f"/{mock_entra.tenant_id}/oauth2/v2.0/token",
            content=content,
            headers={"content-type": ctype},
        )
    assert answer.status_code == 400
    assert answer.json()["error"] in {"invalid_request", "unsupported_grant_type"}


def test_an_unknown_tenant_is_aadsts90002(mock_entra: RunningMock) -> None:
    with mock_entra.http() as http:
        answer = http.post("/nowhere.example/oauth2/v2.0/token", data={"grant_type": "x"})
    assert_entra_error(answer, 400, "invalid_request", 90002)
