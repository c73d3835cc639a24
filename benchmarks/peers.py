"""The yardsticks, measured in the same run as the mock: what its token figures are judged by.

- the bare signing app (:mod:`benchmarks.bare_app`) on the mock's server (Granian) and
  on uvicorn, HTTPS, two workers: what Python on this stack can sign per second; on
  Granian also signing two tokens per answer, as a code or refresh answer does;
- the npm ``oauth2-mock-server`` (one Node process), over plain HTTP as it is usually
  run, and over HTTPS with the mock's certificate; installed in ``benchmarks/peer/``
  by ``npm ci`` on first use, its rows skipped with a message where npm is absent;
- the mock itself over plain HTTP (``MOCK_ENTRA_TLS=false``), to compare with the
  npm peer on the same footing.

Absolute numbers drift on a shared machine; the ratios of one run do not.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from benchmarks.bare_app import TWO_TOKENS
from benchmarks.mock_bench import CLIENT_CREDENTIALS, FORM, measured
from benchmarks.servers import served_mock, served_process
from entra_kit.serve import free_loopback_port
from mock_entra.tls import ensure_tls

PEER_DIR = Path(__file__).resolve().parent / "peer"
NPM_PEER = "npm oauth2-mock-server client credentials"
BARE_TWO = "bare signing app, two tokens"


def token_spec(url: str, ca: str | None, path: str, seconds: float, balance: int) -> dict[str, Any]:
    return {
        "url": url,
        "ca": ca,
        "method": "POST",
        "path": path,
        "headers": FORM,
        "body": CLIENT_CREDENTIALS,
        "connections": 8,
        "seconds": seconds,
        "warmup": min(1.0, seconds / 4),
        "balance": balance,
    }


@contextmanager
def bare_app(server: str, state: Path) -> Iterator[tuple[str, str, int]]:
    """The bare signing app on ``server`` (HTTPS, two workers): (base URL, CA, pid)."""
    port = free_loopback_port()
    command = [sys.executable, "-m", "benchmarks.bare_app", "--port", str(port),
               "--state-dir", str(state), "--server", server, "--workers", "2"]  # fmt: skip
    url = f"https://127.0.0.1:{port}"
    ca = str(ensure_tls(state).ca_cert)
    with served_process(command, f"{url}/ready", ca) as proc:
        yield url, ca, proc.pid


def bare_rows(seconds: float, state: Path) -> list[dict[str, Any]]:
    """The bare signing app on Granian and on uvicorn (HTTPS, two workers)."""
    rows = []
    for server in ("granian", "uvicorn"):
        with bare_app(server, state) as (url, ca, pid):
            spec = token_spec(url, ca, "/token", seconds, balance=2)
            rows.append(measured(f"bare signing app ({server})", spec, [pid], 2))
            if server == "granian":  # the ceiling of a code or refresh answer (two tokens)
                spec = token_spec(url, ca, TWO_TOKENS, seconds, balance=2)
                rows.append(measured(f"{BARE_TWO} ({server})", spec, [pid], 2))
    return rows


def npm_installed() -> str | None:
    """Why the npm peer cannot run (one line), or None once it is installed in PEER_DIR."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        return "npm is not installed"
    if not (PEER_DIR / "node_modules" / ".bin" / "oauth2-mock-server").exists():
        done = subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],  # noqa: S607
            cwd=PEER_DIR, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            return f"npm ci failed: {done.stderr.strip().splitlines()[-1:]}"
    return None


@contextmanager
def npm_peer(tls_dir: Path | None) -> Iterator[tuple[str, str | None, int]]:
    port = free_loopback_port()
    command = ["node", str(PEER_DIR / "node_modules" / ".bin" / "oauth2-mock-server"),
               "-a", "127.0.0.1", "-p", str(port)]  # fmt: skip
    ca = None
    scheme = "http"
    if tls_dir is not None:
        files = ensure_tls(tls_dir)
        command += ["-c", str(files.server_cert), "-k", str(files.server_key)]
        ca, scheme = str(files.ca_cert), "https"
    url = f"{scheme}://127.0.0.1:{port}"
    with served_process(command, f"{url}/.well-known/openid-configuration", ca) as proc:
        yield url, ca, proc.pid


def npm_rows(seconds: float, state: Path) -> list[dict[str, Any]]:
    """The npm peer over HTTP and HTTPS (one process: no worker balancing)."""
    why = npm_installed()
    if why is not None:
        return [{"benchmark": f"{NPM_PEER} (HTTP)", "skipped": why}]
    rows = []
    for label, tls_dir in (("HTTP", None), ("HTTPS", state)):
        with npm_peer(tls_dir) as (url, ca, pid):
            spec = token_spec(url, ca, "/token", seconds, balance=0)
            rows.append(measured(f"{NPM_PEER} ({label})", spec, [pid], 1))
    return rows


def mock_http_row(seconds: float) -> dict[str, Any]:
    """The mock's client credentials over plain HTTP, two workers (the npm peer's footing)."""
    with served_mock(workers=2, tls=False) as mock:
        spec = token_spec(
            mock.base_url, None, f"/{mock.tenant_id}/oauth2/v2.0/token", seconds, balance=2
        )
        return measured("mock client credentials (HTTP)", spec, [mock.proc.pid], 2)


def run_peer_benchmarks(seconds: float) -> list[dict[str, Any]]:
    state = Path(tempfile.mkdtemp(prefix="bench-peers-"))
    return [*bare_rows(seconds, state), *npm_rows(seconds, state), mock_http_row(seconds)]
