"""Each worker keeps its own copy of faults, runtime tenants and clocks (``admin.shared``),
and sees a change made through any other worker on its next request.

Two ``Context``s on one state directory stand for two worker processes.
"""

from __future__ import annotations

from pathlib import Path

from mock_entra.admin.controls import AdminControls
from mock_entra.admin.faults import RESPONSE_EFFECTS, parse_fault
from mock_entra.admin.request_scope import RequestScope
from mock_entra.context import Context
from mock_entra.settings import MockSettings
from mock_entra.tenant import load_directory
from mock_entra.testing import DAEMON_CLIENT_ID, TENANT_ID
from mock_entra.testing.sample import sample_tenant


def _worker(state: Path) -> AdminControls:
    return AdminControls.install(Context.create(MockSettings(state_dir=state), load_directory()))


def _token_request() -> RequestScope:
    return RequestScope("token", tenant_id=TENANT_ID, client_id=DAEMON_CLIENT_ID)


def test_a_change_through_one_worker_is_seen_by_the_other(tmp_path: Path) -> None:
    one, other = _worker(tmp_path), _worker(tmp_path)
    assert other.faults.first(_token_request(), RESPONSE_EFFECTS) is None
    fault = one.faults.create(parse_fault({"client_id": DAEMON_CLIENT_ID, "effect": "html"}))
    one.clock_offsets.set(TENANT_ID, 600)
    tenant = sample_tenant("shared")
    one.runtime.put(tenant["id"], tenant)

    seen = other.faults.first(_token_request(), RESPONSE_EFFECTS)
    assert seen is not None and seen["id"] == fault["id"]
    assert other.clock_offsets.get(TENANT_ID) == 600
    assert other.ctx.tenant(tenant["domain"]).id == tenant["id"]

    one.faults.delete(fault["id"])
    one.runtime.delete(tenant["id"])
    assert other.faults.first(_token_request(), RESPONSE_EFFECTS) is None
    assert other.runtime_tenant(tenant["id"]) is None


def test_one_request_sees_one_state_and_costs_one_counter_read(tmp_path: Path) -> None:
    one, other = _worker(tmp_path), _worker(tmp_path)
    with other.shared.pinned() as state:
        one.clock_offsets.set(TENANT_ID, 60)  # a change while the request runs
        assert other.clock_offsets.get(TENANT_ID) == 0.0
        assert other.shared.current() is state
    assert other.clock_offsets.get(TENANT_ID) == 60
