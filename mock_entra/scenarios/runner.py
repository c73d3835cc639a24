"""Run one scenario against a stack: set up its world, take its steps, check, undo.

The runner only drives. What the steps act on is the :class:`~mock_entra.scenarios.world.World`
(the scenario's tenant, backend, frontend, saved names, attacker site); what each
step does is its own class (:mod:`mock_entra.scenarios.steps`); what an answer must be is
checked by :mod:`mock_entra.scenarios.expectations`. The world is closed when the scenario
ends, pass or fail, which removes everything it set up.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import yaml

from mock_entra.scenarios.applies import missing
from mock_entra.scenarios.expectations import check, sample
from mock_entra.scenarios.schema import Scenario, Setup, Step
from mock_entra.scenarios.stack import Stack
from mock_entra.scenarios.world import World


class ScenarioFailed(AssertionError):
    """An expectation did not hold; the message names the step and every failed check."""


@cache
def _default_tenant_text() -> str:
    return resources.files("mock_entra").joinpath("default_tenant.yaml").read_text()


def default_tenant_entry() -> dict[str, Any]:
    """The shipped default tenant as the admin API takes it (JSON: dates become strings)."""
    data = json.loads(json.dumps(yaml.safe_load(_default_tenant_text()), default=str))
    return dict(data["tenants"][0])


def set_up(world: World, setup: Setup) -> None:
    """The scenario's own tenant (a patched clone of the default one), backend, faults, clock."""
    tenant = setup.tenant.patched(default_tenant_entry()) if setup.tenant is not None else None
    world.set_up(tenant, setup.backend)
    for fault in setup.faults:
        world.add_fault(fault)
    if setup.clock_offset:
        world.move_clock(setup.clock_offset)


def take_step(world: World, scenario: Scenario, index: int, written: Step) -> None:
    """Resolve the step's references, run it, and check its answer (ScenarioFailed)."""
    if "${attacker" in json.dumps(written.written(), default=str):
        world.attacker()  # started before resolving, so ``${attacker}`` has its URL
    step = written.resolved(world.values)
    expect = step.expect
    if expect is not None and step.calls_the_api:
        expect = world.stack.fit(expect)  # the row's answer in the target's terms
    before = sample(world, expect) if expect is not None else {}
    obs = step.run(world)
    if expect is None:
        return
    failures = check(obs, expect, world, before)
    if failures:
        where = f"step {index + 1} ({step.key})"
        raise ScenarioFailed(f"{scenario.id} {where}:\n  " + "\n  ".join(failures))


def not_applicable(scenario: Scenario, stack: Stack, target: str) -> str | None:
    """Why ``scenario`` does not run on this target, or None when it does."""
    if scenario.skip:
        return f"cannot be expressed: {scenario.skip}"
    if target == "entra" and scenario.env == "mock":
        return "needs the mock (env: mock)"
    return missing(scenario, stack.provides)


def run_scenario(stack: Stack, scenario: Scenario) -> list[str]:
    """Run ``scenario``; what the API answered (status and challenge, in order).

    Raises ScenarioFailed, or Unsupported when the target cannot do a step.
    """
    with World(stack, scenario.id, frontend=scenario.setup.frontend) as world:
        set_up(world, scenario.setup)
        for index, step in enumerate(scenario.steps):
            take_step(world, scenario, index, step)
        return world.answers
