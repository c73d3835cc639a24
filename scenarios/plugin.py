"""pytest plugin: every ``scenarios/catalog/**/*.yaml`` is a test item whose id is the
scenario id, so the catalog runs inside ``make test`` (xdist: one stack per worker).

The target comes from ``SCENARIOS_TARGET`` (``inprocess`` by default). With
``SCENARIOS_RESULTS=<file>`` each outcome is appended there as one JSON line, for
``python -m scenarios report``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scenarios.runner import ScenarioFailed, run_scenario
from scenarios.schema import Scenario, ScenarioFileError, load_scenario
from scenarios.stack import Stack, Unsupported, make_stack

CATALOG = Path(__file__).parent / "catalog"
_stack: Stack | None = None


def target() -> str:
    return os.environ.get("SCENARIOS_TARGET", "inprocess")


def shared_stack() -> Stack:
    """The worker's stack, started by the first scenario that needs it."""
    global _stack
    if _stack is None:
        _stack = make_stack(target())
    return _stack


def close_stack() -> None:
    global _stack
    if _stack is not None:
        _stack.close()
        _stack = None


class ScenarioItem(pytest.Item):
    def __init__(self, *, scenario: Scenario, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scenario = scenario
        sources = scenario.sources
        step_sources = [s.source for s in scenario.steps if s.source]
        self.user_properties += [
            ("layer", scenario.layer),
            ("env", scenario.env),
            ("title", scenario.title),
            ("sources", json.dumps(sources + [s for s in step_sources if s not in sources])),
            ("deviation", scenario.deviation or ""),
            ("target", target()),
        ]

    def runtest(self) -> None:
        if self.scenario.skip:
            pytest.skip(f"cannot be expressed: {self.scenario.skip}")
        if target() == "entra" and self.scenario.env == "mock":
            pytest.skip("needs the mock (env: mock)")
        try:
            run_scenario(shared_stack(), self.scenario)
        except Unsupported as exc:
            pytest.skip(f"target {target()}: {exc}")

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, ScenarioFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)  # type: ignore[arg-type]

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"{self.scenario.id}: {self.scenario.title}"


class ScenarioFile(pytest.File):
    def collect(self) -> Iterator[ScenarioItem]:
        try:
            scenario = load_scenario(self.path)
        except ScenarioFileError as exc:
            raise self.CollectError(str(exc)) from None
        yield ScenarioItem.from_parent(self, name=scenario.id, scenario=scenario)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> ScenarioFile | None:
    if file_path.suffix == ".yaml" and CATALOG in file_path.parents:
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    out = os.environ.get("SCENARIOS_RESULTS")
    props = dict(report.user_properties)
    # Under xdist the controller gets every worker's report too: write there only.
    if not out or "layer" not in props or os.environ.get("PYTEST_XDIST_WORKER"):
        return
    if report.when != "call" and not (report.when == "setup" and not report.passed):
        return
    reason = ""
    if report.skipped and isinstance(report.longrepr, tuple):
        reason = str(report.longrepr[2]).removeprefix("Skipped: ")
    elif report.failed:
        reason = str(report.longreprtext)[:2000]
    record = {"id": report.nodeid.rsplit("::", 1)[-1], "outcome": report.outcome,
              "duration": round(report.duration, 3), "reason": reason, **props}  # fmt: skip
    with open(out, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(record) + "\n")


def pytest_sessionfinish(session: pytest.Session) -> None:
    close_stack()
