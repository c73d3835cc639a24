"""``mock-entra serve --workers 2`` behaves like one worker: shared codes, replay
detection, faults, runtime tenants and the request log work across processes.

Every request below opens a new connection, so the kernel spreads them over both
workers; ``X-Mock-Entra-Worker`` says which one answered.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from entra_kit.jose import pkce_s256
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
from mock_entra.testing.sample import sample_tenant

pytestmark = pytest.mark.slow

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

    def code(self) -> tuple[str, str]:
        """Sign alice in; (code, pid of the worker that issued it)."""
        params = {
            "client_id": WEB_CLIENT_ID,
            "response_type": "code",
            "redirect_uri": WEB_REDIRECT_URI,
            "scope": f"{API_SCOPE} openid",
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

    def redeem(self, code: str) -> httpx.Response:
        with self.client() as http:
            return http.post(
                f"/{TENANT_ID}/oauth2/v2.0/token",
                data={
                    "grant_type": "authorization_code",
                    "code": code,
                    "client_id": WEB_CLIENT_ID,
                    "client_secret": WEB_CLIENT_SECRET,
                    "redirect_uri": WEB_REDIRECT_URI,
                    "code_verifier": VERIFIER,
                },
            )

    def app_token(self, tenant: str = TENANT_ID) -> httpx.Response:
        with self.client() as http:
            return http.post(
                f"/{tenant}/oauth2/v2.0/token",
                data={
                    "grant_type": "client_credentials",
                    "client_id": DAEMON_CLIENT_ID,
                    "client_secret": DAEMON_CLIENT_SECRET,
                    "scope": f"{API_SCOPE.rsplit('/', 1)[0]}/.default",
                },
            )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    state = tmp_path_factory.mktemp("two-workers")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOCK_ENTRA_")}
    command = [sys.executable, "-m", "mock_entra", "serve", "--workers", "2"]
    command += ["--port", str(port), "--state-dir", str(state)]
    with open(state / "serve.log", "wb") as output:
        process = subprocess.Popen(
            command, cwd=state, env=env, stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True,
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
                raise RuntimeError((state / "serve.log").read_text()[-2000:])
            time.sleep(0.1)
        yield mock
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def until_both_workers(
    request: Callable[[], httpx.Response], at_least: int = 20, limit: int = 300
) -> list[httpx.Response]:
    """Repeat ``request`` until both workers have answered (bounded).

    The kernel decides which worker accepts a connection; on a busy machine one
    worker can win many times in a row, so a fixed small count is not enough.
    """
    answers: list[httpx.Response] = []
    while len(answers) < limit:
        answers.append(request())
        if len(answers) >= at_least and len({a.headers[WORKER] for a in answers}) == 2:
            break
    return answers


def test_a_code_redeems_at_the_other_worker_and_its_replay_is_caught_there(
    served: Served,
) -> None:
    crossed_redeem = crossed_replay = False
    for _ in range(40):
        code, issued_by = served.code()
        first = served.redeem(code)
        assert first.status_code == 200, first.text
        redeemed_by = first.headers[WORKER]
        crossed_redeem |= redeemed_by != issued_by
        for _ in range(6):
            replay = served.redeem(code)
            assert replay.status_code == 400 and replay.json()["error_codes"] == [54005]
            if replay.headers[WORKER] != redeemed_by:
                crossed_replay = True
                break
        if crossed_redeem and crossed_replay:
            break
    assert crossed_redeem, "no code was redeemed at a worker other than its issuer"
    assert crossed_replay, "no replay reached the other worker"


def test_a_fault_set_through_one_worker_is_applied_by_both(served: Served) -> None:
    with served.admin.fault(client_id=DAEMON_CLIENT_ID, effect="server_error", status=503):
        answers = until_both_workers(served.app_token)
    assert {a.status_code for a in answers} == {503}
    assert len({a.headers[WORKER] for a in answers}) == 2
    assert served.app_token().status_code == 200


def test_times_is_spent_exactly_once_across_workers(served: Served) -> None:
    with served.admin.fault(client_id=DAEMON_CLIENT_ID, effect="throttle", times=5):
        statuses = [served.app_token().status_code for _ in range(20)]
    assert statuses.count(429) == 5 and statuses.count(200) == 15


def test_a_runtime_tenant_is_served_by_both_workers(served: Served) -> None:
    tenant = sample_tenant("workers")
    with served.admin.runtime_tenant(tenant) as tid:

        def discovery() -> httpx.Response:
            with served.client() as http:
                return http.get(f"/{tid}/v2.0/.well-known/openid-configuration")

        answers = until_both_workers(discovery)
    assert {a.status_code for a in answers} == {200}
    assert len({a.headers[WORKER] for a in answers}) == 2


def test_the_request_log_collects_both_workers(served: Served) -> None:
    answers = until_both_workers(served.app_token, at_least=2)
    seen = {a.headers[WORKER] for a in answers}
    # Each worker writes its log in batches; the other worker's part arrives shortly.
    deadline = time.monotonic() + 5
    while True:
        logged = served.admin.requests(client_id=DAEMON_CLIENT_ID, limit=1000)
        workers = {str(e["worker"]) for e in logged} & seen
        if len(workers) == 2 or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert len(workers) == 2
