"""The machine's description, the results table, and the files in ``bench-results/``."""

from __future__ import annotations

import json
import math
import os
import platform
import time
from importlib import metadata
from pathlib import Path
from typing import Any

LIBRARIES = (
    "fastapi",
    "starlette",
    "uvicorn",
    "uvloop",
    "httptools",
    "cryptography",
    "joserfc",
    "fastmcp",
    "mcp",
    "msal",
    "flask",
    "httpx",
)


def machine() -> dict[str, Any]:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        mem_kb = 0
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "libraries": versions,
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }


def _fmt(value: Any, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return str(value)


def table(rows: list[dict[str, Any]]) -> str:
    """Markdown: one line per measurement, target and verdict where there is one."""
    head = (
        "| benchmark | workers | req/s | p50 ms | p99 ms | seconds | JWKS/1k | "
        "CPU srv/gen/other % | target | verdict |"
    )
    lines = [head, "|" + "---|" * 10]
    for r in rows:
        cpu = "-"
        if "server_cpu_pct" in r:
            cpu = f"{r['server_cpu_pct']}/{r['loadgen_cpu_pct']}/{r['other_cpu_pct']}"
        note = r.get("skipped") or r.get("error") or r.get("detail") or ""
        lines.append(
            f"| {r['benchmark']}{' (' + note + ')' if note else ''} | {_fmt(r.get('workers'))} "
            f"| {_fmt(r.get('rps'))} | {_fmt(r.get('p50_ms'), 1)} | {_fmt(r.get('p99_ms'), 1)} "
            f"| {_fmt(r.get('seconds'), 2) if 'rps' not in r else '-'} "
            f"| {_fmt(r.get('jwks_per_1000'), 1)} | {cpu} | {r.get('target', '')} "
            f"| {r.get('verdict', '')} |"
        )
    return "\n".join(lines)


def write(rows: list[dict[str, Any]], info: dict[str, Any], out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    body = table(rows)
    libs = ", ".join(f"{k} {v}" for k, v in info["libraries"].items())
    md = (
        f"# Benchmarks {info['date']}\n\n"
        f"Machine: {info['cpu']}, {info['cores']} cores, {info['memory_gb']} GB, "
        f"Python {info['python']} ({info['platform']})\n\nLibraries: {libs}\n\n"
        "The load generator runs on the same cores as the servers; the CPU column shows "
        "server / load generator / everything else on the machine (% of one core).\n\n"
        f"{body}\n"
    )
    (out / f"bench-{stamp}.md").write_text(md)
    (out / f"bench-{stamp}.json").write_text(
        json.dumps({"machine": info, "rows": rows}, indent=2, default=str)
    )
    (out / "latest.md").write_text(md)
    return out / f"bench-{stamp}.md"
