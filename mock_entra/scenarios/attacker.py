"""The attacker's web server: a loopback listener that records every request it gets.

Scenarios that put an attacker URL in a token (``jku``, ``x5u``; RFC 8725 §3.10,
jwt_tool's "JWKS spoofing") assert the listener got no request: a verifier must
never fetch keys from a location the token names. It serves a real JWKS of the
attacker's key, so a verifier that did follow the URL would also accept the token.
"""

from __future__ import annotations

import json
import threading
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa

from mock_entra.scenarios.mutations import public_jwk


@cache
def attacker_key() -> rsa.RSAPrivateKey:
    """The attacker's RSA key: one per process (generating keys is slow; it only has to be
    a key no tenant publishes)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        self.server.hits.append(self.path)
        body = json.dumps(self.server.jwks).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET

    def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read .hits
        return


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, jwks: dict[str, Any]) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.jwks = jwks
        self.hits: list[str] = []


class AttackerSite:
    """Start with ``AttackerSite()``; ``url`` to embed, ``hits`` to check, ``close()``.

    It serves ``jwks`` (default: the JWKS of :func:`attacker_key`).
    """

    def __init__(self, jwks: dict[str, Any] | None = None) -> None:
        self._server = _Server(jwks or {"keys": [public_jwk(attacker_key(), "attacker")]})
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="attacker-site", daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def hits(self) -> list[str]:
        return list(self._server.hits)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
