"""Two ``mock-entra serve`` instances on one Redis store behave like one mock (issue 14).

Instance A and instance B are separate processes on separate ports, as two machines
behind one address would be; they share the state directory's keys and CA and keep
every other state on a real ``redis-server`` on loopback (skipped where absent).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis

from mock_entra.testing import API_SCOPE, DAEMON_CLIENT_ID, TENANT_ID, USERS
from mock_entra.testing.sample import sample_tenant
from tests.conftest import decode, decode_header
from tests.mock_entra.served import Served, serve

pytestmark = pytest.mark.slow

OFFLINE = f"{API_SCOPE} openid offline_access"


@pytest.fixture(scope="module")
def pair(
    tmp_path_factory: pytest.TempPathFactory, redis_url: str
) -> Iterator[tuple[Served, Served]]:
    state: Path = tmp_path_factory.mktemp("two-instances")
    env = {"MOCK_ENTRA_STORE": redis_url, "MOCK_ENTRA_STORE_PREFIX": f"pair-{uuid.uuid4().hex}"}
    # One after the other: the first creates the CA and the keys the second then reads.
    with serve(state, env=env) as a, serve(state, env=env) as b:
        yield a, b
    # The state went to Redis, not to a SQLite file the two could have shared.
    assert not (state / "state.sqlite3").exists()
    keys = redis.Redis.from_url(redis_url).keys(f"{env['MOCK_ENTRA_STORE_PREFIX']}:*")
    assert keys, "nothing was stored under the instances' prefix"


def _error_codes(answer: httpx.Response) -> list[int]:
    return list(answer.json().get("error_codes", []))


def test_a_code_issued_by_one_instance_redeems_at_the_other(pair: tuple[Served, Served]) -> None:
    a, b = pair
    code, _ = a.code()
    redeemed = b.redeem(code)
    assert redeemed.status_code == 200, redeemed.text
    # The token B signed verifies with the keys A publishes: one key ring.
    token = redeemed.json()["access_token"]
    with a.client() as http:
        keys = http.get(f"/{TENANT_ID}/discovery/v2.0/keys").json()["keys"]
    assert decode_header(token)["kid"] in {k["kid"] for k in keys}


def test_a_replayed_code_is_refused_at_either_instance(pair: tuple[Served, Served]) -> None:
    a, b = pair
    code, _ = b.code()
    assert a.redeem(code).status_code == 200
    for instance in (a, b):
        replay = instance.redeem(code)
        assert replay.status_code == 400 and _error_codes(replay) == [54005], replay.text


def test_a_fault_set_through_one_instance_is_applied_by_both(pair: tuple[Served, Served]) -> None:
    a, b = pair
    with a.admin.fault(client_id=DAEMON_CLIENT_ID, effect="server_error", status=503):
        assert a.app_token().status_code == 503
        assert b.app_token().status_code == 503
    assert b.app_token().status_code == 200 and a.app_token().status_code == 200


def test_times_is_spent_once_across_instances(pair: tuple[Served, Served]) -> None:
    a, b = pair
    with b.admin.fault(client_id=DAEMON_CLIENT_ID, effect="throttle", times=3):
        statuses = [(a if i % 2 else b).app_token().status_code for i in range(8)]
    assert statuses.count(429) == 3 and statuses.count(200) == 5


def test_a_runtime_tenant_made_at_one_instance_is_served_by_the_other(
    pair: tuple[Served, Served],
) -> None:
    a, b = pair
    tenant = sample_tenant("instances")
    with a.admin.runtime_tenant(tenant) as tid:
        with b.client() as http:
            assert http.get(f"/{tid}/v2.0/.well-known/openid-configuration").status_code == 200
        assert any(t["id"] == tid for t in b.admin.call("GET", "/tenants")["tenants"])
    with b.client() as http:
        gone = http.get(f"/{tid}/v2.0/.well-known/openid-configuration")
    assert gone.status_code == 400 and _error_codes(gone) == [90002]


def test_a_clock_offset_set_at_one_instance_moves_the_others_tokens(
    pair: tuple[Served, Served],
) -> None:
    a, b = pair
    with a.admin.tenant_clock(TENANT_ID, 7200):
        answer = b.app_token()
        assert answer.status_code == 200, answer.text
        assert decode(answer.json()["access_token"])["iat"] > time.time() + 6000
        assert b.admin.call("GET", f"/tenants/{TENANT_ID}/clock")["offset_seconds"] == 7200
    assert decode(b.app_token().json()["access_token"])["iat"] < time.time()


def test_a_refresh_family_revoked_at_one_instance_is_revoked_at_the_other(
    pair: tuple[Served, Served],
) -> None:
    """Entra keeps a used refresh token good (issue 15), at either instance; Graph's
    revokeSignInSessions through one instance ends the whole family at the other."""
    a, b = pair
    code, _ = a.code(OFFLINE)
    first = a.redeem(code).json()["refresh_token"]
    rotated = b.refresh(first)
    assert rotated.status_code == 200, rotated.text
    second = rotated.json()["refresh_token"]
    reused = a.refresh(first)
    assert reused.status_code == 200, reused.text
    a.admin.revoke_sign_in_sessions(TENANT_ID, USERS["alice"][0])
    for token in (first, second):
        after = b.refresh(token)
        assert after.status_code == 400 and after.json()["error"] == "invalid_grant", after.text
        assert _error_codes(after) == [50173]
