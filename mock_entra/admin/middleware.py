"""One ASGI middleware applies the test controls to every protocol request.

It names the request's scope (endpoint, tenant, client, user, grant), moves the
clock for tenants with an offset, answers with a response-level fault when one
matches, logs the request (redacted), and tags every answer with the worker's pid
(``X-Mock-Entra-Worker``) so tests can tell the workers of ``--workers N`` apart.
Admin requests (and the docs) pass ``access``'s checks first.

It is pure ASGI rather than ``BaseHTTPMiddleware``: it must read the form body to
see the client and grant, then replay it, unchanged, for the route (the token
endpoint takes the parsed form from the scope instead: ``mock_entra.form``). One
``ControlState`` is pinned for the whole request (``shared``): faults, runtime
tenants and clocks cost one counter read per request.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Any

from starlette.responses import JSONResponse

from mock_entra.admin import access, request_scope
from mock_entra.admin.effects import response_for, truncated
from mock_entra.admin.faults import RESPONSE_EFFECTS
from mock_entra.admin.request_scope import RequestScope
from mock_entra.admin.requests import classify, peek_params, scope_of
from mock_entra.form import declared_length, form_of, header, replaying

if TYPE_CHECKING:
    from mock_entra.admin.controls import AdminControls

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[MutableMapping[str, Any], Receive, Send], Awaitable[None]]

log = logging.getLogger("mock_entra.admin")

WORKER_HEADER = b"x-mock-entra-worker"
_ERROR_CAPTURE = 8 * 1024


class ControlMiddleware:
    def __init__(self, app: ASGIApp, admin: AdminControls) -> None:
        self.app = app
        self.admin = admin
        self.journal = admin.journal
        self.worker = str(os.getpid()).encode()

    async def __call__(
        self, scope_: MutableMapping[str, Any], receive: Receive, send: Send
    ) -> None:
        if scope_["type"] != "http":
            await self.app(scope_, receive, send)
            return

        route = classify(scope_["path"])
        if route is None:
            tagged = _tagging(send, self.worker)
            if access.guarded(scope_["path"]):
                await self._admin(scope_, receive, tagged)
            else:
                await self.app(scope_, receive, tagged)
            return
        with self.admin.shared.pinned():  # one ControlState for the whole request
            await self._protocol(route, scope_, receive, send)

    async def _admin(self, scope_: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
        """The admin API, its docs and schema, for callers the access rules let in."""
        client = scope_.get("client")
        req = access.AdminRequest(
            scope_["method"],
            client[0] if client else None,
            {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope_["headers"]},
        )
        reason = access.refusal(self.admin.ctx.settings, req)
        if reason is None:
            await self.app(scope_, receive, send)
            return
        body = {"error": "forbidden", "error_description": reason}
        await JSONResponse(body, status_code=403)(scope_, receive, send)

    async def _protocol(
        self,
        route: tuple[Any, str],
        scope_: MutableMapping[str, Any],
        receive: Receive,
        send: Send,
    ) -> None:
        started = time.monotonic()
        pairs: tuple[tuple[str, str], ...] = ()
        # Bodies the endpoints accept at all, with a declared length (larger or streamed
        # ones pass through unread and the routes refuse them). The form read here is
        # the one the token endpoint reads (parsed once, kept in the scope).
        if scope_["method"] == "POST" and declared_length(scope_) is not None:
            form = await form_of(scope_, receive)
            if form is not None:
                pairs, receive = form.pairs, replaying(form, receive)
        params = peek_params(scope_.get("query_string", b""), pairs)
        authorization = header(scope_, b"authorization")
        req = scope_of(self.admin, route[0], route[1], params, authorization)
        recorded = False

        def record(status: int, error: dict[str, Any] | None) -> None:
            nonlocal recorded
            recorded = True
            self.journal.record(
                req,
                method=scope_["method"],
                path=scope_["path"],
                params=params,
                authorization=authorization,
                status=status,
                started=started,
                error=error,
            )

        token = request_scope.enter(req)
        try:
            await self._answer(req, scope_, receive, _observing(send, record, self.worker))
        finally:
            request_scope.leave(token)
            if not recorded:  # no answer left: MockEntraApp (outside) answers the 500
                record(500, None)

    async def _answer(
        self, req: RequestScope, scope_: MutableMapping[str, Any], receive: Receive, send: Send
    ) -> None:
        fault = self.admin.faults.first(req, RESPONSE_EFFECTS)
        if fault is None:
            await self.app(scope_, receive, send)
            return
        log.info("fault %s (%s) on %s", fault["id"], fault["effect"], scope_["path"])
        effect = fault["effect"]
        if effect == "delay":
            await asyncio.sleep(float(fault["seconds"]))
            await self.app(scope_, receive, send)
        elif effect == "truncate":
            await self.app(scope_, receive, _truncating(send, fault.get("keep_bytes")))
        else:
            await response_for(fault, self.admin.ctx.now_dt(), req.endpoint)(scope_, receive, send)


def _tag(start: Message, worker: bytes) -> None:
    """The worker header on an answer's ``http.response.start``."""
    start["headers"] = [*start.get("headers", []), (WORKER_HEADER, worker)]


def _tagging(send: Send, worker: bytes) -> Send:
    """Add the worker header to the answer."""

    async def tagged(message: Message) -> None:
        if message["type"] == "http.response.start":
            _tag(message, worker)
        await send(message)

    return tagged


def _observing(
    send: Send, record: Callable[[int, dict[str, Any] | None], None], worker: bytes
) -> Send:
    """Add the worker header, and log the request as its last body part leaves: a client
    that reads the answer and then asks for the log finds it there. Error fields are
    kept; success bodies (tokens) never are. (One wrapper: every token request goes
    through it.)"""
    status = 500
    captured: list[bytes] = []

    async def observe(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
            _tag(message, worker)
        elif message["type"] == "http.response.body":
            if status >= 400 and sum(map(len, captured)) < _ERROR_CAPTURE:
                captured.append(message.get("body", b""))
            if not message.get("more_body", False):
                error = _error_fields(b"".join(captured)) if status >= 400 else None
                record(status, error)
        await send(message)

    return observe


def _error_fields(body: bytes) -> dict[str, Any] | None:
    try:
        data = json.loads(body)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _truncating(send: Send, keep_bytes: int | None) -> Send:
    """Collect the app's answer, then send only its first part with a matching length."""
    start: Message = {}
    chunks: list[bytes] = []

    async def cut(message: Message) -> None:
        if message["type"] == "http.response.start":
            start.update(message)
            return
        if message["type"] != "http.response.body":
            await send(message)
            return
        chunks.append(message.get("body", b""))
        if message.get("more_body", False):
            return
        body = truncated(b"".join(chunks), keep_bytes)
        headers = [(k, v) for k, v in start.get("headers", []) if k != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": body, "more_body": False})

    return cut
