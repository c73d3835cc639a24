"""How a fault changes an answer: the bodies and statuses Entra (or a proxy) would send.

Error bodies reuse ``errors.OAuthError.body`` so an injected error is exactly as
well-formed as a real one (scenario B15); at Graph's UserInfo they are Graph's.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from starlette.responses import JSONResponse, Response

from mock_entra.admin import request_scope
from mock_entra.admin.faults import JWKS_EFFECTS, FaultStore
from mock_entra.errors import OAuthError
from mock_entra.userinfo import GRAPH_CHALLENGE, graph_error

_NO_STORE = {"Cache-Control": "no-store, no-cache", "Pragma": "no-cache"}
# Entra's answer when a service behind it is unavailable (AADSTS90033-style text).
_TRANSIENT = (90033, "A transient error has occurred. Please try again.")
_HTML = (
    "<!DOCTYPE html><html><head><title>Service Error</title></head>"
    "<body><h1>The service is unavailable</h1><p>Please try again later.</p></body></html>"
)


def entra_error(
    now: datetime,
    error: str,
    aadsts: int,
    description: str,
    suberror: str | None = None,
    claims: str | None = None,
) -> dict[str, Any]:
    """An Entra error body with every field ``OAuthError`` renders, for any ``error`` value."""
    body = OAuthError(aadsts, description, suberror=suberror, claims=claims).body(now)
    body["error"] = error
    return body


def response_for(fault: dict[str, Any], now: datetime, endpoint: str | None = None) -> Response:
    """The answer for an error, throttle, 5xx or HTML fault (the app is not called); at
    Graph's UserInfo, in Graph's error shape."""
    effect = fault["effect"]
    if effect != "html" and endpoint == "userinfo":
        return _graph_answer(fault, now)
    headers = dict(_NO_STORE)
    if effect == "error":
        body = entra_error(
            now,
            fault["error"],
            fault["aadsts"],
            fault["description"],
            fault.get("suberror"),
            fault.get("claims"),
        )
        return JSONResponse(body, status_code=fault["status"], headers=headers)
    if effect == "throttle":
        headers["Retry-After"] = str(fault["retry_after"])
        body = entra_error(
            now,
            "temporarily_unavailable",
            90055,
            "There are too many incoming requests. Retry after the time in Retry-After.",
        )
        return JSONResponse(body, status_code=429, headers=headers)
    if effect == "server_error":
        status = fault["status"]
        error = "temporarily_unavailable" if status == 503 else "server_error"
        return JSONResponse(
            entra_error(now, error, *_TRANSIENT), status_code=status, headers=headers
        )
    if effect == "html":
        text = _HTML.format(status=fault["status"])
        return Response(text, status_code=fault["status"], media_type="text/html", headers=headers)
    raise ValueError(f"not a response effect: {effect}")


def _graph_answer(fault: dict[str, Any], now: datetime) -> Response:
    """Graph's error body for an error, throttle or 5xx fault (https://learn.microsoft.com/
    graph/errors: ``serviceNotAvailable`` for 503, ``generalException`` for other 5xx;
    https://learn.microsoft.com/graph/throttling: 429 with ``Retry-After``; the code of a
    throttled answer, ``TooManyRequests``, is what Graph was seen to send, the docs name none)."""
    effect = fault["effect"]
    headers: dict[str, str] = {}
    if effect == "error":
        status = fault["status"]
        body = graph_error(fault["error"], fault["description"], now)
        if status == 401:
            headers.update(GRAPH_CHALLENGE)
    elif effect == "throttle":
        status = 429
        headers["Retry-After"] = str(fault["retry_after"])
        body = graph_error("TooManyRequests", "Too many requests; retry after Retry-After.", now)
    elif effect == "server_error":
        status = fault["status"]
        code = "serviceNotAvailable" if status == 503 else "generalException"
        body = graph_error(code, "The service is not available. Try again later.", now)
    else:
        raise ValueError(f"not a Graph response effect: {effect}")
    return JSONResponse(body, status_code=status, headers=headers)


def truncated(body: bytes, keep_bytes: int | None) -> bytes:
    """The first part of a body (half by default), so a JSON parser meets its end early."""
    keep = len(body) // 2 if keep_bytes is None else keep_bytes
    return body[: min(keep, max(len(body) - 1, 0))]


def broken_jwks(
    faults: FaultStore, now: Callable[[], datetime], document: dict[str, Any]
) -> Response | None:
    """The JWKS answer a matching ``jwks`` fault asks for, or None to serve it intact."""
    current = request_scope.current()
    fault = faults.first(current, JWKS_EFFECTS) if current else None
    if fault is None:
        return None
    mode = fault["mode"]
    if mode == "down":
        body = entra_error(now(), "temporarily_unavailable", *_TRANSIENT)
        return JSONResponse(body, status_code=503, headers=_NO_STORE)
    if mode == "no_n":
        keys = [{k: v for k, v in key.items() if k != "n"} for key in document["keys"]]
        return JSONResponse({"keys": keys}, headers=_NO_STORE)
    text = json.dumps(document)
    return Response(text[: len(text) // 2], media_type="application/json", headers=_NO_STORE)
