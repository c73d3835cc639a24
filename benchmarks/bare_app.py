"""The yardstick: a bare ASGI app that only parses the form and signs one RS256 JWT.

Served on the same server, TLS and workers as the mock (``python -m benchmarks.bare_app
--port N --state-dir D --workers W [--server granian|uvicorn]``), it is what Python on
this stack can do per token; the mock's client-credentials figure is judged as a ratio of it, in the same
run (absolute numbers drift on a shared machine). Its claims are as many and as
long as an Entra access token's, so the signing input is the same size.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from benchmarks.granian_serve import serve_granian
from entra_kit.jose import b64url_encode, json_segment

Message = MutableMapping[str, Any]
KEY_FILE = "bare-app-key.pem"
TWO_TOKENS = "/two-tokens"


@cache
def _key() -> rsa.RSAPrivateKey:
    path = Path(os.environ.get("BARE_APP_KEY", KEY_FILE))
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


def _claims(client_id: str, scope: str) -> dict[str, Any]:
    now = int(time.time())
    return {
        "aud": scope.rsplit("/", 1)[0],
        "iss": "https://127.0.0.1/b63e68de-0000-4000-8000-175cc63619fc/v2.0",
        "iat": now - 300,
        "nbf": now - 300,
        "exp": now + 3600,
        "aio": b64url_encode(secrets.token_bytes(42)),
        "azp": client_id,
        "azpacr": "1",
        "idp": "https://127.0.0.1/b63e68de-0000-4000-8000-175cc63619fc/v2.0",
        "idtyp": "app",
        "oid": str(uuid.uuid4()),
        "rh": "0.A" + b64url_encode(secrets.token_bytes(48)) + ".",
        "roles": ["Tasks.Read.All"],
        "sub": str(uuid.uuid4()),
        "tid": "b63e68de-0000-4000-8000-175cc63619fc",
        "uti": b64url_encode(secrets.token_bytes(16))[:22],
        "ver": "2.0",
    }


def sign(claims: dict[str, Any]) -> str:
    head = json_segment({"typ": "JWT", "alg": "RS256", "kid": "bare"})
    signing_input = f"{head}.{json_segment(claims)}"
    signature = _key().sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{signing_input}.{b64url_encode(signature)}"


async def app(
    scope: Message,
    receive: Callable[[], Awaitable[Message]],
    send: Callable[[Message], Awaitable[None]],
) -> None:
    """POST a form: a token (two at ``TWO_TOKENS``); GET: ``{"status": "ok"}`` (readiness)."""
    if scope["type"] != "http":
        return
    body = b""
    more = True
    while more:
        message = await receive()
        body += message.get("body", b"")
        more = message.get("more_body", False)
    if scope["method"] == "POST":
        form = dict(parse_qsl(body.decode()))
        claims = _claims(form.get("client_id", ""), form.get("scope", ""))
        payload: dict[str, Any] = {"token_type": "Bearer", "expires_in": 3599}
        payload["access_token"] = sign(claims)
        if scope["path"] == TWO_TOKENS:  # what a code or refresh answer signs: access + ID
            payload["id_token"] = sign(claims)
    else:
        payload = {"status": "ok"}
    data = json.dumps(payload).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(data)).encode()),
        # As the mock's: the load generator spreads its connections over the workers.
        (b"x-mock-entra-worker", str(os.getpid()).encode()),
    ]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": data})


def _serve_uvicorn(args: argparse.Namespace, cert: Path | None, key: Path | None) -> None:
    import uvicorn

    uvicorn.run(
        "benchmarks.bare_app:app",
        host="127.0.0.1",
        port=args.port,
        workers=args.workers,
        ssl_certfile=str(cert) if cert else None,
        ssl_keyfile=str(key) if key else None,
        log_level="warning",
        access_log=False,
    )


def main() -> None:
    from mock_entra.tls import ensure_tls

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--state-dir", type=Path, required=True)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--server", choices=("uvicorn", "granian"), default="granian")
    parser.add_argument("--plain", action="store_true", help="HTTP instead of HTTPS")
    args = parser.parse_args()
    tls = ensure_tls(args.state_dir)
    key_file = args.state_dir / KEY_FILE
    if not key_file.exists():
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        key_file.write_bytes(pem)
    os.environ["BARE_APP_KEY"] = str(key_file)
    cert, key = (None, None) if args.plain else (tls.server_cert, tls.server_key)
    if args.server == "granian":
        serve_granian("benchmarks.bare_app:app", args.port, args.workers, cert, key)
    else:
        _serve_uvicorn(args, cert, key)


if __name__ == "__main__":
    main()
