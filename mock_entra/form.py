"""A request's urlencoded form, read and parsed once however many layers look at it.

The control middleware reads a protocol request's form to know its client, user and
grant (and to log it); the token endpoint then needs the same form. The first
reader parses it and leaves the result in the ASGI scope (``FORM_KEY``) for the
next one. Parsing follows Starlette's form parser (python-multipart's querystring
rules), so the form reads exactly as it did through ``Request.form()``: fields
split on ``&``, blank fields skipped, a field without ``=`` has an empty value,
names and values decoded from Latin-1 and then ``unquote_plus``.
https://url.spec.whatwg.org/#application/x-www-form-urlencoded
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]

FORM_KEY = "mock_entra.form"
FORM_TYPE = "application/x-www-form-urlencoded"
# The largest form any endpoint accepts (the token endpoint's limit).
MAX_BODY = 64 * 1024


@dataclass(frozen=True)
class Form:
    """The raw body and its fields in order, duplicates kept (the token endpoint refuses them)."""

    body: bytes
    pairs: tuple[tuple[str, str], ...]


def parse_urlencoded(body: bytes) -> tuple[tuple[str, str], ...]:
    """The fields of a urlencoded body, as Starlette's ``FormParser`` reads them."""
    pairs = []
    for field in body.split(b"&"):
        if field:
            name, _, value = field.partition(b"=")
            pairs.append((_unescaped(name), _unescaped(value)))
    return tuple(pairs)


def _unescaped(raw: bytes) -> str:
    """``unquote_plus`` of the Latin-1 text; most fields have nothing to unescape."""
    text = raw.decode("latin-1")
    return unquote_plus(text) if b"%" in raw or b"+" in raw else text


def header(scope: MutableMapping[str, Any], name: bytes) -> str | None:
    """A request header's value (the first, when repeated); ``name`` in lower case."""
    for key, value in scope.get("headers", ()):
        if key == name:
            return str(value.decode("latin-1"))
    return None


def content_type(scope: MutableMapping[str, Any]) -> str:
    return (header(scope, b"content-type") or "").split(";")[0].strip().lower()


def declared_length(scope: MutableMapping[str, Any]) -> int | None:
    """The ``Content-Length`` the client declared; None without one (or a malformed one)."""
    length = header(scope, b"content-length")
    return int(length) if length is not None and length.isdigit() else None


async def read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole request body, or None once it grows past ``limit`` bytes."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def form_of(scope: MutableMapping[str, Any], receive: Receive) -> Form | None:
    """The form of a urlencoded request of at most ``MAX_BODY`` bytes, parsed once per request.

    None when the body is of another type or too large; the caller has then read
    nothing (other types, a declared oversize) or only part of the body.
    """
    cached = scope.get(FORM_KEY)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    length = declared_length(scope)
    if content_type(scope) != FORM_TYPE or (length is not None and length > MAX_BODY):
        return None
    body = await read_body(receive, MAX_BODY)
    if body is None:
        return None
    form = scope[FORM_KEY] = Form(body, parse_urlencoded(body))
    return form


def replaying(form: Form, receive: Receive) -> Receive:
    """A ``receive`` that gives the app the body already read, then the connection's events."""
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": form.body, "more_body": False}
        return await receive()

    return replay
