"""``mock-entra scenarios TARGET``: the security catalog against your API.

TARGET is a target description (:mod:`mock_entra.scenarios.target`). The rows run one
after another in this process (no pytest, no pytest-xdist); each row's line says its
outcome and why: the status and challenge your API answered, the check that failed,
or why the row does not apply to this target. ``junit.xml``, ``results.jsonl``,
``matrix.md`` and ``matrix.html`` go to ``--out``. Exit status: 0 when every row that
ran passed, 1 when one failed (or none reached the API), 2 for a bad invocation.
"""

from __future__ import annotations

import argparse
import fnmatch
import sys
from collections.abc import Sequence
from pathlib import Path

from mock_entra.scenarios.api_stack import ApiStack
from mock_entra.scenarios.report import MARK, Row, first_line, run_all, terminal, write
from mock_entra.scenarios.runner import not_applicable
from mock_entra.scenarios.schema import Scenario, ScenarioFileError, load_catalog
from mock_entra.scenarios.target import TargetDescription, TargetFileError, load_target
from mock_entra.state_location import StateNotFound


def select(scenarios: Sequence[Scenario], patterns: Sequence[str]) -> list[Scenario]:
    """The scenarios whose id or row matches a pattern (``D13``, ``D4-*``, ``D1-no-token``)."""
    if not patterns:
        return list(scenarios)
    return [
        s for s in scenarios
        if any(fnmatch.fnmatchcase(s.id, p) or s.row == p for p in patterns)
    ]  # fmt: skip


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("target", type=Path, help="the target description (YAML)")
    parser.add_argument("--select", "-k", action="append", default=[], metavar="PATTERN",
                        help="only these rows or ids (D13, D4-*, D1-no-token); repeatable")  # fmt: skip
    parser.add_argument("--out", type=Path, default=Path("test-artifacts/scenarios"))
    parser.add_argument("--list", action="store_true", help="list the rows that apply; run none")


def _progress(row: Row) -> None:
    print(f"{row.id:<40}  {MARK[row.outcome]:<5}  {first_line(row) or row.answer[:100]}",
          flush=True)  # fmt: skip


def run_target(target: TargetDescription, scenarios: list[Scenario], quiet: bool) -> list[Row]:
    """Every selected row against each protected request of ``target``."""
    rows: list[Row] = []
    for request in target.requests:
        stack = ApiStack(target, request)
        down = stack.unreachable()
        if down is not None:
            raise TargetFileError(down)
        several = len(target.requests) > 1 and target.mcp is None
        for row in run_all(stack, scenarios, stack.label, None if quiet else _progress):
            if several:
                row.id = f"{row.id} [{request.label}]"
            rows.append(row)
    return rows


def summary(rows: list[Row], requests: int = 1) -> str:
    """``N of M rows reached the API ...``: rows, not runs (a row runs once per request)."""

    def row(r: Row) -> str:
        return r.id.split(" [", 1)[0]

    every = {row(r) for r in rows}
    ran = {row(r) for r in rows if r.outcome != "skipped"}
    failed = {row(r) for r in rows if r.outcome == "failed"}
    each = f" (each on {requests} requests)" if requests > 1 else ""
    return (f"{len(ran)} of {len(every)} rows reached the API{each}: {len(ran - failed)} passed, "
            f"{len(failed)} failed; {len(every - ran)} do not apply to this target")  # fmt: skip


def main(args: argparse.Namespace) -> int:
    try:
        target = load_target(args.target)
        scenarios = select(load_catalog(), args.select)
        if not scenarios:
            print(f"mock-entra scenarios: no row matches --select {' '.join(args.select)}",
                  file=sys.stderr)  # fmt: skip
            return 2
        if args.list:
            probe = ApiStack(target)
            for s in scenarios:
                why = not_applicable(s, probe, probe.label)
                print(f"{s.id:<40}  {'runs' if why is None else 'n/a: ' + why}")
            return 0
        rows = run_target(target, scenarios, quiet=False)
    except (TargetFileError, ScenarioFileError, StateNotFound, ValueError) as exc:
        print(f"mock-entra scenarios: {exc}", file=sys.stderr)
        return 2
    written = write(rows, args.out, str(args.target))
    if len(target.requests) > 1:
        print(terminal(rows))
    print(summary(rows, 1 if target.mcp else len(target.requests)))
    print("written: " + ", ".join(str(p) for p in written))
    reached = [r for r in rows if r.outcome != "skipped"]
    return 1 if not reached or any(r.outcome == "failed" for r in reached) else 0


def cli(argv: Sequence[str] | None = None) -> int:
    """``python -m mock_entra.scenarios TARGET`` (also ``mock-entra scenarios TARGET``)."""
    parser = argparse.ArgumentParser(prog="mock-entra scenarios", description=__doc__)
    add_arguments(parser)
    return main(parser.parse_args(argv))
