"""Tokens through the real flows, over the wire only (so a running stack works too).

Sign-in is MSAL's auth code + PKCE (RFC 7636) driving the identity platform's sign-in
and consent pages as docs/CONTRACTS.md describes them; app tokens are client
credentials; OBO is MSAL's ``acquire_token_on_behalf_of``. Each call builds a fresh
MSAL app and cache: MSAL answers a repeated failed request from memory for 60 s
(LIBRARY-FACTS), which would hide what the platform says.
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
import msal

from entra_kit.jose import pkce_s256
from mock_entra.testing.browser import FormBrowser, SignInError
from scenarios.stack import Stack

WEB_CLIENT_ID = "276c44e0-30c1-44f5-8680-e817fc8185bb"
WEB_CLIENT_SECRET = "mock-web-secret-0001"
WEB_REDIRECT_URI = "http://localhost:5001/signin-oidc"
API_CLIENT_ID = "fe5f360b-4f1f-4029-b90b-f832bcb0412c"
API_SCOPE = f"api://{API_CLIENT_ID}/access_as_user"
API_SECRET = "mock-backend-secret-0001"
DAEMON_CLIENT_ID = "1880ac49-201e-4c30-95a2-22426a6365e5"
DAEMON_SECRET = "mock-daemon-secret-0001"
PASSWORDS = {"alice": "alice-password", "bob": "bob-password", "carol": "carol-password"}
DOMAIN = "contoso.onmicrosoft.com"


class FlowError(RuntimeError):
    """The sign-in pages did not lead back with a code (the message says where it stopped)."""


def _msal(
    stack: Stack, tenant: str, client_id: str, secret: str
) -> msal.ConfidentialClientApplication:
    return msal.ConfidentialClientApplication(
        client_id,
        client_credential=secret,
        authority=f"{stack.mock_url}/{tenant}",
        instance_discovery=False,
        verify=stack.ca_bundle or True,
        token_cache=msal.SerializableTokenCache(),
    )


def drive_pages(
    client: httpx.Client, auth_uri: str, user: str, *, consent: str = "accept"
) -> dict[str, str]:
    """Follow the authorize URL through sign-in (and consent); what reached the redirect URI."""
    browser = FormBrowser(client)
    page = client.get(auth_uri)
    if "x-mock-entra-request-id" not in page.headers:
        # SSO (prompt=none) or an error: the platform answered the redirect URI directly.
        try:
            return FormBrowser.result(page)
        except SignInError as exc:
            raise FlowError(
                f"authorize answered {page.status_code} without a sign-in page"
            ) from exc
    answer = browser.sign_in(page, f"{user}@{DOMAIN}", PASSWORDS.get(user, user))
    if answer.status_code == 200 and "x-mock-entra-request-id" in answer.headers:
        answer = browser.consent(answer, consent)
    try:
        return FormBrowser.result(answer)
    except AssertionError as exc:
        raise FlowError(f"sign-in answered {answer.status_code}") from exc


def sign_in(
    stack: Stack,
    tenant: str,
    user: str,
    scopes: list[str],
    *,
    client_id: str = WEB_CLIENT_ID,
    secret: str = WEB_CLIENT_SECRET,
    redirect_uri: str = WEB_REDIRECT_URI,
) -> dict[str, Any]:
    """MSAL auth code + PKCE; MSAL's result (``access_token``, ``id_token``, or ``error``)."""
    app = _msal(stack, tenant, client_id, secret)
    flow = app.initiate_auth_code_flow(scopes, redirect_uri=redirect_uri, response_mode="form_post")
    with stack.http() as client:
        params = drive_pages(client, flow["auth_uri"], user)
    result: dict[str, Any] = app.acquire_token_by_auth_code_flow(flow, params)
    return result


def app_token(stack: Stack, tenant: str, scope: str, client_id: str, secret: str) -> dict[str, Any]:
    result: dict[str, Any] = _msal(stack, tenant, client_id, secret).acquire_token_for_client(
        [scope]
    )
    return result


def obo(
    stack: Stack, tenant: str, assertion: str, scope: str, client_id: str, secret: str
) -> dict[str, Any]:
    app = _msal(stack, tenant, client_id, secret)
    result: dict[str, Any] = app.acquire_token_on_behalf_of(assertion, [scope])
    return result


def raw_code(stack: Stack, tenant: str, spec: dict[str, Any]) -> dict[str, str]:
    """An authorization code by hand (what MSAL would never send): ``{code, verifier, ...}``.

    ``pkce``: ``S256`` (default), ``plain`` or ``none`` (no challenge at all).
    """
    verifier = str(spec.get("verifier") or secrets.token_urlsafe(48))
    params: dict[str, Any] = {
        "client_id": spec.get("client_id", WEB_CLIENT_ID),
        "response_type": "code",
        "redirect_uri": spec.get("redirect_uri", WEB_REDIRECT_URI),
        "scope": spec.get("scope", f"{API_SCOPE} openid profile offline_access"),
        "state": "scenario-state",
        "nonce": "scenario-nonce",
        **dict(spec.get("params", {})),
    }
    method = spec.get("pkce", "S256")
    if method != "none":
        params["code_challenge"] = pkce_s256(verifier) if method == "S256" else verifier
        params["code_challenge_method"] = method
    url = f"{stack.mock_url}/{tenant}/oauth2/v2.0/authorize?{urlencode(params)}"
    with stack.http() as client:
        got = drive_pages(client, url, str(spec.get("user", "alice")))
    if "code" not in got:
        raise FlowError(f"no code: error={got.get('error')}")
    return {**got, "verifier": verifier, "redirect_uri": str(params["redirect_uri"])}


def redirect_query(location: str) -> dict[str, str]:
    from urllib.parse import parse_qsl

    parts = urlsplit(location)
    return dict(parse_qsl(parts.query or parts.fragment))
