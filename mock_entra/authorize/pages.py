"""HTML and redirects for the browser: pages, error pages, query and form_post responses.

Jinja2 with autoescape on; every page gets a per-response CSP nonce and refuses
framing (clickjacking on a sign-in page). Every page is in the language
``locales.choose`` picks (``ui_locales``, then ``Accept-Language``, else English), with
the same forms, field names and actions in every language (docs/CONTRACTS.md). Errors that cannot be trusted to the
redirect_uri are rendered here (RFC 6749 §4.1.2.1); the others leave as
``redirect_uri?error=…&error_description=AADSTS…&state=…`` in the request's
response_mode (OAuth 2.0 Form Post Response Mode).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader
from starlette.responses import HTMLResponse, RedirectResponse, Response

from mock_entra.authorize import locales
from mock_entra.authorize.redirect_uris import with_root_path
from mock_entra.authorize.request import Target
from mock_entra.context import Context
from mock_entra.errors import OAuthError

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True)
REQUEST_ID_HEADER = "X-Mock-Entra-Request-Id"
ERROR_HEADER = "X-Mock-Entra-Error"
# The end of a device code sign-in: ``approved`` or ``declined`` (tests read it, not words).
DEVICE_HEADER = "X-Mock-Entra-Device"


def translator(ui_locales: str | None = None) -> locales.Translator:
    """The texts of this request's page language (``ui_locales``: the authorize request's)."""
    return locales.Translator(locales.choose(ui_locales))


def render(
    template: str,
    status: int = 200,
    headers: dict[str, str] | None = None,
    say: locales.Translator | None = None,
    **variables: Any,
) -> HTMLResponse:
    """``template`` in ``say``'s language (default: this request's, see ``translator``)."""
    nonce = secrets.token_urlsafe(16)
    t = say or translator()
    html = _env.get_template(template).render(csp_nonce=nonce, lang=t.lang, t=t, **variables)
    # No form-action: browsers apply it to the redirect after the POST too,
    # which would block the 302 to the app's redirect_uri.
    csp = (
        f"default-src 'none'; style-src 'nonce-{nonce}'; script-src 'nonce-{nonce}'; "
        "img-src data:; frame-ancestors 'none'; base-uri 'none'"
    )
    return HTMLResponse(
        html,
        status_code=status,
        headers={
            "Cache-Control": "no-store",
            "Pragma": "no-cache",
            "X-Frame-Options": "DENY",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            "Content-Security-Policy": csp,
            "Content-Language": t.lang,
            **(headers or {}),
        },
    )


def error_page(ctx: Context, err: OAuthError, tenant_name: str = "") -> HTMLResponse:
    """Entra's "Sorry, but we're having trouble signing you in" page (no redirect)."""
    body = err.body(ctx.now_dt())
    return render(
        "error.html",
        status=err.status,
        tenant_name=tenant_name,
        headers={ERROR_HEADER: f"{err.error} AADSTS{err.aadsts}"},
        aadsts=err.aadsts,
        message=err.description,
        error=err.error,
        trace_id=body["trace_id"],
        correlation_id=body["correlation_id"],
        timestamp=body["timestamp"],
    )


def device_done(
    tenant_name: str, app_name: str, *, approved: bool, ui_locales: str | None = None
) -> HTMLResponse:
    """The last page of a device code sign-in: the device may go on, or it was cancelled."""
    return render(
        "device_done.html",
        say=translator(ui_locales),
        headers={DEVICE_HEADER: "approved" if approved else "declined"},
        tenant_name=tenant_name,
        app_name=app_name,
        approved=approved,
    )


def _with_query(uri: str, fields: Iterable[tuple[str, str]]) -> str:
    return uri + ("&" if "?" in uri else "?") + urlencode(list(fields))


def respond(target: Target, params: dict[str, str | None]) -> Response:
    """Send ``params`` to the verified redirect_uri in its response_mode (None values left out).

    A redirect URI without a path gets one (``/``) in query and fragment responses, as
    Entra's (reply-url doc: "returned with a trailing slash").
    """
    fields = [(k, v) for k, v in params.items() if v is not None]
    if target.response_mode == "form_post":
        say = translator(target.ui_locales)
        return render("form_post.html", say=say, action=target.redirect_uri, fields=fields)
    uri = with_root_path(target.redirect_uri)
    if target.response_mode == "fragment":
        return RedirectResponse(uri + "#" + urlencode(fields), status_code=302)
    return RedirectResponse(_with_query(uri, fields), status_code=302)


def error_redirect(ctx: Context, target: Target, err: OAuthError) -> Response:
    """Entra's error response on the redirect_uri: the JSON body's fields minus error_codes."""
    body = err.body(ctx.now_dt())
    keys = (
        "error",
        "error_description",
        "error_uri",
        "suberror",
        "claims",
        "correlation_id",
        "trace_id",
        "timestamp",
    )
    params: dict[str, str | None] = {k: body.get(k) for k in keys}
    params["state"] = target.state
    return respond(target, params)


def code_response(target: Target, code: str, session_state: str) -> Response:
    return respond(target, {"code": code, "state": target.state, "session_state": session_state})
