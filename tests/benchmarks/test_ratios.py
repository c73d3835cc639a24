"""The goal verdicts (``benchmarks.ratios``): side-by-side medians win over sequential rows."""

from __future__ import annotations

from typing import Any

from benchmarks.ratios import BARE, judge_ratios

CC = "mock client credentials"


def _rows(side_ratio: float | None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [
        {"benchmark": CC, "workers": 2, "rps": 500.0},
        {"benchmark": BARE, "workers": 2, "rps": 1000.0},
    ]
    if side_ratio is not None:
        rows.append(
            {"benchmark": f"side by side: {CC} ÷ {BARE}", "pair": [CC, BARE],
             "ratio": side_ratio, "detail": "5 rounds, 0.78–0.90×"}
        )  # fmt: skip
    return rows


def test_sequential_rows_are_judged_by_their_rates() -> None:
    rows = _rows(None)
    line = next(x for x in judge_ratios(rows) if x.startswith(f"{CC} ≥ 0.8× {BARE}"))
    assert "0.50×" in line
    assert rows[0]["verdict"].startswith("MISSED (0.50×)")


def test_a_pair_measured_side_by_side_is_judged_by_its_median() -> None:
    rows = _rows(0.84)
    line = next(x for x in judge_ratios(rows) if x.startswith(f"{CC} ≥ 0.8× {BARE}"))
    assert "0.84× (median side by side, 5 rounds, 0.78–0.90×)" in line
    assert rows[2]["verdict"] == "met (median 0.84×)"
    assert "0.8× bare" not in rows[0].get("target", "")  # the sequential row is not judged
