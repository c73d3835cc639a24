"""The issue-14 goals as ratios of one run (absolute numbers drift on a shared machine).

Each goal names the rows it compares; the verdict goes on the mock's row and a
one-line summary per goal is printed under the table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

BARE = "bare signing app (granian)"
BARE_UVICORN = "bare signing app (uvicorn)"
# A code or refresh answer carries an access and an ID token: two signatures.
BARE_TWO = "bare signing app, two tokens (granian)"
NPM_HTTP = "npm oauth2-mock-server client credentials (HTTP)"


@dataclass(frozen=True)
class Ratio:
    """``row`` (at ``workers``) against ``base``: at least ``minimum`` times its rate."""

    row: str
    base: str
    minimum: float
    workers: int | None = 2


@dataclass(frozen=True)
class Bound:
    """``row`` (at ``workers``) has ``field`` on the right side of ``limit``."""

    row: str
    field: str
    limit: float
    check: Callable[[float, float], bool]
    text: str
    workers: int | None = 2


RATIOS = (
    Ratio("mock client credentials", BARE, 0.8),
    Ratio("mock client credentials", BARE_UVICORN, 0.8),
    Ratio("mock client credentials (HTTP)", NPM_HTTP, 1.5),
    Ratio("mock client credentials", NPM_HTTP, 1.5),
    Ratio("mock on-behalf-of", BARE, 0.7),
    Ratio("mock auth code redemption", BARE, 0.7),
    Ratio("mock refresh (rotating)", BARE, 0.7),
    Ratio("mock auth code redemption", BARE_TWO, 0.7),
    Ratio("mock refresh (rotating)", BARE_TWO, 0.7),
)
BOUNDS = (
    Bound("mock discovery", "rps", 10_000, lambda v, lim: v >= lim, "≥ 10,000/s"),
    Bound("mock JWKS", "rps", 10_000, lambda v, lim: v >= lim, "≥ 10,000/s"),
    Bound("mock client credentials", "p99_ms", 10, lambda v, lim: v < lim, "p99 < 10 ms"),
    *(
        Bound(
            f"mock-entra serve --workers 2 → first answer ({start})",
            "seconds",
            1.0,
            lambda v, lim: v < lim,
            "< 1 s",
            None,
        )
        for start in ("warm", "cold")
    ),
)


def _find(rows: list[dict[str, Any]], name: str, workers: int | None) -> dict[str, Any] | None:
    for row in rows:
        if row["benchmark"] == name and (workers is None or row.get("workers") == workers):
            return row if not row.get("skipped") else None
    return None


def _mark(row: dict[str, Any], target: str, met: bool, detail: str) -> None:
    verdict = f"{'met' if met else 'MISSED'} ({detail})"
    row["target"] = "; ".join(filter(None, [row.get("target"), target]))
    row["verdict"] = "; ".join(filter(None, [row.get("verdict"), verdict]))


def _side_by_side(rows: list[dict[str, Any]], goal: Ratio) -> dict[str, Any] | None:
    """The goal's pair measured in alternating rounds (``benchmarks.interleaved``), if it was."""
    return next(
        (r for r in rows if r.get("pair") == [goal.row, goal.base] and r.get("ratio")), None
    )


def judge_ratios(rows: list[dict[str, Any]]) -> list[str]:
    """Verdicts on the rows; the summary lines (a goal whose rows are missing says so).

    A pair measured side by side is judged by the median of its rounds; otherwise by
    the two sequential rows (which the rest of the machine's load can move apart).
    """
    lines = []
    for goal in RATIOS:
        row, base = _find(rows, goal.row, goal.workers), _find(rows, goal.base, None)
        label = f"{goal.row} ≥ {goal.minimum:g}× {goal.base}"
        side = _side_by_side(rows, goal)
        if side is not None:
            ratio = side["ratio"]
            _mark(side, f"≥ {goal.minimum:g}×", ratio >= goal.minimum, f"median {ratio:.2f}×")
            lines.append(f"{label}: {ratio:.2f}× (median side by side, {side['detail']})")
            continue
        if row is None or base is None or not base.get("rps"):
            lines.append(f"{label}: not measured in this run")
            continue
        ratio = row["rps"] / base["rps"]
        _mark(row, f"≥ {goal.minimum:g}× {goal.base}", ratio >= goal.minimum, f"{ratio:.2f}×")
        lines.append(f"{label}: {ratio:.2f}× ({row['rps']:,.0f} vs {base['rps']:,.0f}/s)")
    for bound in BOUNDS:
        row = _find(rows, bound.row, bound.workers)
        if row is None or row.get(bound.field) is None:
            lines.append(f"{bound.row} {bound.text}: not measured in this run")
            continue
        value = float(row[bound.field])
        met = bound.check(value, bound.limit)
        _mark(row, bound.text, met, f"{value:,.2f}")
        lines.append(f"{bound.row} {bound.text}: {value:,.2f} {'met' if met else 'MISSED'}")
    return lines
