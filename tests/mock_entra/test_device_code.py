"""The device code flow (RFC 8628 as Entra runs it), with real MSAL and azure-identity.

https://learn.microsoft.com/entra/identity-platform/v2-oauth2-device-code
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import msal
import pytest
from azure.identity import DeviceCodeCredential

from mock_entra.testing import (
    FormBrowser,
    RunningMock,
    Tokens,
    app_ids,
    public_client_id,
    sample_tenant,
)
from mock_entra.testing.browser import Answers
from mock_entra.testing.sample import WEB_SECRET
from tests.conftest import decode
from tests.mock_entra.test_token_errors import assert_entra_error

PASSWORD = "alice-password"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


@dataclass(frozen=True)
class DeviceTenant:
    """A runtime tenant whose device codes may be polled every second."""

    mock: RunningMock
    tenant: str
    cli: str
    web: str
    scope: str
    upn: str

    def start(self, client_id: str = "", scope: str = "") -> dict[str, Any]:
        """The device authorization response, as a CLI gets it."""
        form = {
            "client_id": client_id or self.cli,
            "scope": scope or f"{self.scope} offline_access",
        }
        with self.mock.http() as http:
            answer = http.post(f"/{self.tenant}/oauth2/v2.0/devicecode", data=form)
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        return body

    def poll(self, device_code: str, **extra: str) -> httpx.Response:
        form = {"grant_type": DEVICE_GRANT, "client_id": self.cli, "device_code": device_code}
        with self.mock.http() as http:
            return http.post(f"/{self.tenant}/oauth2/v2.0/token", data=form | extra)

    def complete(self, flow: dict[str, Any], **options: Any) -> str:
        return Tokens(self.mock).complete_device_code(
            flow["verification_uri"], flow["user_code"], self.upn, password=PASSWORD, **options
        )

    def msal_app(self) -> msal.PublicClientApplication:
        return msal.PublicClientApplication(
            self.cli, authority=self.mock.authority(self.tenant), instance_discovery=False,
            token_cache=msal.SerializableTokenCache(),
        )  # fmt: skip


@contextmanager
def device_tenant(mock: RunningMock, label: str, **changes: Any) -> Iterator[DeviceTenant]:
    tenant = sample_tenant(label) | {"device_code": {"interval": 1}} | changes
    web, api, _ = app_ids(tenant)
    with mock.runtime_tenant(tenant) as tid:
        yield DeviceTenant(
            mock, tid, public_client_id(tenant), web, f"api://{api}/access_as_user",
            tenant["users"][0]["upn"],
        )  # fmt: skip


@pytest.fixture(scope="module")
def devices(mock_entra: RunningMock) -> Iterator[DeviceTenant]:
    with device_tenant(mock_entra, "device") as tenant:
        yield tenant


# -- real clients ---------------------------------------------------------------------
def test_msal_device_flow_with_the_verification_page_completed_over_http(
    devices: DeviceTenant,
) -> None:
    app = devices.msal_app()
    flow = app.initiate_device_flow(scopes=[devices.scope])
    assert flow["verification_uri"] == f"{devices.mock.base_url}/devicelogin"
    assert (flow["expires_in"], flow["interval"]) == (900, 1)
    assert flow["message"] == (
        f"To sign in, use a web browser to open the page {flow['verification_uri']} and "
        f"enter the code {flow['user_code']} to authenticate."
    )
    assert devices.complete(flow) == "approved"
    result = app.acquire_token_by_device_flow(flow)
    assert "access_token" in result, result
    claims = decode(result["access_token"])
    assert (claims["azp"], claims["azpacr"], claims["tid"]) == (devices.cli, "0", devices.tenant)
    assert result["id_token_claims"]["preferred_username"] == devices.upn
    assert "refresh_token" in result


def test_msal_keeps_polling_while_the_user_is_on_the_page(devices: DeviceTenant) -> None:
    app = devices.msal_app()
    flow = app.initiate_device_flow(scopes=[devices.scope])
    results: list[dict[str, Any]] = []
    poller = threading.Thread(target=lambda: results.append(app.acquire_token_by_device_flow(flow)))
    poller.start()
    try:
        threading.Event().wait(1.5)  # at least one authorization_pending answer
        assert devices.complete(flow) == "approved"
    finally:
        poller.join(30)
    assert results and "access_token" in results[0], results
    polls = [
        r for r in devices.mock.requests(devices.tenant) if r.get("grant_type") == DEVICE_GRANT
    ]
    assert len(polls) >= 2, "MSAL got authorization_pending and polled again"


def test_azure_identity_device_code_credential(devices: DeviceTenant) -> None:
    prompts: list[tuple[str, str]] = []

    def prompt(verification_uri: str, user_code: str, expires_on: Any) -> None:
        prompts.append((verification_uri, user_code))
        assert devices.complete({"verification_uri": verification_uri, "user_code": user_code})

    credential = DeviceCodeCredential(
        client_id=devices.cli, tenant_id=devices.tenant, authority=devices.mock.base_url,
        disable_instance_discovery=True, prompt_callback=prompt, timeout=60,
    )  # fmt: skip
    token = credential.get_token(devices.scope)
    assert len(prompts) == 1
    assert decode(token.token)["azp"] == devices.cli


# -- the verification page ------------------------------------------------------------
def test_cancel_on_the_confirmation_page_declines_the_device(devices: DeviceTenant) -> None:
    flow = devices.start()
    assert devices.complete(flow, confirm="cancel") == "declined"
    assert_entra_error(devices.poll(flow["device_code"]), 400, "authorization_declined", 65004)


def test_declined_consent_declines_the_device(mock_entra: RunningMock) -> None:
    with device_tenant(mock_entra, "noconsent", consent_grants=[]) as t:
        flow = t.start()
        assert t.complete(flow, consent="decline") == "declined"
        assert_entra_error(t.poll(flow["device_code"]), 400, "authorization_declined", 65004)


def test_accepted_consent_on_the_verification_page_gives_tokens(mock_entra: RunningMock) -> None:
    with device_tenant(mock_entra, "consent", consent_grants=[]) as t:
        flow = t.start()
        assert t.complete(flow, consent="accept") == "approved"
        answer = t.poll(flow["device_code"])
        assert answer.status_code == 200, answer.text


def test_an_sso_session_in_the_browser_skips_the_password(devices: DeviceTenant) -> None:
    with devices.mock.http() as browser:
        assert devices.complete(devices.start(), http=browser) == "approved"
        flow = devices.start()
        answers = Answers(devices.upn, "not-the-password")  # a sign-in page would fail
        ended = FormBrowser(browser).device_login(
            flow["verification_uri"], flow["user_code"], answers
        )
        assert FormBrowser.device_result(ended) == "approved"


@pytest.mark.parametrize(
    ("typed", "aadsts"),
    [("", 90119), ("   ", 90119), ("NOSUCHCODE", 70018)],
    ids=["empty", "blank", "unknown"],
)
def test_a_code_that_does_not_work_shows_the_page_again(
    devices: DeviceTenant, typed: str, aadsts: int
) -> None:
    with devices.mock.http() as http:
        page = http.post("/devicelogin", data={"otc": typed})
    assert page.status_code == 200 and f"AADSTS{aadsts}" in page.text
    assert page.headers["x-mock-entra-error"].endswith(f"AADSTS{aadsts}")


def test_a_code_is_good_once_on_the_page_and_typed_in_any_case(devices: DeviceTenant) -> None:
    flow = devices.start()
    assert devices.complete({**flow, "user_code": flow["user_code"].lower()}) == "approved"
    with devices.mock.http() as http:
        again = http.post("/devicelogin", data={"otc": flow["user_code"]})
    assert "AADSTS90120" in again.text


def test_an_expired_code_on_the_page(devices: DeviceTenant) -> None:
    flow = devices.start()
    with devices.mock.shifted_clock(901), devices.mock.http() as http:
        page = http.post("/devicelogin", data={"otc": flow["user_code"]})
    assert "AADSTS70019" in page.text


# -- polling --------------------------------------------------------------------------
def test_pending_then_slow_down_when_polling_faster_than_the_interval(
    devices: DeviceTenant,
) -> None:
    flow = devices.start()
    assert_entra_error(devices.poll(flow["device_code"]), 400, "authorization_pending", 70016)
    assert_entra_error(devices.poll(flow["device_code"]), 400, "slow_down", 70016)


def test_a_device_code_is_redeemed_once(devices: DeviceTenant) -> None:
    flow = devices.start()
    assert devices.complete(flow) == "approved"
    assert devices.poll(flow["device_code"]).status_code == 200
    assert_entra_error(devices.poll(flow["device_code"]), 400, "bad_verification_code", 70018)


def test_an_unknown_or_another_clients_device_code_is_bad(devices: DeviceTenant) -> None:
    assert_entra_error(devices.poll("DAQABAAEAAADnot-issued"), 400, "bad_verification_code", 70018)
    flow = devices.start()
    assert devices.complete(flow) == "approved"
    other = devices.poll(flow["device_code"], client_id=devices.web, client_secret=WEB_SECRET)
    assert_entra_error(other, 400, "bad_verification_code", 70018)


def test_an_expired_device_code(devices: DeviceTenant) -> None:
    flow = devices.start()
    with devices.mock.shifted_clock(901):
        assert_entra_error(devices.poll(flow["device_code"]), 400, "expired_token", 70019)


def test_a_confidential_client_must_authenticate_its_polls(devices: DeviceTenant) -> None:
    flow = devices.start(client_id=devices.web)
    assert devices.complete(flow) == "approved"
    anonymous = devices.poll(flow["device_code"], client_id=devices.web)
    assert_entra_error(anonymous, 401, "invalid_client", 7000218)
    authenticated = devices.poll(
        flow["device_code"], client_id=devices.web, client_secret=WEB_SECRET
    )
    assert authenticated.status_code == 200, authenticated.text


def test_the_device_authorization_endpoint_refuses_what_the_token_endpoint_would(
    devices: DeviceTenant,
) -> None:
    with devices.mock.http() as http:
        path = f"/{devices.tenant}/oauth2/v2.0/devicecode"
        unknown = http.post(
            path, data={"client_id": "7c1f0a3e-0000-4000-8000-000000000001", "scope": "openid"}
        )
        no_client = http.post(path, data={"scope": "openid"})
        bad_scope = http.post(path, data={"client_id": devices.cli, "scope": "api://nope/x"})
    assert_entra_error(unknown, 400, "unauthorized_client", 700016)
    assert_entra_error(no_client, 400, "invalid_request", 900144)
    assert_entra_error(bad_scope, 400, "invalid_resource", 500011)


def test_the_v1_endpoint_takes_a_resource_and_names_the_url_verification_url(
    devices: DeviceTenant,
) -> None:
    api = devices.scope.rpartition("/")[0]
    with devices.mock.http() as http:
        answer = http.post(
            f"/{devices.tenant}/oauth2/devicecode", data={"client_id": devices.cli, "resource": api}
        )
    body = answer.json()
    assert answer.status_code == 200, body
    assert body["verification_url"].endswith("/devicelogin") and "verification_uri" not in body


def test_the_device_authorization_request_is_in_the_request_log(devices: DeviceTenant) -> None:
    devices.start()
    logged = next(e for e in devices.mock.requests(devices.tenant, devices.cli))
    assert logged["endpoint"] == "devicecode"
    assert logged["path"] == f"/{devices.tenant}/oauth2/v2.0/devicecode"
    assert logged["status"] == 200 and logged["params"]["client_id"] == devices.cli


def test_the_verification_pages_are_in_the_controls(devices: DeviceTenant) -> None:
    """The "Enter code" form and its confirmation are endpoint ``devicelogin``: a fault for
    the tenant breaks them (the code names the tenant and app), the log keeps them (the
    typed code only by its length). The bare page names no tenant, as Entra's does not."""
    flow = devices.start()
    with (
        devices.mock.fault(
            tenant=devices.tenant, endpoint="devicelogin", effect="html", status=502
        ),
        devices.mock.http() as http,
    ):
        page = http.get("/devicelogin")
        entered = http.post("/devicelogin", data={"otc": flow["user_code"]})
    assert page.status_code == 200
    assert entered.status_code == 502 and entered.headers["content-type"].startswith("text/html")
    logged = next(e for e in devices.mock.requests(devices.tenant, devices.cli))
    assert (logged["endpoint"], logged["path"], logged["status"]) == (
        "devicelogin", "/devicelogin", 502,
    )  # fmt: skip
    assert logged["params"]["otc"] == f"<redacted {len(flow['user_code'])} chars>"
    assert devices.complete(flow) == "approved", "the fault is gone with its block"
    confirmed = [
        e for e in devices.mock.requests(devices.tenant, devices.cli)
        if e["path"] == f"/{devices.tenant}/deviceauth"
    ]  # fmt: skip
    assert confirmed and confirmed[0]["endpoint"] == "devicelogin"
