"""The RFC 8707 ``resource`` parameter on the v2 endpoints, as Entra treats it (issue 12).

``mock_entra.resource_indicator`` says which of these Entra's public record verifies.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from fastapi.testclient import TestClient

from mock_entra.app import create_app
from mock_entra.settings import MockSettings
from mock_entra.tenant import Directory, load_directory
from mock_entra.testing.browser import FormBrowser

BASE = "http://127.0.0.1:8443"
TENANT = "b63e68de-d8de-4919-b8c7-175cc63619fc"
MCP_CLIENT = "832cad03-2af5-4b96-8273-b56045ebe2b0"
REDIRECT = "http://localhost:33418/callback"
SERVER_URI = "https://localhost:8000/mcp"
SERVER_API_URI = "api://92d1c054-f6a7-4c19-9fb1-c3c766564cd4"
LEGACY_API_URI = "api://fe5f360b-4f1f-4029-b90b-f832bcb0412c"
VERIFIER = "v" * 64
CHALLENGE = (
    base64.urlsafe_b64encode(hashlib.sha256(VERIFIER.encode()).digest()).decode().rstrip("=")
)


def _directory(policy: str = "match_scopes") -> Directory:
    directory = load_directory()
    tenants = [
        t.model_copy(update={"resource_parameter": policy}) if t.id == TENANT else t
        for t in directory.tenants
    ]
    return directory.model_copy(update={"tenants": tenants})


def _client(tmp_path: Path, policy: str = "match_scopes") -> TestClient:
    settings = MockSettings(state_dir=tmp_path, tls=False)
    app = create_app(settings, _directory(policy))
    return TestClient(app, base_url=BASE, follow_redirects=False)


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with _client(tmp_path) as c:
        yield c


def _authorize(scope: str, resource: str | None, **extra: str) -> str:
    params = {
        "client_id": MCP_CLIENT,
        "response_type": "code",
        "redirect_uri": REDIRECT,
        "scope": scope,
        "state": "st-9",
        "code_challenge": CHALLENGE,
        "code_challenge_method": "S256",
        **extra,
    }
    if resource is not None:
        params["resource"] = resource
    return f"/{TENANT}/oauth2/v2.0/authorize?{urlencode(params)}"


def _redirected_error(response: Any) -> dict[str, list[str]]:
    assert response.status_code == 302, response.text[:300]
    location = response.headers["location"]
    assert location.startswith(REDIRECT + "?")
    return parse_qs(urlsplit(location).query)


@pytest.mark.parametrize(
    ("scope", "resource"),
    [
        # The MCP server's URL beside scopes of an api:// app (the mismatch).
        (f"{LEGACY_API_URI}/access_as_user", "http://127.0.0.1:8000/mcp"),
        # A trailing slash is enough (anthropics/claude-code#52871).
        (f"{SERVER_URI}/access_as_user", SERVER_URI + "/"),
        # Sign-in scopes own no identifier URI.
        ("openid profile offline_access", SERVER_URI),
        # Case is not forgiven: byte for byte.
        (f"{SERVER_URI}/access_as_user", SERVER_URI.upper()),
        # The app's client id is not one of its identifier URIs.
        (f"{SERVER_URI}/access_as_user", "92d1c054-f6a7-4c19-9fb1-c3c766564cd4"),
    ],
)
def test_a_resource_that_is_not_the_scope_owners_identifier_uri_is_aadsts9010010(
    client: TestClient, scope: str, resource: str
) -> None:
    query = _redirected_error(client.get(_authorize(scope, resource)))
    assert query["error"] == ["invalid_target"]
    assert query["error_description"][0].startswith(
        "AADSTS9010010: The resource parameter provided in the request doesn't match with "
        "the requested scopes."
    )
    assert query["state"] == ["st-9"]


@pytest.mark.parametrize(
    ("scope", "resource"),
    [
        (f"{SERVER_URI}/access_as_user offline_access", SERVER_URI),
        # Any identifier URI of the owning app (anomalyco/opencode#12308).
        (f"{SERVER_API_URI}/access_as_user", SERVER_URI),
        (f"{SERVER_URI}/access_as_user", SERVER_API_URI),
        (f"{SERVER_URI}/access_as_user", None),
    ],
)
def test_a_resource_equal_to_an_identifier_uri_of_the_owner_goes_on_to_sign_in(
    client: TestClient, scope: str, resource: str | None
) -> None:
    page = client.get(_authorize(scope, resource))
    assert FormBrowser.page_kind(page) == "login"


def test_the_v1_endpoint_keeps_resource_as_its_own_parameter(client: TestClient) -> None:
    query = urlencode(
        {"client_id": MCP_CLIENT, "response_type": "code", "redirect_uri": REDIRECT,
         "resource": SERVER_URI, "code_challenge": CHALLENGE, "code_challenge_method": "S256"}
    )  # fmt: skip
    page = client.get(f"/{TENANT}/oauth2/authorize?{query}")
    assert FormBrowser.page_kind(page) == "login"


def test_the_older_policy_answers_aadsts901002_for_any_resource(tmp_path: Path) -> None:
    with _client(tmp_path, "unsupported") as client:
        query = _redirected_error(
            client.get(_authorize(f"{SERVER_URI}/access_as_user", SERVER_URI))
        )
    assert query["error"] == ["invalid_request"]
    assert query["error_description"][0].startswith(
        "AADSTS901002: The 'resource' request parameter is not supported."
    )


def test_the_lenient_policy_ignores_resource(tmp_path: Path) -> None:
    with _client(tmp_path, "ignored") as client:
        page = client.get(
            _authorize(f"{LEGACY_API_URI}/access_as_user", "http://127.0.0.1:8000/mcp")
        )
    assert FormBrowser.page_kind(page) == "login"


# -- the token endpoint ------------------------------------------------------------------
def _code(client: TestClient, scope: str) -> str:
    answer = FormBrowser(client).drive(
        _authorize(scope, None), "alice@contoso.onmicrosoft.com", "alice-password"
    )
    return answer["code"]


def _token(client: TestClient, **form: str) -> Any:
    return client.post(f"/{TENANT}/oauth2/v2.0/token", data={"client_id": MCP_CLIENT, **form})


def _redeem(client: TestClient, code: str, **extra: str) -> Any:
    return _token(
        client, grant_type="authorization_code", code=code, redirect_uri=REDIRECT,
        code_verifier=VERIFIER, **extra,
    )  # fmt: skip


def test_a_code_redemption_with_a_mismatched_resource_is_refused_before_the_code_is_used(
    client: TestClient,
) -> None:
    code = _code(client, f"{SERVER_URI}/access_as_user offline_access")
    refused = _redeem(client, code, resource="http://127.0.0.1:8000/mcp")
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_target"
    assert refused.json()["error_codes"] == [9010010]
    # The code was not used up: the client may retry without resource, or with the right one.
    assert _redeem(client, code, resource=SERVER_URI).status_code == 200


def test_a_refresh_with_resource_and_no_scope_is_aadsts9010010_and_with_the_scope_works(
    client: TestClient,
) -> None:
    code = _code(client, f"{SERVER_URI}/access_as_user offline_access")
    tokens = _redeem(client, code, resource=SERVER_URI).json()
    # What the MCP python SDK sends on refresh (python-sdk#2578): resource, no scope.
    silent = _token(
        client,
        grant_type="refresh_token",
        refresh_token=tokens["refresh_token"],
        resource=SERVER_URI,
    )
    assert silent.status_code == 400 and silent.json()["error_codes"] == [9010010]
    refreshed = _token(
        client, grant_type="refresh_token", refresh_token=tokens["refresh_token"],
        resource=SERVER_URI, scope=f"{SERVER_URI}/access_as_user",
    )  # fmt: skip
    assert refreshed.status_code == 200, refreshed.text


def test_the_older_policy_refuses_resource_at_the_token_endpoint_too(tmp_path: Path) -> None:
    with _client(tmp_path, "unsupported") as client:
        code = _code(client, f"{SERVER_URI}/access_as_user")
        refused = _redeem(client, code, resource=SERVER_URI)
    assert refused.status_code == 400 and refused.json()["error_codes"] == [901002]
