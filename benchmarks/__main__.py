"""``make bench``: every benchmark, a table on stdout, Markdown + JSON in bench-results/.

``python -m benchmarks [--seconds S] [--codes N] [--rounds R] [--side-seconds S]
[--only mock,peers,side,scaleout,backend,startup,scenarios]``

The mock's figures are judged as ratios of yardsticks measured in the same run
(:mod:`benchmarks.ratios`): the bare signing app, the npm peer; where a pair was
measured side by side in alternating rounds (:mod:`benchmarks.interleaved`), by
the median of those rounds.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from benchmarks.ratios import judge_ratios
from benchmarks.report import machine, table, write


def judge(rows: list[dict[str, Any]]) -> list[str]:
    lines = judge_ratios(rows)
    ours = next((r for r in rows if "our verifier" in r["benchmark"]), None)
    stock = next((r for r in rows if "stock" in r["benchmark"]), None)
    if ours and stock:
        ratio = ours["rps"] / stock["rps"] if stock["rps"] else 0.0
        ours["target"] = "≥ 90% of stock"
        ours["verdict"] = f"{'met' if ratio >= 0.9 else 'MISSED'} ({ratio:.0%})"
        for row in (ours, stock):
            row["target"] = (row.get("target", "") + " · JWKS 0/1k").lstrip(" ·")
            ok = row.get("jwks_per_1000") == 0
            row["verdict"] = row.get("verdict", "") + (" · JWKS met" if ok else " · JWKS MISSED")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="measured seconds per load")
    parser.add_argument("--codes", type=int, default=6000, help="auth codes made beforehand")
    parser.add_argument("--rounds", type=int, default=5, help="side-by-side rounds per pair")
    parser.add_argument("--side-seconds", type=float, default=3.0, help="per side-by-side slice")
    parser.add_argument("--only", default="mock,peers,side,scaleout,backend,startup,scenarios")
    parser.add_argument("--out", type=Path, default=Path("bench-results"))
    args = parser.parse_args(argv)
    parts = set(args.only.split(","))
    rows: list[dict[str, Any]] = []
    info = machine()
    print(
        f"{info['cpu']}, {info['cores']} cores, {info['memory_gb']} GB, Python {info['python']}",
        flush=True,
    )
    if "startup" in parts:
        from benchmarks.startup import mock_ready, stack_ready

        rows += mock_ready()
        rows.append(stack_ready())
    if "mock" in parts:
        from benchmarks.mock_bench import run_mock_benchmarks

        for workers in (1, 2):
            print(f"mock, {workers} worker(s)…", flush=True)
            rows += run_mock_benchmarks(workers, args.seconds, args.codes)
    if "peers" in parts:
        from benchmarks.peers import run_peer_benchmarks

        print("yardsticks: bare signing app, npm peer, the mock over HTTP…", flush=True)
        rows += run_peer_benchmarks(args.seconds)
    if "side" in parts:
        from benchmarks.interleaved import run_side_by_side

        print("side by side: the mock and its yardsticks in alternating rounds…", flush=True)
        rows += run_side_by_side(args.side_seconds, args.rounds)
    if "scaleout" in parts:
        from benchmarks.scale_out import run_scale_out_benchmarks

        print("two instances on Redis vs one with two workers on SQLite…", flush=True)
        rows += run_scale_out_benchmarks(args.seconds, args.codes)
    if "backend" in parts:
        from benchmarks.backend_bench import run_backend_benchmarks

        print("backend, our verifier vs stock…", flush=True)
        rows += run_backend_benchmarks(args.seconds)
    if "scenarios" in parts:
        from benchmarks.startup import scenario_suite

        print("scenario suite…", flush=True)
        rows.append(scenario_suite())
    summary = judge(rows)
    print(table(rows))
    print("\n" + "\n".join(summary))
    path = write(rows, info, args.out)
    print(f"\nwritten: {path} (and .json)")
    failures = [r for r in rows if r.get("errors") or r.get("non_ok")]
    for r in failures:
        print(
            f"errors in {r['benchmark']}: {r.get('non_ok')} {r.get('errors')} {r.get('samples')}",
            file=sys.stderr,
        )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
