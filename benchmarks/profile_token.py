"""The in-process token path, driven straight through the ASGI app: what ``make profile`` samples.

``python -m benchmarks.profile_token [--grant cc|obo] [--seconds S]`` calls the whole
app (control middleware, lean paths, grant, signing) with one request after another,
no server and no socket, and prints requests per second. Under ``py-spy record`` it
shows where a token request's own time goes, apart from HTTP, TLS and the load
generator (docs/PERFORMANCE.md).
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

from benchmarks.bare_app import _claims as bare_claims
from benchmarks.mock_bench import CLIENT_CREDENTIALS, obo_body
from entra_kit import shipped_tenant as shipped
from mock_entra.app import create_app
from mock_entra.jwt import sign
from mock_entra.keys import KeyStore
from mock_entra.mint import mint_for_cli
from mock_entra.settings import MockSettings
from mock_entra.tenant import load_directory
from mock_entra.testing import TENANT_ID

Message = MutableMapping[str, Any]


def _scope(path: str, body: bytes) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "https",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"127.0.0.1:8443"),
            (b"content-type", b"application/x-www-form-urlencoded"),
            (b"content-length", str(len(body)).encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8443),
    }


async def _one(app: Any, path: str, body: bytes) -> int:
    status = 0

    async def receive() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(_scope(path, body), receive, send)
    return status


async def _drive(app: Any, path: str, body: bytes, seconds: float) -> int:
    count = 0
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        status = await _one(app, path, body)
        if status != 200:
            raise RuntimeError(f"token request answered {status}")
        count += 1
    return count


def _assertion(settings: MockSettings) -> str:
    """A user token for the API (alice, through the web app), as OBO's assertion."""
    args = argparse.Namespace(
        tenant=None,
        app=shipped.WEB_CLIENT_ID,
        resource=shipped.API_APP_ID_URI,
        user="alice",
        scope=["access_as_user"],
    )
    return mint_for_cli(settings, load_directory(settings.config), args)


def _bare_rate(settings: MockSettings, seconds: float) -> float:
    """Tokens per CPU second of signing alone (the bare app's claims, the mock's key)."""
    key = KeyStore(settings.state_dir).ring(TENANT_ID).signing_key(time.time())
    count = 0
    started = time.process_time()
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        sign(bare_claims(shipped.DAEMON_CLIENT_ID, f"{shipped.API_APP_ID_URI}/.default"), key)
        count += 1
    return count / (time.process_time() - started)


async def _cpu_rate(app: Any, path: str, body: bytes, seconds: float) -> float:
    """Token requests per CPU second of this process (steadier than wall time when shared)."""
    started = time.process_time()
    count = await _drive(app, path, body, seconds)
    return count / (time.process_time() - started)


def _compare(app: Any, settings: MockSettings, path: str, body: bytes, seconds: float) -> None:
    """The token path against signing alone, in alternating one-second slices: a ratio
    of CPU-time rates, as the machine's other load moves wall-clock rates a lot."""
    ours: list[float] = []
    bare: list[float] = []
    for _ in range(max(1, int(seconds))):
        ours.append(asyncio.run(_cpu_rate(app, path, body, 1.0)))
        bare.append(_bare_rate(settings, 1.0))
    ratios = sorted(o / b for o, b in zip(ours, bare, strict=True))
    print(
        f"in process: {sum(ours) / len(ours):.0f} vs signing alone {sum(bare) / len(bare):.0f}"
        " per CPU second;"
        f" ratio median {ratios[len(ratios) // 2]:.2f} ({ratios[0]:.2f}–{ratios[-1]:.2f})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grant", choices=("cc", "obo"), default="cc")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument(
        "--compare", action="store_true", help="alternate with signing alone; print the ratio"
    )
    args = parser.parse_args(argv)
    state = Path(tempfile.mkdtemp(prefix="profile-mock-"))
    settings = MockSettings(state_dir=state, log_requests=False)
    app = create_app(settings)
    path = f"/{TENANT_ID}/oauth2/v2.0/token"
    body = CLIENT_CREDENTIALS.encode()
    if args.grant == "obo":
        body = obo_body(_assertion(settings)).encode()
    if args.compare:
        _compare(app, settings, path, body, args.seconds)
        return 0
    count = asyncio.run(_drive(app, path, body, args.seconds))
    print(f"{args.grant}: {count / args.seconds:.0f} requests/s in process")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
