"""Serve an ASGI app on loopback in a background thread, for tests and benchmarks.

The socket is bound before the server starts, so the URL (and an ephemeral port) is
known up front and nothing races for the port.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn


@dataclass(frozen=True)
class ServerTls:
    """The server certificate and key files (PEM) uvicorn serves HTTPS with."""

    cert: Path
    key: Path


def bind_loopback(port: int = 0, host: str = "127.0.0.1") -> socket.socket:
    """A bound TCP socket (``port=0``: an ephemeral one) that the server will listen on."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    return sock


def free_loopback_port() -> int:
    """A loopback port nothing listens on now, for a server another process will start.

    Racy by nature (something else may take it before that server binds it); a server
    in this process binds its socket first instead (``bind_loopback``).
    """
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve_in_thread(
    app: Any,
    *,
    port: int = 0,
    tls: ServerTls | None = None,
    name: str = "asgi",
    sock: socket.socket | None = None,
    **config: Any,
) -> Iterator[str]:
    """Serve ``app`` until the block ends; yields its base URL (``http[s]://127.0.0.1:N``).

    ``config`` goes to :class:`uvicorn.Config` (``lifespan``, ``log_level`` ...).
    """
    sock = sock or bind_loopback(port)
    bound = sock.getsockname()[1]
    options: dict[str, Any] = {"log_level": "warning", "timeout_graceful_shutdown": 2, **config}
    if tls is not None:
        options.update(ssl_certfile=str(tls.cert), ssl_keyfile=str(tls.key))
    server = uvicorn.Server(uvicorn.Config(app, **options))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True, name=name)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            sock.close()
            raise RuntimeError(f"{name} did not start")
        time.sleep(0.01)
    scheme = "https" if tls is not None else "http"
    try:
        yield f"{scheme}://127.0.0.1:{bound}"
    finally:
        server.should_exit = True
        thread.join(timeout=5)
        sock.close()
