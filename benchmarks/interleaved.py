"""The ratio goals measured side by side: the mock and its yardstick in alternating slices.

The sequential rows run a minute or more apart, and on a shared machine the rest
of the load moves in between (a ratio of two such rows swung by up to 3x from one
run to the next, README "Benchmarks"). Here every server is started once and kept
running, and each round measures the mock, then its yardstick, then the yardstick,
then the mock (A B B A), so that a drift within the round weighs on both alike. Each
goal's verdict is the median of the rounds' ratios; the table shows their range.

Code redemption spends a code per request: each of its slices gets codes made just
before it (through ``/authorize`` with an SSO session, outside the measured time).
Refresh follows one rotating chain per connection from seeds redeemed at the start
(a refresh token stays valid after use, as Entra's do without strict rotation).
"""

from __future__ import annotations

import statistics
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.bare_app import TWO_TOKENS
from benchmarks.mock_bench import (
    load,
    make_codes,
    obo_body,
    redeem,
    redeem_body,
    refresh_chain,
    session_cookie,
)
from benchmarks.peers import bare_app, npm_installed, npm_peer, token_spec
from benchmarks.ratios import BARE, BARE_TWO, BARE_UVICORN, NPM_HTTP
from benchmarks.servers import ServedMock, served_mock

SIDE_BY_SIDE = "side by side"
BARE_GET = "bare app, a small JSON GET (granian)"
CODE = "mock auth code redemption"
WARMUP = 0.5  # seconds of load before each slice's measured part
# Codes a slice may spend: more than two workers redeem in its seconds and warm-up here.
CODES_PER_SECOND = 600
# A load spec, or what makes a fresh one for each slice (the codes it spends).
Spec = dict[str, Any] | Callable[[], dict[str, Any]]


@dataclass(frozen=True)
class Pair:
    """The mock's load ``row`` against the yardstick's ``base`` (names as in the table)."""

    row: str
    base: str


@contextmanager
def _bare(server: str, state: Path) -> Iterator[dict[str, Any]]:
    with bare_app(server, state) as (url, ca, _):
        yield token_spec(url, ca, "/token", 0, balance=2)


def _redeeming(mock: ServedMock, cookie: str, cc: dict[str, Any], seconds: float) -> Spec:
    """Code redemption: each slice's codes made when it asks for its spec."""
    count = int((seconds + WARMUP) * CODES_PER_SECOND)

    def fresh() -> dict[str, Any]:
        codes = make_codes(mock, cookie, count)
        return {**cc, "body": "", "bodies": [redeem_body(c) for c in codes]}

    return fresh


def _specs(stack: ExitStack, seconds: float) -> dict[str, Spec]:
    """Every server of the pairs, started and left running; name -> load spec."""
    state = Path(tempfile.mkdtemp(prefix="bench-side-"))
    mock = stack.enter_context(served_mock(workers=2))
    token = f"/{mock.tenant_id}/oauth2/v2.0/token"
    cc = token_spec(mock.base_url, mock.ca, token, 0, balance=2)
    cookie = session_cookie(mock)
    seeds = [redeem(mock, code) for code in make_codes(mock, cookie, 9)]
    get = {"method": "GET", "headers": {}, "body": ""}
    bare = stack.enter_context(_bare("granian", state))
    specs: dict[str, Spec] = {
        "mock client credentials": cc,
        "mock on-behalf-of": {**cc, "body": obo_body(seeds[8]["access_token"])},
        "mock discovery": {**cc, **get, "path": mock.discovery.removeprefix(mock.base_url)},
        "mock JWKS": {**cc, **get, "path": f"/{mock.tenant_id}/discovery/v2.0/keys"},
        CODE: _redeeming(mock, cookie, {**cc, "seconds": seconds, "warmup": WARMUP}, seconds),
        "mock refresh (rotating)": {
            **cc,
            "body": "",
            "seeds": [seed["refresh_token"] for seed in seeds[:8]],
            "chain": refresh_chain(),
        },
        BARE: bare,
        BARE_TWO: {**bare, "path": TWO_TOKENS},
        BARE_GET: {**bare, **get, "path": "/ready"},
        BARE_UVICORN: stack.enter_context(_bare("uvicorn", state)),
    }
    plain = stack.enter_context(served_mock(workers=2, tls=False))
    specs["mock client credentials (HTTP)"] = token_spec(
        plain.base_url, None, f"/{plain.tenant_id}/oauth2/v2.0/token", 0, balance=2
    )
    if npm_installed() is None:
        url, _, _ = stack.enter_context(npm_peer(None))
        specs[NPM_HTTP] = token_spec(url, None, "/token", 0, balance=0)
    timed = {"seconds": seconds, "warmup": WARMUP}
    return {k: v if callable(v) else {**v, **timed} for k, v in specs.items()}


PAIRS = (
    Pair("mock client credentials", BARE),
    Pair("mock client credentials", BARE_UVICORN),
    Pair("mock client credentials (HTTP)", NPM_HTTP),
    Pair("mock client credentials", NPM_HTTP),
    Pair("mock on-behalf-of", BARE),
    Pair(CODE, BARE_TWO),
    Pair("mock refresh (rotating)", BARE_TWO),
    # No goal: the ceiling of a GET on this server, TLS and machine, against which
    # the 10,000/s discovery goal can be read.
    Pair("mock discovery", BARE_GET),
    Pair("mock JWKS", BARE_GET),
)


def _rate(spec: Spec) -> float:
    """Answers per second; a failed answer makes the whole comparison void."""
    spec = spec() if callable(spec) else spec
    result = load(spec)
    wrong = {k: v for k, v in result["statuses"].items() if k != "200"}
    if wrong or result["errors"] or not result["ok"]:
        raise RuntimeError(f"{spec['path']}: {wrong or result['errors']} {result['samples'][:1]}")
    return float(result["rps"])


def _round(specs: dict[str, Spec], pair: Pair) -> tuple[float, float]:
    """One A B B A round: (the mock's rate, the yardstick's), each the mean of its two."""
    a1 = _rate(specs[pair.row])
    b1 = _rate(specs[pair.base])
    b2 = _rate(specs[pair.base])
    a2 = _rate(specs[pair.row])
    return (a1 + a2) / 2, (b1 + b2) / 2


def run_side_by_side(seconds: float, rounds: int) -> list[dict[str, Any]]:
    """One row per pair: the median ratio of ``rounds`` rounds, and their range."""
    rows: list[dict[str, Any]] = []
    with ExitStack() as stack:
        specs = _specs(stack, seconds)
        for pair in PAIRS:
            name = f"{SIDE_BY_SIDE}: {pair.row} ÷ {pair.base}"
            if pair.base not in specs:
                rows.append({"benchmark": name, "skipped": npm_installed() or "not served"})
                continue
            rates = [_round(specs, pair) for _ in range(rounds)]
            ratios = sorted(ours / base for ours, base in rates if base)
            rows.append(
                {
                    "benchmark": name,
                    "workers": 2,
                    "pair": [pair.row, pair.base],
                    "ratio": statistics.median(ratios),
                    "ratios": [round(r, 3) for r in ratios],
                    "rates": [[round(a), round(b)] for a, b in rates],
                    "detail": f"{len(ratios)} rounds, {ratios[0]:.2f}–{ratios[-1]:.2f}×",
                }
            )
    return rows
