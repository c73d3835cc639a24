"""Run the mock in-process over real HTTPS, and get tokens through the real flows.

For this project's tests and for users testing their own apps::

    with run_mock() as mock:
        tokens = Tokens(mock)
        result = tokens.sign_in("alice", scopes=[f"{API_APP_ID_URI}/access_as_user"])

Every mock started in one process shares one local CA (``shared_tls_dir``), so a
single ``REQUESTS_CA_BUNDLE`` trusts them all. The pytest plugin
(:mod:`mock_entra.pytest_plugin`) wraps this in fixtures.
"""

from __future__ import annotations

import html as html_lib
import logging
import re
import socket
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import msal
import uvicorn
from fastapi import FastAPI

from mock_entra.admin.client import AdminClient
from mock_entra.app import create_app
from mock_entra.context import Context
from mock_entra.settings import MockSettings
from mock_entra.tls import TlsFiles, ensure_tls

# The shipped default tenant (mock_entra/default_tenant.yaml).
TENANT_ID = "b63e68de-d8de-4919-b8c7-175cc63619fc"
TENANT_DOMAIN = "contoso.onmicrosoft.com"
OTHER_TENANT_ID = "35d94638-998d-45aa-b0d8-43dd7cd23aa6"
WEB_CLIENT_ID = "276c44e0-30c1-44f5-8680-e817fc8185bb"
WEB_CLIENT_SECRET = "mock-web-secret-0001"
WEB_REDIRECT_URI = "http://localhost:5001/signin-oidc"
API_CLIENT_ID = "fe5f360b-4f1f-4029-b90b-f832bcb0412c"
API_APP_ID_URI = f"api://{API_CLIENT_ID}"
API_CLIENT_SECRET = "mock-backend-secret-0001"
API_SCOPE = f"{API_APP_ID_URI}/access_as_user"
DAEMON_CLIENT_ID = "1880ac49-201e-4c30-95a2-22426a6365e5"
DAEMON_CLIENT_SECRET = "mock-daemon-secret-0001"
GRAPH_RESOURCE = "https://graph.microsoft.com"
SEARCH_RESOURCE = "https://search.azure.com"
MANAGED_IDENTITY_CLIENT_ID = "e63c9022-4af6-4001-ad3c-514019a71e36"
USERS = {
    "alice": ("alice@contoso.onmicrosoft.com", "alice-password"),
    "bob": ("bob@contoso.onmicrosoft.com", "bob-password"),
    "carol": ("carol@contoso.onmicrosoft.com", "carol-password"),
}


class _QuietShutdown(logging.Filter):
    """Idle keep-alive connections from clients make uvicorn log a harmless shutdown line."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "graceful shutdown exceeded" not in record.getMessage()


logging.getLogger("uvicorn.error").addFilter(_QuietShutdown())

_shared_tls: Path | None = None
_shared_lock = threading.Lock()


def shared_tls_dir() -> Path:
    """One CA per process, so one trust setting covers every mock a test session starts."""
    global _shared_tls
    with _shared_lock:
        if _shared_tls is None:
            _shared_tls = Path(tempfile.mkdtemp(prefix="mock-entra-tls-"))
            ensure_tls(_shared_tls)
        return _shared_tls


@dataclass
class RunningMock:
    base_url: str
    ca_bundle: Path
    state_dir: Path
    app: FastAPI
    tenant_id: str = TENANT_ID

    @property
    def ctx(self) -> Context:
        ctx: Context = self.app.state.ctx
        return ctx

    def authority(self, tenant: str | None = None) -> str:
        return f"{self.base_url}/{tenant or self.tenant_id}"

    def issuer_v1(self, tenant: str | None = None) -> str:
        return self.ctx.issuer_v1(tenant or self.tenant_id)

    def issuer_v2(self, tenant: str | None = None) -> str:
        return self.ctx.issuer_v2(tenant or self.tenant_id)

    def jwks_uri(self, tenant: str | None = None) -> str:
        return f"{self.authority(tenant)}/discovery/v2.0/keys"

    def token_endpoint(self, tenant: str | None = None) -> str:
        return f"{self.authority(tenant)}/oauth2/v2.0/token"

    @contextmanager
    def shifted_clock(self, seconds: float) -> Iterator[None]:
        """Run the block with the mock's clock moved by ``seconds`` (expiry tests, no sleeping)."""
        ctx = self.ctx
        original = ctx.clock
        ctx.clock = lambda: original() + seconds
        try:
            yield
        finally:
            ctx.clock = original

    def http(self, **kwargs: Any) -> httpx.Client:
        """An httpx client that trusts the mock's CA."""
        return httpx.Client(verify=str(self.ca_bundle), base_url=self.base_url, **kwargs)

    # -- the admin API, over HTTPS (mock_entra.admin.client) ---------------------------
    @property
    def admin(self) -> AdminClient:
        return AdminClient(self.base_url, self.ca_bundle)

    def fault(self, **match_and_effect: Any) -> AbstractContextManager[dict[str, Any]]:
        """A scoped fault for a ``with`` block, e.g. ``mock.fault(tenant=T, effect="throttle")``."""
        return self.admin.fault(**match_and_effect)

    def runtime_tenant(self, tenant: dict[str, Any]) -> AbstractContextManager[str]:
        """A tenant of the test's own (tenant-YAML schema) for a ``with`` block; yields its id."""
        return self.admin.runtime_tenant(tenant)

    def rotate_keys(self, tenant: str | None = None) -> dict[str, Any]:
        return self.admin.rotate_keys(tenant or self.tenant_id)

    def requests(
        self, tenant: str | None = None, client_id: str | None = None, limit: int = 100
    ) -> list[dict[str, Any]]:
        """The request log, newest first (credentials redacted)."""
        return self.admin.requests(tenant, client_id, limit)


def _free_socket(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    return sock


@contextmanager
def run_mock(
    state_dir: Path | None = None,
    *,
    port: int = 0,
    tls: TlsFiles | None = None,
    **settings: Any,
) -> Iterator[RunningMock]:
    """Serve the mock over HTTPS on 127.0.0.1 in a background thread until the block ends."""
    state = Path(state_dir or tempfile.mkdtemp(prefix="mock-entra-"))
    tls = tls or ensure_tls(shared_tls_dir())
    sock = _free_socket("127.0.0.1", port)
    bound = sock.getsockname()[1]
    mock_settings = MockSettings(
        host="127.0.0.1", port=bound, state_dir=state, log_requests=False, **settings
    )
    app = create_app(mock_settings)
    config = uvicorn.Config(
        app,
        ssl_certfile=str(tls.server_cert),
        ssl_keyfile=str(tls.server_key),
        log_level="warning",
        lifespan="off",
        timeout_graceful_shutdown=2,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, daemon=True, name="mock-entra"
    )
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("mock-entra did not start")
        time.sleep(0.01)
    try:
        yield RunningMock(mock_settings.base_url, tls.ca_cert, state, app)
    finally:
        server.should_exit = True
        thread.join(timeout=5)
        sock.close()


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
