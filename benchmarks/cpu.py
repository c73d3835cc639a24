"""CPU accounting while a benchmark runs: ours (servers + load generator) and everyone else's.

The machine is shared (2 cores; other sessions may run tests at the same time), so
each figure carries how busy the machine was with work that is not the benchmark.
"""

from __future__ import annotations

import os
import time
from types import TracebackType

_TICK = os.sysconf("SC_CLK_TCK")


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    parent = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry))
    found, todo = {pid}, [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of one process (0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICK


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + values[4]
    return (sum(values[:8]) - idle) / _TICK, sum(values[:8]) / _TICK


class CpuWatch:
    """``with CpuWatch(server_pid) as w: ...``; then ``w.summary()``."""

    def __init__(self, *roots: int) -> None:
        self.roots = list(roots)
        self.loadgen = 0.0  # CPU seconds the load generator reports for itself
        self.pids: set[int] = set()
        self.start: dict[int, float] = {}

    def __enter__(self) -> CpuWatch:
        for root in self.roots:
            self.pids |= _descendants(root)
        self.start = {pid: process_cpu(pid) for pid in self.pids}
        self.busy0, self.total0 = machine_busy()
        self.t0 = time.monotonic()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.elapsed = max(time.monotonic() - self.t0, 1e-9)
        busy1, _total = machine_busy()
        self.ours = {pid: process_cpu(pid) - self.start.get(pid, 0.0) for pid in self.pids}
        self.machine = busy1 - self.busy0

    def summary(self) -> dict[str, float]:
        """CPU use as % of one core over the watch: servers, load generator, others."""
        servers = sum(self.ours.values())
        others = max(0.0, self.machine - servers - max(self.loadgen, 0.0))
        return {
            "server_cpu_pct": round(100 * servers / self.elapsed),
            "loadgen_cpu_pct": round(100 * max(self.loadgen, 0.0) / self.elapsed),
            "other_cpu_pct": round(100 * others / self.elapsed),
        }
