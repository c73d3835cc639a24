"""Start-up times: ``mock-entra serve`` to a ready discovery document, and ``make run``
(``python -m stack``, installed) to all three services healthy; the scenario suite."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.servers import get_ok, served_mock, served_process, stop
from entra_kit.serve import free_loopback_port
from mock_entra.tls import tls_files

FLOOR = "FastAPI app with one route, served as the mock → first answer"


def _floor_ready(state: Path) -> float:
    """Seconds to the first answer of :mod:`benchmarks.framework_floor` (the mock's TLS files)."""
    port = free_loopback_port()
    tls = tls_files(state)
    command = [sys.executable, "-m", "benchmarks.framework_floor", "--port", str(port),
               "--cert", str(tls.server_cert), "--key", str(tls.server_key)]  # fmt: skip
    started = time.perf_counter()
    with served_process(command, f"https://127.0.0.1:{port}/ready", str(tls.ca_cert)):
        return time.perf_counter() - started


def mock_ready(runs: int = 3, workers: int = 2) -> list[dict[str, Any]]:
    """Cold (new state dir: CA and keys are created) and warm (existing state) starts,
    to the first answer of discovery; warm is the best of ``runs``, with their spread.
    Each warm start alternates with one of a FastAPI app that does nothing (the floor)."""
    rows: list[dict[str, Any]] = []
    state = Path(tempfile.mkdtemp(prefix="bench-ready-"))
    with served_mock(workers=workers, state_dir=state) as mock:
        cold = mock.ready_seconds
    warm, floor = [], []
    for _ in range(runs):
        with served_mock(workers=workers, state_dir=state) as mock:
            warm.append(mock.ready_seconds)
        floor.append(_floor_ready(state))
    name = f"mock-entra serve --workers {workers} → first answer"
    rows.append({"benchmark": f"{name} (cold)", "seconds": cold})
    spread = f"{min(warm):.2f}–{max(warm):.2f} s over {runs}"
    rows.append({"benchmark": f"{name} (warm)", "seconds": min(warm), "result": spread})
    floor_spread = f"{min(floor):.2f}–{max(floor):.2f} s over {runs}"
    rows.append({"benchmark": FLOOR, "seconds": min(floor), "result": floor_spread})
    return rows


def stack_ready(limit: float = 90.0) -> dict[str, Any]:
    """``python -m stack`` on free ports until it prints its ready banner."""
    mock_port, backend_port, frontend_port = (
        free_loopback_port(),
        free_loopback_port(),
        free_loopback_port(),
    )
    state = Path(tempfile.mkdtemp(prefix="bench-stack-"))
    env = {
        **os.environ,
        "ENTRA_AUTHORITY_HOST": f"https://127.0.0.1:{mock_port}",
        "MOCK_ENTRA_PORT": str(mock_port),
        "MOCK_ENTRA_STATE_DIR": str(state / "mock"),
        "BACKEND_URL": f"http://127.0.0.1:{backend_port}",
        "BACKEND_PORT": str(backend_port),
        "FRONTEND_URL": f"http://localhost:{frontend_port}",
        "FRONTEND_PORT": str(frontend_port),
        "FRONTEND_SESSION_DIR": str(state / "sessions"),
        "ENTRA_CA_BUNDLE": str(state / "mock" / "tls" / "ca.pem"),
    }
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "stack"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if "Ready in" in line:
                seconds = time.perf_counter() - started
                healthy = get_ok(f"http://127.0.0.1:{frontend_port}/healthz", None)
                return {
                    "benchmark": "make run → all three healthy",
                    "seconds": seconds,
                    "ok": healthy,
                }
            if time.perf_counter() - started > limit:
                break
        return {
            "benchmark": "make run → all three healthy",
            "seconds": float("nan"),
            "error": "no ready banner",
        }
    finally:
        stop(proc)  # type: ignore[arg-type]


def scenario_suite() -> dict[str, Any]:
    """``pytest scenarios -n 2`` wall time, when the folder has tests."""
    folder = Path("scenarios")
    has_tests = any(folder.glob("**/test_*.py")) or any(folder.glob("**/*.yaml"))
    if not has_tests:
        return {
            "benchmark": "scenario suite (pytest scenarios -n 2)",
            "seconds": float("nan"),
            "skipped": "scenarios/ has no tests yet",
        }
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "scenarios", "-n", "2", "-q", "-p", "no:cacheprovider"],
        capture_output=True,
        text=True,
        check=False,
    )
    tail = done.stdout.strip().splitlines()[-1:] or [""]
    return {
        "benchmark": "scenario suite (pytest scenarios -n 2)",
        "seconds": time.perf_counter() - started,
        "result": tail[0],
        "exit": done.returncode,
    }
