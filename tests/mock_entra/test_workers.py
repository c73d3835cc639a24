"""``mock-entra serve --workers 2`` behaves like one worker: shared codes, replay
detection, faults, runtime tenants and the request log work across processes.

Every request below opens a new connection, so the kernel spreads them over both
workers; ``X-Mock-Entra-Worker`` says which one answered.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import httpx
import pytest

from mock_entra.testing import (
    DAEMON_CLIENT_ID,
)
from mock_entra.testing.sample import sample_tenant
from tests.mock_entra.served import WORKER, Served, serve

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with serve(tmp_path_factory.mktemp("two-workers"), "--workers", "2") as mock:
        yield mock


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
