"""Every scenario of the catalog (:mod:`mock_entra.scenarios`) against the lab, one test
each (its id is the scenario id), so the catalog runs inside ``make test``."""

from __future__ import annotations

import os

import pytest

from mock_entra.scenarios.runner import ScenarioFailed, not_applicable, run_scenario
from mock_entra.scenarios.schema import Scenario, load_catalog
from mock_entra.scenarios.stack import Unsupported
from scenarios.lab import shared_stack

SCENARIOS = load_catalog()


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_scenario(scenario: Scenario) -> None:
    target = os.environ.get("SCENARIOS_TARGET", "inprocess")
    why = not_applicable(scenario, shared_stack(), target)
    if why is not None:
        pytest.skip(why)
    failure = None
    try:
        run_scenario(shared_stack(), scenario)
    except Unsupported as exc:
        pytest.skip(f"target {target}: {exc}")
    except ScenarioFailed as exc:
        failure = str(exc)
    if failure is not None:  # the failed checks alone, not a traceback of the runner
        pytest.fail(failure, pytrace=False)
