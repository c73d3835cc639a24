"""A throwaway ``redis-server`` on loopback, for tests and benchmarks of the Redis store.

``with redis_server() as url:`` starts Debian's (or any) ``redis-server`` binary on a
free loopback port, without persistence, and yields ``redis://127.0.0.1:<port>/0``
for ``MOCK_ENTRA_STORE``. ``RedisUnavailable`` says why it could not (no binary).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from entra_kit.serve import free_loopback_port


class RedisUnavailable(RuntimeError):
    """No ``redis-server`` to start (the message says how to install one)."""


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@contextmanager
def redis_server(folder: Path | None = None) -> Iterator[str]:
    """A ``redis-server`` of the block's own on 127.0.0.1; yields its URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RedisUnavailable(
            "redis-server is not installed (Debian: apt-get install redis-server)"
        )
    port = free_loopback_port()
    folder = folder or Path(tempfile.mkdtemp(prefix="mock-entra-redis-"))
    folder.mkdir(parents=True, exist_ok=True)
    command = [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "",
               "--appendonly", "no", "--dir", str(folder), "--protected-mode", "yes"]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)  # noqa: S603
    try:
        deadline = time.monotonic() + 10
        while not _answers(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start on port {port}")
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)
