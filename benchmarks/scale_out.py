"""Two mock instances on one Redis store against one instance with two workers on SQLite.

The same token loads (client credentials, code redemption, refresh) at 8 connections:
on SQLite they go to one ``serve --workers 2``; on Redis, half of the connections go to
each of two ``serve --workers 1`` processes that share the state directory's keys and
CA and keep the rest of the state on a ``redis-server`` on loopback (the row is
skipped with a message where Redis is absent). On one machine this measures what the
shared store costs, not what a second machine adds.
"""

from __future__ import annotations

import tempfile
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from benchmarks.mock_bench import make_codes, measured, scenarios, session_cookie
from benchmarks.servers import served_mock
from mock_entra.testing.redis_server import RedisUnavailable, redis_server

TOKEN_LOADS = ("client credentials", "auth code redemption", "refresh (rotating)")


def _rows(
    label: str, mocks: list[Any], seconds: float, code_count: int, workers: int
) -> list[dict[str, Any]]:
    first = mocks[0]
    codes = make_codes(first, session_cookie(first), code_count + 9)
    rows = []
    for name, spec in scenarios(first, seconds, codes).items():
        if name not in TOKEN_LOADS:
            continue
        full = {**spec, "urls": [m.base_url for m in mocks], "url": first.base_url,
                "ca": first.ca, "balance": 2}  # fmt: skip
        rows.append(measured(f"{label} {name}", full, [m.proc.pid for m in mocks], workers))
    return rows


def run_scale_out_benchmarks(seconds: float, code_count: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    with served_mock(workers=2) as mock:
        rows += _rows("SQLite, 1 instance ×2 workers:", [mock], seconds, code_count, 2)
    state = Path(tempfile.mkdtemp(prefix="bench-redis-"))
    try:
        with ExitStack() as stack:
            url = stack.enter_context(redis_server(state / "redis"))
            # One after the other: the first creates the CA and keys the second reads.
            mocks = [
                stack.enter_context(served_mock(workers=1, state_dir=state, MOCK_ENTRA_STORE=url))
                for _ in range(2)
            ]
            rows += _rows("Redis, 2 instances ×1 worker:", mocks, seconds, code_count, 2)
    except RedisUnavailable as exc:
        rows.append({"benchmark": "Redis, 2 instances ×1 worker", "skipped": str(exc)})
    return rows
