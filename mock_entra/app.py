"""The FastAPI app factory: routers translate HTTP to protocol calls and back.

It wires the test controls in: ``AdminControls`` becomes the context's controls
(the protocol code's only way to them), its router serves ``/_admin`` and its
middleware wraps every request. Every failure leaves as an Entra-shaped OAuth
error; nothing unexpected shows a stack trace on the wire (it becomes
``server_error``, and the log gets the trace).
"""

from __future__ import annotations

import gc
import logging
import os
from collections.abc import MutableMapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from mock_entra.admin import routes as admin_routes
from mock_entra.admin import sign_in_sessions
from mock_entra.admin.controls import AdminControls
from mock_entra.admin.middleware import WORKER_HEADER, ControlMiddleware
from mock_entra.clock import Clock, system_clock
from mock_entra.context import Context
from mock_entra.errors import InvalidRequest, OAuthError, missing_parameter
from mock_entra.routes import (
    advertised,
    authorize,
    device,
    discovery,
    health,
    logout,
    managed_identity,
    multi_tenant,
    token,
    userinfo,
)
from mock_entra.routes.lean import LeanPaths
from mock_entra.routes.page_language import PageLanguageMiddleware
from mock_entra.routes.responses import oauth_error_response, unexpected_error_response
from mock_entra.settings import MockSettings
from mock_entra.tenant import Directory, load_directory

log = logging.getLogger("mock_entra")

# Entra answers an unknown path or method under a tenant with invalid_request.
_HTTP_ERRORS = {
    404: (900561, "The endpoint only accepts POST, OPTIONS requests. Received a GET request."),
    405: (900561, "The endpoint does not accept this HTTP method."),
}


def create_app(
    settings: MockSettings | None = None,
    directory: Directory | None = None,
    clock: Clock = system_clock,
) -> FastAPI:
    settings = settings or MockSettings()
    directory = directory or load_directory(settings.config)
    ctx = Context.create(settings, directory, clock)
    admin = AdminControls.install(ctx)

    app = MockEntraApp(
        title="mock-entra",
        version="0.1.0",
        docs_url="/_admin/docs",
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
    )
    app.state.ctx = ctx
    app.state.admin = admin

    _install_error_handlers(app, ctx)

    # multi_tenant before authorize: its literal /<alias>/ paths win over /{tenant}/.
    routers = (
        health, discovery, advertised, multi_tenant, authorize, device, logout, token, userinfo,
        managed_identity, admin_routes, sign_in_sessions,
    )  # fmt: skip
    for module in routers:
        app.include_router(module.router)
    # The pages' language: ui_locales and Accept-Language of each request (the lean
    # paths render no page).
    app.add_middleware(PageLanguageMiddleware)
    # Faults, per-tenant clocks, the request log and the worker header (admin API)
    # around everything; inside them the hot paths (token, discovery, JWKS), answered
    # ahead of FastAPI's own layers and router; then the FastAPI app.
    app.front = ControlMiddleware(LeanPaths(app.fastapi_call, ctx), admin=admin)
    return app


class MockEntraApp(FastAPI):
    """FastAPI with the mock's controls and hot paths in front of Starlette's layers.

    Every request goes through ``front``. A token, discovery or JWKS request is then
    answered without Starlette's error, telemetry and body-limit layers (FastAPI
    checks for OpenTelemetry on every request): that is a tenth of a discovery
    request's time. The lean paths answer an unexpected error themselves, as the
    app's error handler would, and so does this class for one in the controls.
    """

    front: ASGIApp

    async def fastapi_call(self, scope: Scope, receive: Receive, send: Send) -> None:
        await super().__call__(scope, receive, send)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.front(scope, receive, send)
            return
        started = False

        async def sending(message: MutableMapping[str, Any]) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.front(scope, receive, sending)
        except Exception:
            if started:  # an answer is on its way: nothing better to send (the server logs it)
                raise
            log.exception("unexpected error on %s %s", scope["method"], scope["path"])
            response = unexpected_error_response(self.state.ctx)
            response.raw_headers.append((WORKER_HEADER, str(os.getpid()).encode()))
            await response(scope, receive, send)


def _install_error_handlers(app: FastAPI, ctx: Context) -> None:
    """Every refusal as Entra's error body; nothing unexpected leaks a stack trace."""

    @app.exception_handler(OAuthError)
    async def _oauth_error(request: Request, exc: OAuthError) -> JSONResponse:
        return oauth_error_response(exc, ctx)

    @app.exception_handler(admin_routes.AdminError)
    async def _admin_error(request: Request, exc: admin_routes.AdminError) -> JSONResponse:
        return exc.response()

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        field = ".".join(str(p) for p in first.get("loc", ())[1:]) or "request"
        return oauth_error_response(missing_parameter(field), ctx)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code, text = _HTTP_ERRORS.get(exc.status_code, (90100, "The request is malformed."))
        response = oauth_error_response(InvalidRequest(code, text), ctx)
        response.status_code = exc.status_code if exc.status_code in (404, 405) else 400
        return response

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return unexpected_error_response(ctx)


def app_from_environment() -> FastAPI:
    """The served app (``mock-entra serve``'s workers): settings from MOCK_ENTRA_*.

    What a worker holds once its app is built (FastAPI's, pydantic's and the tenant
    model's objects) lives as long as the worker: ``gc.freeze`` takes it out of the
    collector's sight. Otherwise every full collection walks all of it (about 90 ms
    here, one every few thousand token requests): several per cent of the token
    endpoint's time, and its slowest answers.
    """
    app = create_app(MockSettings())
    gc.freeze()
    return app
