"""Remembers each request's language preferences for the pages it may answer.

Pure ASGI (no body is read): the query's ``ui_locales`` (OIDC Core §3.1.2.1, on a GET
authorize request) and the ``Accept-Language`` header (RFC 9110 §12.5.4) become the
current ``locales.Preferences`` while the route runs; ``pages.render`` reads them.
A form-posted authorize request's ``ui_locales`` is in its validated request instead.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl

from mock_entra.authorize import locales
from mock_entra.authorize.params import MAX_FIELDS, MAX_QUERY

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[MutableMapping[str, Any], Receive, Send], Awaitable[None]]


def _query_ui_locales(query: bytes) -> str | None:
    """The query's ``ui_locales``; a query the route will refuse anyway says nothing here."""
    if len(query) > MAX_QUERY:
        return None
    try:
        pairs = parse_qsl(query.decode("ascii"), max_num_fields=MAX_FIELDS)
    except (UnicodeDecodeError, ValueError):
        return None
    return next((value for name, value in pairs if name == "ui_locales"), None)


def preferences(scope: MutableMapping[str, Any]) -> locales.Preferences:
    accept = next(
        (v.decode("latin-1") for k, v in scope.get("headers", ()) if k == b"accept-language"),
        None,
    )
    return locales.Preferences(_query_ui_locales(scope.get("query_string", b"")), accept)


class PageLanguageMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = locales.remember(preferences(scope))
        try:
            await self.app(scope, receive, send)
        finally:
            locales.forget(token)
