"""A small, cheap HTTP/1.1 load generator: raw asyncio streams over TLS, keep-alive.

It runs in its own process (``python -m benchmarks.loadgen`` reads a JSON spec on
stdin and prints a JSON result), so its CPU time is the OS's to schedule, not the
server's event loop's. Parsing is the minimum HTTP/1.1 needs (status line,
``content-length`` or chunked bodies); on a 2-core machine every microsecond the
client spends is one the server does not get.

Spec keys: ``url`` (base, https or http), ``ca`` (CA bundle for https), ``method``,
``path``, ``headers`` (dict), ``body`` (str) or ``bodies`` (list, one per request,
used once each), ``chain`` (a body template with ``{rt}`` and ``seeds``: each
connection feeds the ``refresh_token`` of an answer into its next request),
``connection_headers`` (a list, one dict per connection), ``connections``, ``seconds``, ``warmup``, ``expect`` (status), ``collect_location``,
``urls`` (several servers with the same paths: connection i goes to ``urls[i % n]``).
"""

from __future__ import annotations

import asyncio
import json
import ssl
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    locations: list[str] = field(default_factory=list)
    samples: list[str] = field(default_factory=list)


class Connection:
    """One keep-alive connection; ``request`` sends bytes and reads one answer."""

    def __init__(self, host: str, port: int, tls: ssl.SSLContext | None) -> None:
        self.host, self.port, self.tls = host, port, tls
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(
            self.host, self.port, ssl=self.tls, server_hostname=self.host if self.tls else None
        )

    async def request(self, raw: bytes) -> tuple[int, dict[bytes, bytes], bytes]:
        if self.writer is None:
            await self.open()
        assert self.reader is not None and self.writer is not None
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        headers: dict[bytes, bytes] = {}
        for line in lines[1:]:
            if line:
                name, _, value = line.partition(b":")
                headers[name.strip().lower()] = value.strip()
        if b"content-length" in headers:
            body = await self.reader.readexactly(int(headers[b"content-length"]))
        elif headers.get(b"transfer-encoding", b"").lower() == b"chunked":
            body = await self._chunked()
        else:
            body = await self.reader.read()
            await self.close()
        if headers.get(b"connection", b"").lower() == b"close":
            await self.close()
        return status, headers, body

    async def _chunked(self) -> bytes:
        assert self.reader is not None
        parts: list[bytes] = []
        while True:
            size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await self.reader.readuntil(b"\r\n")
                return b"".join(parts)
            parts.append(await self.reader.readexactly(size))
            await self.reader.readexactly(2)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.reader = self.writer = None


def build(method: str, path: str, host: str, headers: dict[str, str], body: str) -> bytes:
    data = body.encode()
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    if data or method == "POST":
        lines.append(f"Content-Length: {len(data)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + data


def _target(url: str, ca: str | None) -> tuple[str, int, ssl.SSLContext | None]:
    parts = urlsplit(url)
    tls = ssl.create_default_context(cafile=ca) if parts.scheme == "https" else None
    return parts.hostname or "127.0.0.1", parts.port or (443 if tls else 80), tls


async def run(spec: dict[str, Any]) -> dict[str, Any]:
    targets = [_target(url, spec.get("ca")) for url in spec.get("urls") or [spec["url"]]]
    host, port, _ = targets[0]
    hostport = f"{host}:{port}"
    method, path = spec.get("method", "GET"), spec["path"]
    headers = dict(spec.get("headers", {}))
    expect = int(spec.get("expect", 200))
    bodies = list(reversed(spec.get("bodies") or []))
    fixed = build(method, path, hostport, headers, spec.get("body", ""))
    seconds, warmup = float(spec.get("seconds", 5)), float(spec.get("warmup", 1))
    count_limit = int(spec.get("count", 0))
    connections = int(spec.get("connections", 8))
    timeout = float(spec.get("timeout", 30))
    result = Result()
    done = 0
    start = time.perf_counter()
    measure_from = start + warmup
    stop_at = measure_from + seconds
    measured_start: float | None = None

    per_worker: Counter[bytes] = Counter()
    balance = int(spec.get("balance", 0))  # server worker processes to spread over

    async def connect(index: int) -> Connection:
        """A connection; with ``balance``, one whose server worker is not already full.

        Connections opened together can all land on the worker that wakes first (one
        listening socket); a real client population spreads out.
        """
        conn = Connection(*targets[index % len(targets)])
        if not balance:
            return conn
        fair = -(-connections // balance)
        probe = build("GET", "/healthz", hostport, {}, "")
        for _ in range(200):
            await conn.open()
            _, answer_headers, _ = await conn.request(probe)
            worker_id = answer_headers.get(b"x-mock-entra-worker", b"?")
            if per_worker[worker_id] < fair:
                per_worker[worker_id] += 1
                return conn
            await conn.close()
            await asyncio.sleep(0.01)
        raise RuntimeError("could not spread connections over the server's workers")

    async def worker(seed: str | None, index: int) -> None:
        nonlocal done, measured_start
        conn = await connect(index)
        rt = seed
        own: list[dict[str, str]] = spec.get("connection_headers") or []
        # e.g. one MCP session per connection
        extra = own[index] if own else {}
        mine = build(method, path, hostport, {**headers, **extra}, spec.get("body", ""))
        while time.perf_counter() < stop_at and not (count_limit and done >= count_limit):
            if spec.get("bodies") is not None:
                if not bodies:
                    break
                raw = build(method, path, hostport, headers, bodies.pop())
            elif rt is not None:
                raw = build(method, path, hostport, headers, spec["chain"].format(rt=rt))
            else:
                raw = mine if own else fixed
            t0 = time.perf_counter()
            try:
                status, answer_headers, body = await asyncio.wait_for(conn.request(raw), timeout)
            except (OSError, asyncio.IncompleteReadError, ValueError, TimeoutError) as exc:
                result.errors[type(exc).__name__] += 1
                await conn.close()
                await asyncio.sleep(0.05)
                continue
            t1 = time.perf_counter()
            done += 1
            if spec.get("collect_location") and b"location" in answer_headers:
                result.locations.append(answer_headers[b"location"].decode())
            if rt is not None and status == 200:
                rt = json.loads(body)["refresh_token"]
            if t0 >= measure_from or count_limit:
                measured_start = measured_start or t0
                result.latencies.append(t1 - t0)
                result.statuses[status] += 1
                if status != expect and len(result.samples) < 3:
                    result.samples.append(body[:300].decode(errors="replace"))
        await conn.close()

    seeds: list[str | None] = list(spec.get("seeds") or [])
    seeds += [None] * (connections - len(seeds))
    await asyncio.gather(*(worker(s, i) for i, s in enumerate(seeds[:connections])))
    elapsed = time.perf_counter() - (measured_start or start)
    lat = sorted(result.latencies)
    ok = sum(n for s, n in result.statuses.items() if s == expect)

    def pct(q: float) -> float:
        return lat[min(len(lat) - 1, int(q * len(lat)))] * 1000 if lat else float("nan")

    return {
        "requests": len(lat),
        "ok": ok,
        "seconds": elapsed,
        "rps": ok / elapsed if elapsed > 0 else 0.0,
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
        "statuses": {str(k): v for k, v in result.statuses.items()},
        "errors": dict(result.errors),
        "samples": result.samples,
        "locations": result.locations,
        "cpu_seconds": time.process_time(),
        "connections_per_worker": {k.decode(): v for k, v in per_worker.items()},
    }


def main() -> None:
    spec = json.load(sys.stdin)
    factory: Any = asyncio.new_event_loop
    try:
        import uvloop

        factory = uvloop.new_event_loop
    except ImportError:  # pragma: no cover - uvicorn[standard] brings it
        pass
    with asyncio.Runner(loop_factory=factory) as runner:
        json.dump(runner.run(run(spec)), sys.stdout)


if __name__ == "__main__":
    main()
