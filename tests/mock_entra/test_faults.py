"""Response faults (B14, E10): real MSAL meets an outage and fails cleanly, once.

Each test works in a tenant of its own, so the request log counts exactly what
MSAL sent, and no fault can reach another test.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msal
import pytest
import requests

from mock_entra.admin.request_scope import ENDPOINTS
from mock_entra.testing import RunningMock
from mock_entra.testing.admin_client import AdminAPIError
from mock_entra.testing.sample import DAEMON_SECRET, app_ids, sample_tenant


class Own:
    """A runtime tenant and MSAL daemon apps for it."""

    def __init__(self, mock: RunningMock, tenant: dict[str, Any]) -> None:
        self.mock = mock
        self.id = str(tenant["id"])
        self.data = tenant
        self.web, self.api, self.daemon = app_ids(tenant)

    def daemon_app(self, **kwargs: Any) -> msal.ConfidentialClientApplication:
        return msal.ConfidentialClientApplication(
            self.daemon,
            client_credential=DAEMON_SECRET,
            authority=self.mock.authority(self.id),
            instance_discovery=False,
            **kwargs,
        )

    def app_token(self, app: msal.ConfidentialClientApplication | None = None) -> dict[str, Any]:
        result: dict[str, Any] = (app or self.daemon_app()).acquire_token_for_client(
            [f"api://{self.api}/.default"]
        )
        return result

    def token_requests(self) -> list[dict[str, Any]]:
        return [e for e in self.mock.requests(tenant=self.id) if e["endpoint"] == "token"]


@pytest.fixture
def own(mock_entra: RunningMock) -> Iterator[Own]:
    data = sample_tenant("faults")
    with mock_entra.runtime_tenant(data):
        yield Own(mock_entra, data)


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (500, "server_error"),
        (502, "server_error"),
        (503, "temporarily_unavailable"),
        (504, "server_error"),
    ],
    ids=["500", "502", "503", "504"],
)
def test_a_5xx_from_the_token_endpoint_makes_msal_raise_after_one_request(
    own: Own, status: int, error: str
) -> None:
    app = own.daemon_app()
    with own.mock.fault(tenant=own.id, endpoint="token", effect="server_error", status=status):
        with pytest.raises(msal.exceptions.MsalServiceError, match=str(status)):
            own.app_token(app)
        with own.mock.http() as http:
            raw = http.post(f"/{own.id}/oauth2/v2.0/token", data={"grant_type": "x"})
    assert raw.status_code == status
    assert raw.json()["error"] == error and raw.json()["error_codes"] == [90033]
    # One request from MSAL, one raw: MSAL did not retry.
    assert [e["status"] for e in own.token_requests()] == [status, status]
    assert not app.token_cache.find(msal.TokenCache.CredentialType.ACCESS_TOKEN)


def test_a_429_carries_retry_after_and_msal_waits_instead_of_retrying(own: Own) -> None:
    app = own.daemon_app()
    with own.mock.fault(tenant=own.id, endpoint="token", effect="throttle", retry_after=30):
        first = own.app_token(app)
        second = own.app_token(app)
        with own.mock.http() as http:
            raw = http.post(f"/{own.id}/oauth2/v2.0/token", data={"grant_type": "x"})
    assert first["error"] == second["error"] == "temporarily_unavailable"
    assert raw.status_code == 429 and raw.headers["retry-after"] == "30"
    # MSAL answered the second call itself for the Retry-After period.
    assert len(own.token_requests()) == 2


@pytest.mark.parametrize("effect", ["truncate", "html"], ids=["truncated JSON", "an HTML page"])
def test_a_body_that_is_not_json_makes_msal_raise_and_caches_nothing(own: Own, effect: str) -> None:
    app = own.daemon_app()
    with (
        own.mock.fault(tenant=own.id, client_id=own.daemon, effect=effect),
        pytest.raises(ValueError),
    ):
        own.app_token(app)
    assert not app.token_cache.find(msal.TokenCache.CredentialType.ACCESS_TOKEN)
    assert "access_token" in own.app_token(app), "the fault ended with its block"


def test_a_truncated_body_is_the_real_answer_cut_short(own: Own) -> None:
    with (
        own.mock.fault(tenant=own.id, endpoint="jwks", effect="truncate", keep_bytes=20),
        own.mock.http() as http,
    ):
        answer = http.get(f"/{own.id}/discovery/v2.0/keys")
    assert answer.status_code == 200 and answer.content == b'{"keys":[{"kty":"RSA'
    assert answer.headers["content-length"] == "20"


def test_a_delay_longer_than_the_client_timeout_fails_msal_cleanly(own: Own) -> None:
    app = own.daemon_app(timeout=0.3)
    with own.mock.fault(tenant=own.id, endpoint="token", effect="delay", seconds=1.0):
        started = time.monotonic()
        with pytest.raises(requests.exceptions.Timeout):
            own.app_token(app)
    assert time.monotonic() - started < 1.0


def test_a_delay_then_answers_normally(own: Own) -> None:
    with own.mock.fault(tenant=own.id, endpoint="token", effect="delay", seconds=0.4):
        started = time.monotonic()
        result = own.app_token()
    assert "access_token" in result and time.monotonic() - started >= 0.4


def test_an_injected_entra_error_reaches_msal_with_every_field(own: Own) -> None:
    """E6's shape: interaction_required with a claims challenge, as Entra sends it."""
    challenge = '{"access_token":{"capolids":{"essential":true,"values":["c1"]}}}'
    with own.mock.fault(
        client_id=own.daemon,
        grant_type="client_credentials",
        effect="error",
        error="interaction_required",
        aadsts=50076,
        description="Due to a configuration change made by your administrator, you must "
        "use multi-factor authentication.",
        suberror="basic_action",
        claims=challenge,
    ):
        result = own.app_token()
    assert result["error"] == "interaction_required"
    assert result["error_codes"] == [50076] and result["suberror"] == "basic_action"
    assert result["claims"] == challenge
    assert result["error_description"].startswith("AADSTS50076: Due to a configuration")
    for name in ("timestamp", "trace_id", "correlation_id", "error_uri"):
        assert result[name], name


def test_times_limits_a_fault_to_that_many_requests(own: Own) -> None:
    with own.mock.fault(tenant=own.id, effect="server_error", status=503, times=2) as fault:
        outcomes = []
        for _ in range(3):
            try:
                outcomes.append("access_token" in own.app_token())
            except msal.exceptions.MsalServiceError:
                outcomes.append(False)
        state = own.mock.admin.get_fault(fault["id"])
    assert outcomes == [False, False, True]
    assert (state["hits"], state["remaining"]) == (2, 0)


def test_ttl_seconds_ends_a_fault_by_itself(own: Own) -> None:
    fault = own.mock.admin.add_fault(tenant=own.id, effect="html", ttl_seconds=0.5)
    assert own.mock.admin.get_fault(fault["id"])["effect"] == "html"
    time.sleep(0.6)
    with pytest.raises(AdminAPIError) as gone:
        own.mock.admin.get_fault(fault["id"])
    assert gone.value.status == 404
    assert "access_token" in own.app_token()


@pytest.mark.parametrize(
    ("endpoint", "method", "path"),
    [
        ("discovery", "GET", "/{t}/v2.0/.well-known/openid-configuration"),
        ("jwks", "GET", "/{t}/discovery/v2.0/keys"),
        ("authorize", "GET", "/{t}/oauth2/v2.0/authorize?client_id={web}&response_type=code"),
        ("logout", "GET", "/{t}/oauth2/v2.0/logout"),
        ("devicecode", "POST", "/{t}/oauth2/v2.0/devicecode"),
        ("token", "POST", "/{t}/oauth2/token"),
    ],
    ids=["discovery", "jwks", "authorize", "logout", "devicecode", "the v1 token endpoint"],
)
def test_an_endpoint_fault_hits_that_endpoint_and_no_other(
    own: Own, endpoint: str, method: str, path: str
) -> None:
    with (
        own.mock.fault(tenant=own.id, endpoint=endpoint, effect="server_error", status=503),
        own.mock.http() as http,
    ):
        hit = http.request(method, path.format(t=own.id, web=own.web))
        spared = http.get(f"/{own.id}/v2.0/.well-known/openid-configuration")
        if endpoint == "discovery":
            spared = http.get(f"/{own.id}/discovery/v2.0/keys")
    assert hit.status_code == 503 and hit.json()["error"] == "temporarily_unavailable"
    assert spared.status_code == 200


def test_msal_cannot_start_while_discovery_is_down(own: Own) -> None:
    with (
        own.mock.fault(tenant=own.id, endpoint="discovery", effect="server_error", status=503),
        pytest.raises((ValueError, msal.exceptions.MsalServiceError)),
    ):
        own.daemon_app()


def test_a_managed_identity_fault_matches_the_identity_by_client_id(
    mock_entra: RunningMock,
) -> None:
    from mock_entra.testing import MANAGED_IDENTITY_CLIENT_ID

    query = f"api-version=2018-02-01&resource=https://search.azure.com&client_id={MANAGED_IDENTITY_CLIENT_ID}"
    with (
        mock_entra.fault(
            client_id=MANAGED_IDENTITY_CLIENT_ID, endpoint="managed_identity", effect="throttle"
        ),
        mock_entra.http(headers={"Metadata": "true"}) as http,
    ):
        answer = http.get(f"/metadata/identity/oauth2/token?{query}")
    assert answer.status_code == 429 and answer.headers["retry-after"] == "5"
    with mock_entra.http(headers={"Metadata": "true"}) as http:
        assert http.get(f"/metadata/identity/oauth2/token?{query}").status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"effect": "html", "endpoint": "token"}, "a scope"),
        ({"effect": "explode", "tenant": "contoso.onmicrosoft.com"}, "effect"),
        ({"effect": "jwks", "tenant": "contoso.onmicrosoft.com", "endpoint": "token"}, "jwks"),
        ({"effect": "delay", "tenant": "contoso.onmicrosoft.com", "seconds": 999}, "seconds"),
        ({"effect": "html", "tenant": "contoso.onmicrosoft.com", "colour": "red"}, "colour"),
    ],
    ids=[
        "a fault without tenant, client or user",
        "an unknown effect",
        "a jwks fault on another endpoint",
        "a delay over two minutes",
        "an unknown field",
    ],
)
def test_an_invalid_fault_is_refused_with_the_reason(
    mock_entra: RunningMock, body: dict[str, Any], field: str
) -> None:
    with pytest.raises(AdminAPIError) as err:
        mock_entra.admin.call("POST", "/faults", json=body)
    assert err.value.status == 400 and field in str(err.value)


def test_the_readme_names_every_endpoint_a_fault_can_match() -> None:
    """The README's fault paragraph is how users learn the endpoint names (it once missed
    one the controls had)."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    paragraph = readme[readme.index("A fault matches on") :].split("\n\n", 1)[0]
    assert [e for e in ENDPOINTS if f"`{e}`" not in paragraph] == []
