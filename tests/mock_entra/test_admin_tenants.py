"""Admin API: runtime tenants (one per test) and per-tenant clock offsets."""

from __future__ import annotations

import time

import pytest

from mock_entra.testing import (
    API_SCOPE,
    OTHER_TENANT_ID,
    TENANT_ID,
    RawFlow,
    RunningMock,
    Tokens,
)
from mock_entra.testing.admin_client import AdminAPIError
from mock_entra.testing.sample import WEB_SECRET, app_ids, sample_tenant
from tests.conftest import decode
from tests.mock_entra.test_token_errors import CHALLENGE, VERIFIER, assert_entra_error


def test_a_runtime_tenant_serves_discovery_sign_in_and_tokens_until_deleted(
    mock_entra: RunningMock, entra_tokens: Tokens
) -> None:
    tenant = sample_tenant("signin")
    web, api, _ = app_ids(tenant)
    alice = tenant["users"][0]
    with mock_entra.runtime_tenant(tenant) as tid, mock_entra.http() as http:
        doc = http.get(f"/{tenant['domain']}/v2.0/.well-known/openid-configuration").json()
        assert doc["issuer"] == mock_entra.issuer_v2(tid)
        result = entra_tokens.sign_in(
            alice["upn"],
            [f"api://{api}/access_as_user"],
            client_id=web,
            client_secret=WEB_SECRET,
            tenant=tid,
            password=alice["password"],
        )
        assert "access_token" in result, result
        claims = decode(result["access_token"])
        assert (claims["tid"], claims["aud"], claims["oid"]) == (tid, api, alice["oid"])
    with mock_entra.http() as http:
        gone = http.get(f"/{tid}/v2.0/.well-known/openid-configuration")
    assert gone.status_code == 400 and gone.json()["error_codes"] == [90002]


def test_a_runtime_tenant_can_be_replaced_and_its_domain_follows(mock_entra: RunningMock) -> None:
    tenant = sample_tenant("replace")
    with mock_entra.runtime_tenant(tenant) as tid:
        renamed = {**tenant, "domain": f"renamed-{tid[:8]}.onmicrosoft.com"}
        mock_entra.admin.call("PUT", f"/tenants/{tid}", json=renamed)
        with mock_entra.http() as http:
            assert http.get(f"/{renamed['domain']}/discovery/v2.0/keys").status_code == 200
            old = http.get(f"/{tenant['domain']}/discovery/v2.0/keys")
        assert old.json()["error_codes"] == [90002]
        listed = {t["id"]: t for t in mock_entra.admin.call("GET", "/tenants")["tenants"]}
        assert listed[tid]["runtime"] and not listed[TENANT_ID]["runtime"]


@pytest.mark.parametrize(
    "change",
    [
        {"id": TENANT_ID},
        {"domain": "contoso.onmicrosoft.com"},
    ],
    ids=["a shipped tenant id", "a shipped tenant domain"],
)
def test_shipped_tenants_cannot_be_replaced_at_run_time(
    mock_entra: RunningMock, change: dict[str, str]
) -> None:
    tenant = {**sample_tenant("clash"), **change}
    with pytest.raises(AdminAPIError) as err:
        mock_entra.admin.call("PUT", f"/tenants/{tenant['id']}", json=tenant)
    assert err.value.status == 409


def test_shipped_tenants_cannot_be_deleted(mock_entra: RunningMock) -> None:
    with pytest.raises(AdminAPIError) as err:
        mock_entra.admin.call("DELETE", f"/tenants/{OTHER_TENANT_ID}")
    assert err.value.status == 409


def test_an_invalid_tenant_body_is_refused_with_the_field_named(mock_entra: RunningMock) -> None:
    tenant = sample_tenant("invalid")
    tenant["applications"][0]["client_id"] = "not-a-guid"
    with pytest.raises(AdminAPIError) as err:
        mock_entra.admin.call("PUT", f"/tenants/{tenant['id']}", json=tenant)
    assert err.value.status == 400
    assert "applications.0.client_id" in str(err.value)


def test_a_clock_offset_moves_token_times_of_that_tenant_only(
    mock_entra: RunningMock, entra_tokens: Tokens
) -> None:
    # A fixed lifetime, so that exp says where the clock was (the default is 60-90 min).
    tenant, other = sample_tenant("clock"), sample_tenant("clock-other")
    for t in (tenant, other):
        t["lifetimes"] = {"access_token": 4500}
    _, api, daemon = app_ids(tenant)
    _, other_api, other_daemon = app_ids(other)
    with (
        mock_entra.runtime_tenant(other) as other_tid,
        mock_entra.runtime_tenant(tenant) as tid,
        mock_entra.admin.tenant_clock(tid, 7200),
    ):
        shifted = entra_tokens.app_token(
            daemon, "sample-daemon-secret-0001", f"api://{api}/.default", tenant=tid
        )
        normal = entra_tokens.app_token(
            other_daemon, "sample-daemon-secret-0001", f"api://{other_api}/.default",
            tenant=other_tid,
        )  # fmt: skip
        assert mock_entra.admin.call("GET", f"/tenants/{tid}/clock")["offset_seconds"] == 7200
    now = time.time()
    assert abs(decode(shifted["access_token"])["exp"] - 4500 - (now + 7200)) < 60
    assert abs(decode(normal["access_token"])["exp"] - 4500 - now) < 60


def test_a_clock_offset_expires_a_code_of_that_tenant(
    mock_entra: RunningMock, raw_flow: RawFlow
) -> None:
    """Scenario B2 on a served mock: no in-process clock needed."""
    code = raw_flow.code(challenge=CHALLENGE)
    with mock_entra.admin.tenant_clock(TENANT_ID, 601):
        answer = raw_flow.redeem(code, verifier=VERIFIER)
    assert_entra_error(answer, 400, "invalid_grant", 70008)


def test_a_clock_offset_on_another_tenant_leaves_codes_alone(
    mock_entra: RunningMock, raw_flow: RawFlow
) -> None:
    code = raw_flow.code(challenge=CHALLENGE, scope=f"{API_SCOPE} openid")
    with mock_entra.admin.tenant_clock(OTHER_TENANT_ID, 601):
        answer = raw_flow.redeem(code, verifier=VERIFIER)
    assert answer.status_code == 200, answer.text
