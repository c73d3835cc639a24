"""A ``mock-entra serve`` subprocess on a free loopback port, and a client for it.

Shared by the multi-worker tests and the multi-instance (Redis) tests. Every request
opens a new connection, so the kernel can spread requests over a server's workers;
``X-Mock-Entra-Worker`` says which worker answered.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from entra_kit.jose import pkce_s256
from entra_kit.serve import free_loopback_port
from mock_entra.testing import (
    API_SCOPE,
    DAEMON_CLIENT_ID,
    DAEMON_CLIENT_SECRET,
    TENANT_ID,
    USERS,
    WEB_CLIENT_ID,
    WEB_CLIENT_SECRET,
    WEB_REDIRECT_URI,
)
from mock_entra.testing.admin_client import AdminClient

VERIFIER = "w" * 43
WORKER = "x-mock-entra-worker"


class Served:
    def __init__(self, base_url: str, ca: Path) -> None:
        self.base_url, self.ca = base_url, ca
        self.admin = AdminClient(base_url, ca)

    def client(self) -> httpx.Client:
        # No keep-alive: each request is a new connection, free to land on either worker.
        return httpx.Client(
            base_url=self.base_url,
            verify=str(self.ca),
            limits=httpx.Limits(max_keepalive_connections=0),
            timeout=15,
        )

    def code(self, scope: str = f"{API_SCOPE} openid") -> tuple[str, str]:
        """Sign alice in; (code, pid of the worker that issued it)."""
        params = {
            "client_id": WEB_CLIENT_ID,
            "response_type": "code",
            "redirect_uri": WEB_REDIRECT_URI,
            "scope": scope,
            "state": "s",
            "nonce": "n",
            "code_challenge": pkce_s256(VERIFIER),
            "code_challenge_method": "S256",
        }
        with self.client() as http:
            page = http.get(f"/{TENANT_ID}/oauth2/v2.0/authorize?{urlencode(params)}")
            upn, password = USERS["alice"]
            answer = http.post(
                f"/{TENANT_ID}/login",
                data={
                    "request_id": page.headers["x-mock-entra-request-id"],
                    "username": upn,
                    "password": password,
                },
            )
        assert answer.status_code == 302, answer.text
        code = parse_qs(urlsplit(answer.headers["location"]).query)["code"][0]
        return code, answer.headers[WORKER]

    def token(self, tenant: str = TENANT_ID, **form: str) -> httpx.Response:
        """One token request on a new connection."""
        with self.client() as http:
            return http.post(f"/{tenant}/oauth2/v2.0/token", data=form)

    def redeem(self, code: str) -> httpx.Response:
        return self.token(
            grant_type="authorization_code",
            code=code,
            client_id=WEB_CLIENT_ID,
            client_secret=WEB_CLIENT_SECRET,
            redirect_uri=WEB_REDIRECT_URI,
            code_verifier=VERIFIER,
        )

    def refresh(self, refresh_token: str) -> httpx.Response:
        return self.token(
            grant_type="refresh_token",
            refresh_token=refresh_token,
            client_id=WEB_CLIENT_ID,
            client_secret=WEB_CLIENT_SECRET,
            scope=f"{API_SCOPE} openid offline_access",
        )

    def app_token(self, tenant: str = TENANT_ID) -> httpx.Response:
        return self.token(
            tenant,
            grant_type="client_credentials",
            client_id=DAEMON_CLIENT_ID,
            client_secret=DAEMON_CLIENT_SECRET,
            scope=f"{API_SCOPE.rsplit('/', 1)[0]}/.default",
        )


@contextmanager
def serve(state: Path, *args: str, env: dict[str, str] | None = None) -> Iterator[Served]:
    """``mock-entra serve <args> --state-dir state`` until the block ends; MOCK_ENTRA_* from ``env``."""
    port = free_loopback_port()
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MOCK_ENTRA_")}
    command = [sys.executable, "-m", "mock_entra", "serve", *args]
    command += ["--port", str(port), "--state-dir", str(state)]
    log = state / f"serve-{port}.log"
    with open(log, "wb") as output:
        process = subprocess.Popen(
            command, cwd=state, env={**clean, **(env or {})}, stdout=output,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        mock = Served(f"https://127.0.0.1:{port}", state / "tls" / "ca.pem")
        deadline = time.monotonic() + 30
        while True:
            try:
                with mock.client() as http:
                    if http.get("/healthz").status_code == 200:
                        break
            except (httpx.HTTPError, OSError):
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(log.read_text()[-2000:])
            time.sleep(0.1)
        yield mock
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
