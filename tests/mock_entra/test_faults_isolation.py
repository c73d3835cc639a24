"""Faults are scoped: tests that share one mock, even at the same moment, never see
each other's faults (pytest-xdist runs these files on two workers as well)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import msal

from mock_entra.testing import (
    API_APP_ID_URI,
    DAEMON_CLIENT_ID,
    DAEMON_CLIENT_SECRET,
    RunningMock,
    Tokens,
)
from mock_entra.testing.sample import DAEMON_SECRET, app_ids, sample_tenant
from tests.conftest import decode


def _app_token(mock: RunningMock, tenant: dict[str, Any]) -> dict[str, Any]:
    _, api, daemon = app_ids(tenant)
    try:
        # A fresh app each time: discovery and token requests all reach the mock.
        app = msal.ConfidentialClientApplication(
            daemon,
            client_credential=DAEMON_SECRET,
            authority=mock.authority(str(tenant["id"])),
            instance_discovery=False,
        )
        result: dict[str, Any] = app.acquire_token_for_client([f"api://{api}/.default"])
    except msal.exceptions.MsalServiceError as exc:
        return {"error": "raised", "detail": str(exc)}
    return result


def test_two_threads_with_faults_on_different_tenants_see_only_their_own(
    mock_entra: RunningMock,
) -> None:
    broken, marked = sample_tenant("broken"), sample_tenant("marked")
    start = threading.Barrier(2)

    def run(tenant: dict[str, Any], fault: dict[str, Any]) -> list[dict[str, Any]]:
        with mock_entra.fault(tenant=tenant["id"], **fault):
            start.wait(timeout=10)  # both faults exist before either thread asks
            return [_app_token(mock_entra, tenant) for _ in range(8)]

    with (
        mock_entra.runtime_tenant(broken),
        mock_entra.runtime_tenant(marked),
        ThreadPoolExecutor(2) as pool,
    ):
        failing = pool.submit(run, broken, {"effect": "server_error", "status": 503})
        stamped = pool.submit(
            run, marked, {"effect": "claims", "set_claims": {"xms_test": "marked"}}
        )
        failing_results, stamped_results = failing.result(), stamped.result()

    assert all(r["error"] == "raised" and "503" in r["detail"] for r in failing_results)
    assert all(decode(r["access_token"])["xms_test"] == "marked" for r in stamped_results)
    broken_log = mock_entra.requests(tenant=broken["id"])
    marked_log = mock_entra.requests(tenant=marked["id"])
    assert len(broken_log) == 8 and {e["status"] for e in broken_log} == {503}
    assert len([e for e in marked_log if e["endpoint"] == "token"]) == 8
    assert {e["status"] for e in marked_log} == {200}


def test_a_fault_on_one_client_leaves_another_client_of_the_tenant_alone(
    mock_entra: RunningMock, entra_tokens: Tokens
) -> None:
    with mock_entra.fault(client_id=DAEMON_CLIENT_ID, effect="error", aadsts=7000215):
        daemon = entra_tokens.app_token()
        signed_in = entra_tokens.sign_in("carol")
    assert daemon["error_codes"] == [7000215]
    assert "access_token" in signed_in, signed_in


def test_a_fault_on_the_shipped_tenant_ends_with_its_block(
    mock_entra: RunningMock, entra_tokens: Tokens
) -> None:
    """The other half of the pair above, on the other xdist worker or after it."""
    with mock_entra.fault(
        client_id=DAEMON_CLIENT_ID, effect="claims", set_claims={"xms_case": "second"}
    ):
        marked = entra_tokens.app_token(DAEMON_CLIENT_ID, DAEMON_CLIENT_SECRET)
    plain = entra_tokens.app_token(scope=f"{API_APP_ID_URI}/.default")
    assert decode(marked["access_token"])["xms_case"] == "second"
    assert "xms_case" not in decode(plain["access_token"])
