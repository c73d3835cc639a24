"""Run one scenario against a stack: set up its scoped world, take its steps, check, undo.

Isolation (ARCHITECTURE: "faults are scoped, no global switch"): a scenario with
``setup.tenant`` gets a runtime tenant cloned from the default one under a fresh id,
and every fault, clock move and key rotation it makes is scoped to that tenant;
``setup.backend`` / ``setup.frontend`` start instances for this scenario only. All of
it is removed when the scenario ends, pass or fail.
"""

from __future__ import annotations

import contextlib
import copy
import json
import re
import time
import uuid
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml
from cryptography.hazmat.primitives.asymmetric import rsa

from entra_kit.issuers import issuer_v1
from entra_kit.shipped_tenant import OTHER_TENANT_ID
from scenarios import flows
from scenarios.attacker import AttackerSite
from scenarios.calls import perform_call
from scenarios.expectations import check
from scenarios.mutations import public_jwk
from scenarios.observation import Observation
from scenarios.schema import Expect, Scenario, Step
from scenarios.stack import BackendHandle, Stack, Unsupported
from scenarios.steps import STEPS
from scenarios.values import Values

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class ScenarioFailed(AssertionError):
    """An expectation did not hold; the message names the step and every failed check."""


@cache
def _attacker_key() -> rsa.RSAPrivateKey:
    # One per process: generating RSA keys is slow, and the key only has to be unpublished.
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def default_tenant_entry() -> dict[str, Any]:
    text = resources.files("mock_entra").joinpath("default_tenant.yaml").read_text()
    # Round-trip through JSON: the admin API takes JSON (dates become strings).
    data = json.loads(json.dumps(yaml.safe_load(text), default=str))
    return dict(data["tenants"][0])


def apply_patch(tenant: dict[str, Any], ops: list[Any]) -> dict[str, Any]:
    out = copy.deepcopy(tenant)
    for op in ops:
        *parents, last = op.path.split(".")
        node: Any = out
        for part in parents:
            node = node.setdefault(part, {})
        if op.op == "set":
            node[last] = op.value
        elif op.op == "append":
            node.setdefault(last, []).append(op.value)
        else:  # remove: the key, or the list items matching ``where``
            if op.where is None:
                node.pop(last, None)
            else:
                node[last] = [
                    item for item in node.get(last, [])
                    if not all(item.get(k) == v for k, v in op.where.items())
                ]  # fmt: skip
    return out


@dataclass
class ScenarioRun:
    stack: Stack
    scenario: Scenario
    values: Values = field(init=False)
    tenant: str = field(init=False)
    backend: BackendHandle = field(init=False)
    _exit: ExitStack = field(default_factory=ExitStack)
    _own_tenant: bool = False
    _clock: float = 0.0
    _frontend: Any = None
    _browsers: dict[str, Any] = field(default_factory=dict)
    _attacker: AttackerSite | None = None
    _last_browser: str = "browser"
    _started: float = field(default_factory=time.time)

    # -- KeySource for mutations -----------------------------------------------------
    def trusted_key(self, tenant: str | None = None) -> tuple[str, rsa.RSAPrivateKey]:
        return self.stack.trusted_key(tenant or self.tenant)

    def attacker_key(self) -> rsa.RSAPrivateKey:
        return _attacker_key()

    def jwks(self) -> dict[str, Any]:
        with self.stack.http() as client:
            answer: dict[str, Any] = client.get(f"/{self.tenant}/discovery/v2.0/keys").json()
        return answer

    @property
    def keys(self) -> ScenarioRun:
        return self

    # -- set-up and tear-down ----------------------------------------------------------
    def setup(self) -> None:
        setup = self.scenario.setup
        self.tenant = self.stack.tenant_id
        if setup.tenant is not None:
            self._create_tenant(setup.tenant.patch)
        self.backend = self.stack.backend
        if setup.backend is not None or self._own_tenant:
            values = {"entra_tenant_id": self.tenant, **(setup.backend or {})}
            self.backend = self._exit.enter_context(self.stack.own_backend(values))
        self.values = Values(self._fixed())
        for fault in setup.faults:
            self.add_fault(fault)
        if setup.clock_offset:
            self.move_clock(setup.clock_offset)

    def _create_tenant(self, patch: list[Any]) -> None:
        tid = str(uuid.uuid4())
        body = apply_patch(default_tenant_entry(), patch)
        body.update(id=tid, domain=f"scn-{tid[:8]}.onmicrosoft.com", display_name=self.scenario.id)
        self.stack.admin("PUT", f"/tenants/{tid}", json=body)
        self._exit.callback(self._quietly, "DELETE", f"/tenants/{tid}")
        self.tenant, self._own_tenant = tid, True

    def _quietly(self, method: str, path: str) -> None:
        # Already gone (used up, expired): nothing to undo.
        with contextlib.suppress(RuntimeError, Unsupported):
            self.stack.admin(method, path)

    def _fixed(self) -> dict[str, Any]:
        mock = self.stack.mock_url
        return {
            "tenant": self.tenant, "other_tenant": OTHER_TENANT_ID, "mock": mock,
            "authority": f"{mock}/{self.tenant}",
            "issuer_v1": issuer_v1(self.tenant),
            "issuer_v2": f"{mock}/{self.tenant}/v2.0",
            "web_client_id": flows.WEB_CLIENT_ID, "web_secret": flows.WEB_CLIENT_SECRET,
            "web_redirect": flows.WEB_REDIRECT_URI, "api_client_id": flows.API_CLIENT_ID,
            "api_app_id_uri": f"api://{flows.API_CLIENT_ID}", "api_scope": flows.API_SCOPE,
            "api_secret": flows.API_SECRET, "daemon_client_id": flows.DAEMON_CLIENT_ID,
            "daemon_secret": flows.DAEMON_SECRET, "backend": self.backend.base_url,
            "mcp_url": self.backend.mcp_url, "prm_url": self.backend.prm_url,
        }  # fmt: skip

    def add_fault(self, spec: dict[str, Any]) -> None:
        if not self._own_tenant:
            raise ValueError("faults need setup.tenant (scoped to the scenario's own tenant)")
        body = {**self.values.resolve(spec), "tenant": self.tenant}
        created = self.stack.admin("POST", "/faults", json=body).json()
        self._exit.callback(self._quietly, "DELETE", f"/faults/{created['id']}")

    def move_clock(self, seconds: float) -> None:
        if not self._own_tenant:
            raise ValueError("clock moves need setup.tenant (the clock is per tenant)")
        self._clock += seconds
        self.stack.admin(
            "PUT", f"/tenants/{self.tenant}/clock", json={"offset_seconds": self._clock}
        )

    def close(self) -> None:
        if self._attacker is not None:
            self._attacker.close()
        self._exit.close()

    # -- frontend ------------------------------------------------------------------------
    def browser(self, name: str) -> Any:
        if self._frontend is None:
            values = {"entra_tenant_id": self.tenant, "backend_url": self.backend.base_url}
            self._frontend = self.stack.frontend_app(
                {**values, **(self.scenario.setup.frontend or {})}
            )
        if name not in self._browsers:
            self._browsers[name] = self._frontend.test_client()
        self._last_browser = name  # ``signed_in`` checks the browser the step used
        return self._browsers[name]

    def csrf(self, client: Any) -> str:
        """The session's CSRF token, read from a page as a browser would."""
        page = client.get("/chat").get_data(as_text=True)
        found = _CSRF.search(page)
        return found.group(1) if found else ""

    def signed_in(self) -> bool:
        client = self.browser(self._last_browser)
        with client.session_transaction() as session:
            return bool(session.get("_logged_in_user"))

    # -- side channels --------------------------------------------------------------------
    def attacker(self) -> AttackerSite:
        if self._attacker is None:
            self._attacker = AttackerSite({"keys": [public_jwk(_attacker_key(), "attacker")]})
            self.values.save("attacker", self._attacker.url)
        return self._attacker

    def attacker_hits(self) -> int:
        return len(self._attacker.hits) if self._attacker else 0

    def _state(self) -> Any:
        if self.backend.state is None:
            raise Unsupported("this check reads the backend's internals (in-process target only)")
        return self.backend.state

    def jwks_fetches(self) -> int:
        return int(self._state().keys.fetch_count)

    def downstream_received(self, service: str) -> list[str]:
        return list(self._state().fakes[service].received)

    def idp_requests(self, endpoint: str, grant_type: str | None, since: float) -> int:
        log = self.stack.admin("GET", "/requests", params={"tenant": self.tenant, "limit": 1000})
        return sum(
            1 for entry in log.json()["requests"]
            if entry["endpoint"] == endpoint and entry["time"] >= since
            and (grant_type is None or entry["grant_type"] == grant_type)
        )  # fmt: skip

    def _counters(self, expect: Expect | None) -> dict[str, Any]:
        if expect is None:
            return {}
        counters: dict[str, Any] = {"attacker": self.attacker_hits(), "idp_since": time.time() - 1}
        if expect.jwks_refreshes_at_most is not None:
            counters["jwks"] = self.jwks_fetches()
        for want in expect.downstream:
            counters[want.service] = len(self.downstream_received(want.service))
        return counters

    # -- the steps ---------------------------------------------------------------------------
    def run_step(self, index: int, step: Step) -> None:
        raw = getattr(step, step.action)
        if "${attacker" in json.dumps(raw, default=str):
            self.attacker()
        spec = self.values.resolve(raw)
        expect = None
        if step.expect is not None:
            unresolved = step.expect.model_dump(exclude_unset=True, by_alias=True)
            expect = Expect.model_validate(self.values.resolve(unresolved))
        counters = self._counters(expect)
        if step.action == "call":
            obs: Observation = perform_call(self, spec)
        else:
            obs = STEPS[step.action](self, spec, expect is not None)
        if expect is None:
            return
        obs.counters = counters
        failures = check(obs, expect, self)
        if failures:
            where = f"step {index + 1} ({step.action})"
            raise ScenarioFailed(f"{self.scenario.id} {where}:\n  " + "\n  ".join(failures))


def run_scenario(stack: Stack, scenario: Scenario) -> None:
    """Run ``scenario``; raises ScenarioFailed, or Unsupported when the target cannot."""
    run = ScenarioRun(stack, scenario)
    try:
        run.setup()
        for index, step in enumerate(scenario.steps):
            run.run_step(index, step)
    finally:
        run.close()
