"""The answers every route renders the same way: Entra's error body, and no caching of tokens."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from fastapi.responses import JSONResponse

from mock_entra.context import Context
from mock_entra.errors import OAuthError, ServerError

NO_STORE = {"Cache-Control": "no-store, no-cache", "Pragma": "no-cache"}
_NO_STORE_RAW = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in NO_STORE.items()]


# Starlette's JSONResponse.render settings, in an encoder made once.
_RENDER = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"))


class NoStoreJSON(JSONResponse):
    """``JSONResponse(content, headers=NO_STORE)``, with the header list made of bytes built
    once: every token answer is one. The same bytes and headers, in the same order, as
    Starlette's."""

    def render(self, content: Any) -> bytes:
        return _RENDER.encode(content).encode("utf-8")

    def init_headers(self, headers: Mapping[str, str] | None = None) -> None:
        assert headers is None  # the headers are NO_STORE's, always
        self.raw_headers = [
            *_NO_STORE_RAW,
            (b"content-length", str(len(self.body)).encode("latin-1")),
            (b"content-type", b"application/json"),
        ]


def oauth_error_response(exc: OAuthError, ctx: Context) -> JSONResponse:
    """Entra's error body (RFC 6749 §5.2 plus AADSTS fields), never cached."""
    headers = {"Cache-Control": "no-store", "Pragma": "no-cache"}
    if exc.status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="mock-entra"'
    return JSONResponse(exc.body(ctx.now_dt()), status_code=exc.status, headers=headers)


def unexpected_error_response(ctx: Context) -> JSONResponse:
    """What a bug answers: Entra's transient ``server_error``, never a stack trace."""
    return oauth_error_response(ServerError(90033, "A transient error has occurred."), ctx)
