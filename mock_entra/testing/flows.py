"""Tokens through the real flows (MSAL over HTTPS), and the code flow by hand.

``Tokens`` is what an app would do; ``RawFlow`` sends what MSAL never would (no
PKCE, a wrong verifier, a replayed code), for security tests. Both talk to the
platform over the wire only, so they work with an in-process mock
(:class:`~mock_entra.testing.server.RunningMock`), a served one or any other
:class:`IdentityPlatform`. Each call builds a fresh MSAL app and token cache: MSAL
answers a repeated failed request from memory for a while (LIBRARY-FACTS), which
would hide what the platform says.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlencode

import httpx
import msal

from entra_kit import shipped_tenant as shipped
from entra_kit.trust import TrustingSession
from mock_entra.testing.browser import Answers, FormBrowser, SignInError

# What RawFlow asks for when the test does not say: a code MSAL's web app would get.
CODE_SCOPE = f"{shipped.API_SCOPE} openid profile offline_access"


class IdentityPlatform(Protocol):
    """What the flows need of the platform: its authority, the CA it is trusted by, HTTP."""

    @property
    def tenant_id(self) -> str: ...

    @property
    def ca_bundle(self) -> Path | str | None:
        """The CA bundle its certificate chains to; None: the system's trust store."""
        ...

    def authority(self, tenant: str | None = None) -> str: ...

    def http(self, **kwargs: Any) -> httpx.Client:
        """A client with the platform as base URL, trusting its CA, not following redirects."""
        ...


@dataclass(frozen=True)
class ServedPlatform:
    """A platform served elsewhere (``mock-entra serve``, a colleague's mock): its base URL,
    the CA its certificate chains to, and the tenant used when a call names none."""

    base_url: str
    ca_bundle: Path | str | None
    tenant_id: str = shipped.TENANT_ID

    def authority(self, tenant: str | None = None) -> str:
        return f"{self.base_url.rstrip('/')}/{tenant or self.tenant_id}"

    def http(self, **kwargs: Any) -> httpx.Client:
        verify = str(self.ca_bundle) if self.ca_bundle else True
        return httpx.Client(base_url=self.base_url, verify=verify, timeout=30, **kwargs)


def user_credentials(user: str, password: str | None = None) -> tuple[str, str]:
    """(username, password) for a shipped user's short name (``alice``), else ``user`` as given."""
    upn, shipped_password = shipped.USERS.get(user, (user, ""))
    return upn, password or shipped_password


class Tokens:
    """Tokens through the real flows, with real MSAL, over HTTPS."""

    def __init__(self, mock: IdentityPlatform) -> None:
        self.mock = mock

    def _msal(
        self, client_id: str, secret: Any, tenant: str | None
    ) -> msal.ConfidentialClientApplication:
        return msal.ConfidentialClientApplication(
            client_id,
            client_credential=secret,
            authority=self.mock.authority(tenant),
            instance_discovery=False,
            # requests lets REQUESTS_CA_BUNDLE beat MSAL's verify= (LIBRARY-FACTS); a session
            # that passes verify on every request trusts the platform's CA whatever is preset.
            http_client=TrustingSession(self.mock.ca_bundle),
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
        """Drive the sign-in (and consent) pages; what reached the redirect URI.

        ``http`` keeps the browser's cookies (the SSO session) across calls.
        """
        username, secret = user_credentials(user, password)
        client = http or self.mock.http()
        try:
            return FormBrowser(client).drive(auth_uri, username, secret, consent=consent)
        finally:
            if http is None:
                client.close()

    def complete_device_code(
        self,
        verification_uri: str,
        user_code: str,
        user: str = "alice",
        *,
        password: str | None = None,
        consent: str = "accept",
        confirm: str = "continue",
        http: httpx.Client | None = None,
    ) -> str:
        """Be the user on the device code verification page; ``approved`` or ``declined``.

        What a CLI shows its user (MSAL's ``initiate_device_flow()`` result, the message
        azure-identity's ``DeviceCodeCredential`` prompts with) names both arguments.
        """
        username, secret = user_credentials(user, password)
        answers = Answers(username, secret, consent=consent, device=confirm)
        client = http or self.mock.http()
        try:
            browser = FormBrowser(client)
            return browser.device_result(browser.device_login(verification_uri, user_code, answers))
        finally:
            if http is None:
                client.close()

    def sign_in(
        self,
        user: str = "alice",
        scopes: Sequence[str] = (shipped.API_SCOPE,),
        *,
        client_id: str = shipped.WEB_CLIENT_ID,
        client_secret: Any = shipped.WEB_CLIENT_SECRET,
        redirect_uri: str = shipped.WEB_REDIRECT_URI,
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
        client_id: str = shipped.DAEMON_CLIENT_ID,
        client_secret: Any = shipped.DAEMON_CLIENT_SECRET,
        scope: str = f"{shipped.API_APP_ID_URI}/.default",
        tenant: str | None = None,
    ) -> dict[str, Any]:
        """Client credentials through MSAL (an app-only token)."""
        app = self._msal(client_id, client_secret, tenant)
        result: dict[str, Any] = app.acquire_token_for_client([scope])
        return result

    def obo(
        self,
        assertion: str,
        scope: str = f"{shipped.SEARCH_RESOURCE}/.default",
        client_id: str = shipped.API_CLIENT_ID,
        client_secret: Any = shipped.API_CLIENT_SECRET,
        tenant: str | None = None,
    ) -> dict[str, Any]:
        """On-behalf-of through MSAL: the middle tier exchanges ``assertion``."""
        app = self._msal(client_id, client_secret, tenant)
        result: dict[str, Any] = app.acquire_token_on_behalf_of(assertion, [scope])
        return result


class RawFlow:
    """The authorization code flow by hand, for tests that must send what MSAL never would."""

    def __init__(self, mock: IdentityPlatform) -> None:
        self.mock = mock
        self.tokens = Tokens(mock)

    def code_response(
        self,
        user: str = "alice",
        *,
        scope: str = CODE_SCOPE,
        client_id: str = shipped.WEB_CLIENT_ID,
        redirect_uri: str = shipped.WEB_REDIRECT_URI,
        challenge: str | None = None,
        method: str = "S256",
        tenant: str | None = None,
        password: str | None = None,
        **extra: str,
    ) -> dict[str, str]:
        """Sign ``user`` in; what reached the redirect URI (``code``, ``state``, ``session_state``).

        ``challenge=None`` sends no PKCE at all; ``extra`` adds or replaces parameters;
        ``password`` is for users other than the shipped ones.
        """
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
            f"{self.mock.authority(tenant)}/oauth2/v2.0/authorize?{urlencode(params)}",
            user,
            password=password,
        )
        if "code" not in answer:
            raise SignInError(f"no code: error={answer.get('error')}")
        return answer

    def code(self, user: str = "alice", **options: Any) -> str:
        """Sign ``user`` in and return the authorization code (options: :meth:`code_response`)."""
        return self.code_response(user, **options)["code"]

    def redeem(
        self,
        code: str,
        *,
        verifier: str | None = None,
        client_id: str = shipped.WEB_CLIENT_ID,
        client_secret: str | None = shipped.WEB_CLIENT_SECRET,
        redirect_uri: str = shipped.WEB_REDIRECT_URI,
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
