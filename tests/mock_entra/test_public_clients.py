"""Public clients (desktop apps, CLIs) and loopback redirect URIs, with real MSAL.

A public client authenticates with nothing: AADSTS700025 when it sends a secret or an
assertion (reference-error-codes; MicrosoftDocs/azure-docs#96567), while a confidential
client that sends nothing gets AADSTS7000218. Loopback redirect URIs match on any port
(reply-url doc, "Localhost exceptions"), which MSAL's interactive flow relies on.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import httpx
import msal
import pytest

from entra_kit.jose import pkce_s256
from mock_entra.testing import (
    API_SCOPE,
    WEB_CLIENT_ID,
    FormBrowser,
    LoopbackBrowser,
    RawFlow,
    RunningMock,
    app_ids,
    public_client_id,
    sample_tenant,
)
from tests.conftest import decode
from tests.mock_entra.test_token_errors import assert_entra_error

VERIFIER = "p" * 43
CHALLENGE = pkce_s256(VERIFIER)
PASSWORD = "alice-password"


@dataclass(frozen=True)
class CliTenant:
    """A runtime tenant with a public client (``sample_tenant``'s ``cli``)."""

    tenant: str
    cli: str
    scope: str  # the tenant's API scope, consented for the cli
    upn: str

    def code(self, raw_flow: RawFlow, redirect_uri: str = "http://localhost:53123") -> str:
        return raw_flow.code(
            self.upn, password=PASSWORD, tenant=self.tenant, client_id=self.cli,
            redirect_uri=redirect_uri, scope=f"{self.scope} openid offline_access",
            challenge=CHALLENGE,
        )  # fmt: skip

    def authorize(
        self, mock: RunningMock, redirect_uri: str, client_id: str = ""
    ) -> httpx.Response:
        query = urlencode({
            "client_id": client_id or self.cli, "response_type": "code",
            "redirect_uri": redirect_uri, "scope": "openid",
            "code_challenge": CHALLENGE, "code_challenge_method": "S256",
        })  # fmt: skip
        with mock.http() as http:
            return http.get(f"/{self.tenant}/oauth2/v2.0/authorize?{query}")


@pytest.fixture(scope="module")
def cli_tenant(mock_entra: RunningMock) -> Iterator[CliTenant]:
    tenant = sample_tenant("public")
    _, api, _ = app_ids(tenant)
    upn = tenant["users"][0]["upn"]
    with mock_entra.runtime_tenant(tenant) as tid:
        yield CliTenant(tid, public_client_id(tenant), f"api://{api}/access_as_user", upn)


def test_msal_interactive_sign_in_on_a_random_loopback_port(
    mock_entra: RunningMock, cli_tenant: CliTenant
) -> None:
    app = msal.PublicClientApplication(
        cli_tenant.cli, authority=mock_entra.authority(cli_tenant.tenant),
        instance_discovery=False, token_cache=msal.SerializableTokenCache(),
    )  # fmt: skip
    browser = LoopbackBrowser(mock_entra, cli_tenant.upn, password=PASSWORD)
    with browser.installed():
        result = app.acquire_token_interactive([cli_tenant.scope], timeout=60)
    assert "access_token" in result, result
    (opened,) = browser.opened
    sent = dict(httpx.QueryParams(urlsplit(opened).query))
    assert sent["redirect_uri"].startswith("http://localhost:") and "client_secret" not in sent
    claims = decode(result["access_token"])
    assert (claims["azp"], claims["azpacr"]) == (cli_tenant.cli, "0")  # a public client
    assert result["id_token_claims"]["preferred_username"] == cli_tenant.upn
    # The refresh token MSAL cached works silently afterwards, still without a secret.
    silent = app.acquire_token_silent(
        [cli_tenant.scope], account=app.get_accounts()[0], force_refresh=True
    )
    assert silent is not None and "access_token" in silent, silent


def test_a_public_client_redeems_its_code_without_a_secret(
    raw_flow: RawFlow, cli_tenant: CliTenant
) -> None:
    answer = raw_flow.redeem(
        cli_tenant.code(raw_flow), verifier=VERIFIER, client_id=cli_tenant.cli,
        client_secret=None, redirect_uri="http://localhost:53123", tenant=cli_tenant.tenant,
    )  # fmt: skip
    assert answer.status_code == 200, answer.text


@pytest.mark.parametrize("credential", ["client_secret", "client_assertion", "basic"])
def test_a_public_client_that_sends_a_credential_is_aadsts700025(
    raw_flow: RawFlow, cli_tenant: CliTenant, credential: str
) -> None:
    data = {
        "grant_type": "authorization_code", "code": cli_tenant.code(raw_flow),
        "client_id": cli_tenant.cli, "redirect_uri": "http://localhost:53123",
        "code_verifier": VERIFIER,
    }  # fmt: skip
    path = f"/{cli_tenant.tenant}/oauth2/v2.0/token"
    with raw_flow.mock.http() as http:
        if credential == "basic":
            answer = http.post(path, data=data, auth=(cli_tenant.cli, "a-secret-it-has-not"))
        else:
            answer = http.post(path, data=data | {credential: "a-secret-it-has-not"})
    assert_entra_error(answer, 401, "invalid_client", 700025)


def test_a_confidential_client_without_a_credential_is_aadsts7000218(raw_flow: RawFlow) -> None:
    code = raw_flow.code(challenge=CHALLENGE)
    answer = raw_flow.redeem(code, verifier=VERIFIER, client_secret=None)
    assert_entra_error(answer, 401, "invalid_client", 7000218)


@pytest.mark.parametrize(
    "redirect_uri", ["http://localhost:1", "http://localhost:65535", "http://localhost"]
)
def test_a_loopback_redirect_uri_matches_on_any_port(
    mock_entra: RunningMock, cli_tenant: CliTenant, redirect_uri: str
) -> None:
    page = cli_tenant.authorize(mock_entra, redirect_uri)
    assert FormBrowser.page_kind(page) == "login", page.text[:300]


def test_a_web_apps_localhost_redirect_uri_matches_on_any_port_too(
    mock_entra: RunningMock,
) -> None:
    """The reply-url doc states the rule for every redirect URI type (web, native, SPA)."""
    shipped = CliTenant(mock_entra.tenant_id, WEB_CLIENT_ID, API_SCOPE, "")
    page = shipped.authorize(mock_entra, "http://localhost:5002/signin-oidc")
    assert FormBrowser.page_kind(page) == "login"


@pytest.mark.parametrize(
    "redirect_uri",
    [
        "http://127.0.0.1:53123",  # another host than the registered localhost
        "https://localhost:53123",  # another scheme
        "http://localhost:53123/callback",  # another path
        "http://localhost:53123@evil.example",  # userinfo: the host is evil.example
        "http://localhost.evil.example:53123",
        "http://[::1]:53123",  # Entra: the IPv6 loopback is not supported
        "http://localhost:53123?next=x",
    ],
)
def test_only_the_port_of_a_loopback_uri_may_differ(
    mock_entra: RunningMock, cli_tenant: CliTenant, redirect_uri: str
) -> None:
    page = cli_tenant.authorize(mock_entra, redirect_uri)
    assert page.status_code == 400 and "location" not in page.headers
    assert page.headers["x-mock-entra-error"] == "invalid_request AADSTS50011"


def test_a_redirect_uri_without_a_path_gets_a_slash_in_a_query_response(
    mock_entra: RunningMock, cli_tenant: CliTenant
) -> None:
    """Reply-url doc: "Redirect URIs not configured with a path segment are returned with a
    trailing slash ('/') in the response" (query and fragment modes)."""
    page = cli_tenant.authorize(mock_entra, "http://localhost:7071")
    with mock_entra.http() as http:
        answer = FormBrowser(http).sign_in(page, cli_tenant.upn, PASSWORD)
    assert answer.headers["location"].startswith("http://localhost:7071/?code=")
