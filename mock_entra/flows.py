"""Tokens through the real flows (MSAL over HTTPS), and the code flow by hand.

``Tokens`` is what an app would do; ``RawFlow`` sends what MSAL never would (no
PKCE, a wrong verifier, a replayed code), for security tests.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import msal

from entra_kit.shipped_tenant import (
    API_APP_ID_URI,
    API_CLIENT_ID,
    API_CLIENT_SECRET,
    API_SCOPE,
    DAEMON_CLIENT_ID,
    DAEMON_CLIENT_SECRET,
    SEARCH_RESOURCE,
    USERS,
    WEB_CLIENT_ID,
    WEB_CLIENT_SECRET,
    WEB_REDIRECT_URI,
)

if TYPE_CHECKING:
    from mock_entra.testing import RunningMock


class SignInError(RuntimeError):
    """The sign-in page did not lead back to the app with a code."""


_REQUEST_ID = re.compile(r'name="request_id"\s+value="([^"]+)"')
_HIDDEN = re.compile(r'<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"')


class Tokens:
    """Tokens through the real flows, with real MSAL, over HTTPS."""

    def __init__(self, mock: RunningMock) -> None:
        self.mock = mock

    def _msal(
        self, client_id: str, secret: Any, tenant: str | None
    ) -> msal.ConfidentialClientApplication:
        return msal.ConfidentialClientApplication(
            client_id,
            client_credential=secret,
            authority=self.mock.authority(tenant),
            instance_discovery=False,
            verify=str(self.mock.ca_bundle),
            token_cache=msal.SerializableTokenCache(),
        )

    def authorize(
        self,
        auth_uri: str,
        user: str,
        *,
        password: str | None = None,
        consent: str = "accept",
        http: httpx.Client | None = None,
    ) -> dict[str, str]:
        """Drive the sign-in (and consent) pages; return the redirect's query parameters."""
        upn, default_password = USERS.get(user, (user, ""))
        client = http or self.mock.http()
        try:
            page = client.get(auth_uri)
            if page.status_code == 302:
                return _redirect_params(page)
            request_id = page.headers.get("x-mock-entra-request-id") or _find_request_id(page.text)
            tid = urlsplit(auth_uri).path.strip("/").split("/")[0]
            tid = self.mock.ctx.tenant(tid).id
            answer = client.post(
                f"/{tid}/login",
                data={
                    "request_id": request_id,
                    "username": upn,
                    "password": password or default_password,
                },
            )
            if answer.status_code == 200 and "/consent" in answer.text:
                answer = client.post(
                    f"/{tid}/consent",
                    data={"request_id": _find_request_id(answer.text), "decision": consent},
                )
            if (
                answer.status_code == 200
                and 'method="post"' in answer.text
                and "code" in answer.text
            ):
                return _form_post_params(answer.text)
            if answer.status_code != 302:
                raise SignInError(f"sign-in answered {answer.status_code}: {answer.text[:300]}")
            return _redirect_params(answer)
        finally:
            if http is None:
                client.close()

    def sign_in(
        self,
        user: str = "alice",
        scopes: Sequence[str] = (API_SCOPE,),
        *,
        client_id: str = WEB_CLIENT_ID,
        client_secret: Any = WEB_CLIENT_SECRET,
        redirect_uri: str = WEB_REDIRECT_URI,
        tenant: str | None = None,
        password: str | None = None,
    ) -> dict[str, Any]:
        """Auth code + PKCE through MSAL; the MSAL result (``access_token``, ``id_token`` ...)."""
        app = self._msal(client_id, client_secret, tenant)
        flow = app.initiate_auth_code_flow(
            list(scopes), redirect_uri=redirect_uri, response_mode="form_post"
        )
        params = self.authorize(flow["auth_uri"], user, password=password)
        result: dict[str, Any] = app.acquire_token_by_auth_code_flow(flow, params)
        result["_msal_app"] = app
        return result

    def app_token(
        self,
        client_id: str = DAEMON_CLIENT_ID,
        client_secret: Any = DAEMON_CLIENT_SECRET,
        scope: str = f"{API_APP_ID_URI}/.default",
        tenant: str | None = None,
    ) -> dict[str, Any]:
        app = self._msal(client_id, client_secret, tenant)
        result: dict[str, Any] = app.acquire_token_for_client([scope])
        return result

    def obo(
        self,
        assertion: str,
        scope: str = f"{SEARCH_RESOURCE}/.default",
        client_id: str = API_CLIENT_ID,
        client_secret: Any = API_CLIENT_SECRET,
        tenant: str | None = None,
    ) -> dict[str, Any]:
        app = self._msal(client_id, client_secret, tenant)
        result: dict[str, Any] = app.acquire_token_on_behalf_of(assertion, [scope])
        return result


class RawFlow:
    """The authorization code flow by hand, for tests that must send what MSAL never would."""

    def __init__(self, mock: RunningMock) -> None:
        self.mock = mock
        self.tokens = Tokens(mock)

    def code(
        self,
        user: str = "alice",
        *,
        scope: str = f"{API_SCOPE} openid profile offline_access",
        client_id: str = WEB_CLIENT_ID,
        redirect_uri: str = WEB_REDIRECT_URI,
        challenge: str | None = None,
        method: str = "S256",
        tenant: str | None = None,
        **extra: str,
    ) -> str:
        """Sign ``user`` in and return the authorization code (``challenge=None``: no PKCE)."""
        params = {
            "client_id": client_id,
            "response_type": "code",
            "redirect_uri": redirect_uri,
            "scope": scope,
            "state": "raw-state",
            "nonce": "raw-nonce",
            **extra,
        }
        if challenge is not None:
            params.update(code_challenge=challenge, code_challenge_method=method)
        answer = self.tokens.authorize(
            f"{self.mock.authority(tenant)}/oauth2/v2.0/authorize?{urlencode(params)}", user
        )
        if "code" not in answer:
            raise SignInError(f"no code: {answer}")
        return answer["code"]

    def redeem(
        self,
        code: str,
        *,
        verifier: str | None = None,
        client_id: str = WEB_CLIENT_ID,
        client_secret: str | None = WEB_CLIENT_SECRET,
        redirect_uri: str = WEB_REDIRECT_URI,
        scope: str | None = None,
        tenant: str | None = None,
    ) -> httpx.Response:
        data = {
            "grant_type": "authorization_code",
            "code": code,
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "client_info": "1",
        }
        if client_secret is not None:
            data["client_secret"] = client_secret
        if verifier is not None:
            data["code_verifier"] = verifier
        if scope is not None:
            data["scope"] = scope
        return self.post_token(data, tenant=tenant)

    def post_token(self, data: dict[str, str], *, tenant: str | None = None) -> httpx.Response:
        with self.mock.http() as client:
            return client.post(f"/{tenant or self.mock.tenant_id}/oauth2/v2.0/token", data=data)


def _find_request_id(html: str) -> str:
    match = _REQUEST_ID.search(html)
    if not match:
        raise SignInError("no request_id on the sign-in page")
    return match.group(1)


def _form_post_params(html: str) -> dict[str, str]:
    """The fields of the auto-posting form that ``response_mode=form_post`` answers with."""
    return {name: html_lib.unescape(value) for name, value in _HIDDEN.findall(html)}


def _redirect_params(response: httpx.Response) -> dict[str, str]:
    location = response.headers.get("location", "")
    query = parse_qs(urlsplit(location).query)
    return {k: v[0] for k, v in query.items()}
