"""Start the services as real processes on free loopback ports, and time their start."""

from __future__ import annotations

import os
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from entra_kit.serve import free_loopback_port
from mock_entra.testing import TENANT_ID


def get_ok(url: str, ca: str | None, timeout: float = 1.0) -> bool:
    """True when ``url`` answers 200 (TLS verified against ``ca`` for https)."""
    try:
        context = ssl.create_default_context(cafile=ca) if url.startswith("https") else None
        with urllib.request.urlopen(url, timeout=timeout, context=context) as answer:  # noqa: S310
            return bool(answer.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def wait_until(url: str, ca: str | None, proc: subprocess.Popen[bytes], limit: float) -> float:
    """Seconds until ``url`` answers 200; RuntimeError if the process dies or time runs out."""
    start = time.perf_counter()
    while not get_ok(url, ca, timeout=0.5):
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args!r} exited with {proc.returncode}")
        if time.perf_counter() - start > limit:
            raise RuntimeError(f"{url} not ready after {limit:.0f}s")
        time.sleep(0.005)
    return time.perf_counter() - start


def stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM the process group we created, then SIGKILL if it lingers."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@dataclass
class ServedMock:
    base_url: str
    ca: str
    state_dir: Path
    proc: subprocess.Popen[bytes]
    ready_seconds: float
    tenant_id: str = TENANT_ID

    @property
    def discovery(self) -> str:
        return f"{self.base_url}/{self.tenant_id}/v2.0/.well-known/openid-configuration"


def mock_command(port: int, state_dir: Path, workers: int) -> list[str]:
    runner = os.environ.get("BENCH_MOCK_RUNNER")  # profiling variants (scratch scripts)
    return [
        sys.executable,
        *([runner] if runner else ["-m", "mock_entra"]),
        "serve",
        "--port",
        str(port),
        "--state-dir",
        str(state_dir),
        "--workers",
        str(workers),
    ]


@contextmanager
def served_mock(
    workers: int = 1,
    state_dir: Path | None = None,
    port: int | None = None,
    tls: bool = True,
    **env: str,
) -> Iterator[ServedMock]:
    """``mock-entra serve`` as a subprocess; yields once discovery answers 200.

    ``env`` adds ``MOCK_ENTRA_*`` variables (``MOCK_ENTRA_STORE`` for a Redis store).
    """
    state = state_dir or Path(tempfile.mkdtemp(prefix="bench-mock-"))
    port = port or free_loopback_port()
    child_env = {**os.environ, "MOCK_ENTRA_LOG_REQUESTS": "false", **env}
    if not tls:
        child_env["MOCK_ENTRA_TLS"] = "false"
    started = time.perf_counter()
    proc = subprocess.Popen(  # noqa: S603 - our interpreter, our module
        mock_command(port, state, workers),
        env=child_env,
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"{'https' if tls else 'http'}://127.0.0.1:{port}"
    ca = str(state / "tls" / "ca.pem")
    try:
        deadline = time.perf_counter() + 30
        while not (state / "tls" / "ca.pem").exists():  # written before the server starts
            if proc.poll() is not None or time.perf_counter() > deadline:
                raise RuntimeError("mock-entra serve did not create its CA")
            time.sleep(0.005)
        mock = ServedMock(base, ca, state, proc, 0.0)
        wait_until(mock.discovery, ca, proc, 30)
        mock.ready_seconds = time.perf_counter() - started
        yield mock
    finally:
        stop(proc)


@contextmanager
def served_process(
    command: list[str], ready_url: str, ca: str | None = None, cwd: Path | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """Any server as a subprocess of its own group; yields once ``ready_url`` answers 200."""
    proc = subprocess.Popen(  # noqa: S603 - commands of this package
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True, cwd=cwd,
    )  # fmt: skip
    try:
        wait_until(ready_url, ca, proc, 60)
        yield proc
    finally:
        stop(proc)
