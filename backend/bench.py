"""Validation cost: our Entra-strict verifier against FastMCP's stock ``JWTVerifier``.

``python -m backend.bench [--requests N] [--concurrency C]`` starts a mock tenant,
signs a user in, and measures with the same token:

1. ``verify_token`` calls per second, in-process (validation cost alone);
2. authenticated HTTP requests per second on the same FastMCP server shape (uvicorn
   on loopback): ``GET /mcp`` without a session passes auth, then the transport
   answers 400 at once, so the figure is dominated by the auth layer.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import ssl
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import httpx2
from fastmcp import FastMCP
from fastmcp.server.auth import RemoteAuthProvider
from fastmcp.server.auth.providers.jwt import JWTVerifier
from pydantic import AnyHttpUrl

from backend.auth.mcp_auth import EntraTokenVerifier
from backend.testing import backend_settings_for, run_backend


def stock_verifier(mock: Any) -> JWTVerifier:
    """The stock verifier configured as well as it can be for Entra v1 access tokens."""
    client = httpx2.AsyncClient(verify=ssl.create_default_context(cafile=str(mock.ca_bundle)))
    return JWTVerifier(
        jwks_uri=mock.jwks_uri(),
        issuer=[mock.issuer_v1(), mock.issuer_v2()],
        audience=[
            "api://fe5f360b-4f1f-4029-b90b-f832bcb0412c",
            "fe5f360b-4f1f-4029-b90b-f832bcb0412c",
        ],
        required_scopes=["access_as_user"],
        http_client=client,
    )


async def per_second(call: Callable[[], Awaitable[Any]], count: int) -> float:
    await call()  # warm caches (JWKS fetch)
    start = time.perf_counter()
    for _ in range(count):
        assert await call() is not None
    return count / (time.perf_counter() - start)


async def http_rate(url: str, token: str, count: int, concurrency: int) -> float:
    headers = {"Authorization": f"Bearer {token}", "Accept": "text/event-stream"}
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        first = await client.get(url, headers=headers)
        assert first.status_code not in (401, 403), first.status_code
        queue = iter(range(count))

        async def worker() -> None:
            for _ in queue:
                response = await client.get(url, headers=headers)
                assert response.status_code not in (401, 403)

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return count / (time.perf_counter() - start)


def serve_stock(mock: Any) -> Any:
    """The same FastMCP server shape behind RemoteAuthProvider(JWTVerifier)."""
    import socket
    import threading

    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    auth = RemoteAuthProvider(
        token_verifier=stock_verifier(mock),
        authorization_servers=[AnyHttpUrl(mock.issuer_v2())],
        base_url=base,
    )
    mcp = FastMCP("stock", auth=auth)
    server = uvicorn.Server(uvicorn.Config(mcp.http_app(path="/mcp"), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    return base, server, thread


async def run(count: int, concurrency: int) -> dict[str, float]:
    from mock_entra.testing import Tokens, run_mock

    with run_mock() as mock:
        os.environ["REQUESTS_CA_BUNDLE"] = str(mock.ca_bundle)
        token = str(Tokens(mock).sign_in("alice")["access_token"])
        results: dict[str, float] = {}
        stock = stock_verifier(mock)
        with run_backend(backend_settings_for(mock)) as ours:
            verifier = EntraTokenVerifier(ours.state.validator, ["access_as_user"])
            results["ours verify_token/s"] = await per_second(
                lambda: verifier.verify_token(token), count
            )
            results["stock verify_token/s"] = await per_second(
                lambda: stock.verify_token(token), count
            )
            results["ours HTTP req/s"] = await http_rate(ours.mcp_url, token, count, concurrency)
        base, server, thread = serve_stock(mock)
        try:
            results["stock HTTP req/s"] = await http_rate(f"{base}/mcp", token, count, concurrency)
        finally:
            server.should_exit = True
            thread.join(timeout=5)
        return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    for name, value in asyncio.run(run(args.requests, args.concurrency)).items():
        print(f"{name:24s} {value:10.0f}")


if __name__ == "__main__":
    main()
