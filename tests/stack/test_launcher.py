"""``make run``'s launcher: all three services healthy, then a clean stop with ports freed."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from entra_kit.serve import free_loopback_port

REPO = Path(__file__).resolve().parents[2]


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.slow
def test_the_launcher_starts_everything_and_stops_it_cleanly(tmp_path: Path) -> None:
    mock, backend, frontend = free_loopback_port(), free_loopback_port(), free_loopback_port()
    env = dict(os.environ) | {
        "ENTRA_AUTHORITY_HOST": f"https://127.0.0.1:{mock}",
        "MOCK_ENTRA_STATE_DIR": str(tmp_path / "mock"),
        "ENTRA_CA_BUNDLE": str(tmp_path / "mock" / "tls" / "ca.pem"),
        "BACKEND_URL": f"http://127.0.0.1:{backend}",
        "BACKEND_PORT": str(backend),
        "FRONTEND_URL": f"http://localhost:{frontend}",
        "FRONTEND_PORT": str(frontend),
        "FRONTEND_SESSION_DIR": str(tmp_path / "sessions"),
    }
    child = subprocess.Popen(
        [sys.executable, "-m", "stack", "run"], cwd=tmp_path, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    output: list[str] = []
    try:
        deadline = time.monotonic() + 60
        assert child.stdout is not None
        for line in child.stdout:
            output.append(line)
            if "Ready in" in line or time.monotonic() > deadline:
                break
        assert any("Ready in" in line for line in output), "".join(output[-30:])
        assert all(_listening(p) for p in (mock, backend, frontend))
        child.send_signal(signal.SIGINT)
        assert child.wait(timeout=20) == 0
    finally:
        if child.poll() is None:
            child.kill()
    assert not any(_listening(p) for p in (mock, backend, frontend)), "ports still held"
    assert " backend |" in "".join(output) and "    mock |" in "".join(output)


def test_the_launcher_refuses_a_busy_port(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        env = dict(os.environ) | {"BACKEND_URL": f"http://127.0.0.1:{port}",
                                  "ENTRA_AUTHORITY_HOST": "https://127.0.0.1:1"}  # fmt: skip
        result = subprocess.run(
            [sys.executable, "-m", "stack", "run"], cwd=tmp_path, env=env,
            capture_output=True, text=True, timeout=30,
        )  # fmt: skip
    assert result.returncode == 1
    assert f"backend (port {port})" in result.stderr


def test_the_banner_of_the_entra_profile_says_the_mock_is_not_started() -> None:
    from stack.run import _banner

    env = {"ENTRA_AUTHORITY_HOST": "https://login.microsoftonline.com",
           "ENTRA_TENANT_ID": "11111111-2222-3333-4444-555555555555"}  # fmt: skip
    banner = _banner(env, 1.0)
    assert "the mock is not started" in banner
    assert "https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555" in banner
    assert "password:" not in banner
