"""The Flask app factory: sessions, identity.flask, security headers, friendly errors.

The factory leaves the process alone (no environment variables are set here): how
MSAL comes to trust the configured CA is decided at the process entry point,
``frontend/__main__.py``, which says why.
"""

from __future__ import annotations

import logging
import secrets
from pathlib import Path
from typing import Any

import msal
import requests
from cachelib.file import FileSystemCache
from flask import Flask, abort, request, session
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from frontend import chat_views, views
from frontend.auth import FrontendAuth
from frontend.i18n import claim_text, current_lang, translate
from frontend.pages import error_page
from frontend.settings import FrontendSettings
from frontend.state import Frontend, attach
from frontend.tokens import as_json, display_value, moment
from frontend.users import UserRegistry

log = logging.getLogger(__name__)

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; form-action 'self' {authority}; base-uri 'none'"
)


def create_app(settings: FrontendSettings | None = None) -> Flask:
    """Build the frontend for these settings (defaults: the mock profile)."""
    settings = settings or FrontendSettings()
    app = Flask(__name__)
    session_dir = Path(settings.frontend_session_dir)
    session_dir.mkdir(parents=True, exist_ok=True)
    app.config.update(
        SECRET_KEY=settings.secret_key(),
        # Server-side sessions: the browser holds only an opaque, signed id, so
        # tokens (MSAL's cache) never travel in a cookie (scenario C9).
        SESSION_TYPE="cachelib",
        SESSION_CACHELIB=FileSystemCache(str(session_dir), threshold=2000, mode=0o600),
        SESSION_USE_SIGNER=True,
        SESSION_PERMANENT=False,
        SESSION_KEY_PREFIX="frontend:",
        SESSION_COOKIE_NAME="frontend_session",
        SESSION_COOKIE_HTTPONLY=True,
        # Lax, not Strict: the IdP's redirect back to /signin-oidc is a cross-site
        # top-level GET that must carry the cookie holding the auth flow.
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.frontend_url.startswith("https"),
        MAX_CONTENT_LENGTH=64 * 1024,
    )
    attach(app, Frontend(settings, FrontendAuth(app, settings=settings), UserRegistry()))
    app.register_blueprint(views.bp)
    app.register_blueprint(chat_views.bp)
    _install_hooks(app, settings)
    _install_error_pages(app)
    return app


def csrf_token() -> str:
    """A per-session token for POST forms and the chat fetch."""
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(24)
    return str(token)


def _install_hooks(app: Flask, settings: FrontendSettings) -> None:
    """CSRF check, security headers and template helpers."""

    @app.before_request
    def _check_csrf() -> None:
        if request.method != "POST":
            return
        sent = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token")
        expected = session.get("csrf")
        if not expected or not sent or not secrets.compare_digest(str(sent), str(expected)):
            abort(400, description="csrf")

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault(
            "Content-Security-Policy", CSP.format(authority=settings.entra_authority_host)
        )
        if not request.path.startswith("/static/"):
            # Pages may show tokens: never store them in a shared or disk cache.
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.context_processor
    def _helpers() -> dict[str, Any]:
        lang = current_lang()
        return {
            "t": lambda key, **kw: translate(key, lang, **kw),
            "explain": lambda token, claim: claim_text(token, claim, lang),
            "moment": lambda value: moment(value, lang),
            "lang": lang,
            "csrf_token": csrf_token,
            "show": display_value,
            "as_json": as_json,
            "signed_in": bool(session.get("_logged_in_user")),
        }


def _install_error_pages(app: Flask) -> None:
    """Every failure ends on a friendly page; nothing from an exception reaches the page."""

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Any:
        code = exc.code or 500
        key = {404: "error.not_found", 405: "error.method"}.get(code, "error.internal")
        if code == 400 and exc.description == "csrf":
            key = "error.csrf"
        page, _ = error_page(key, show_retry=False)
        return page, code

    @app.errorhandler(requests.RequestException)
    @app.errorhandler(msal.exceptions.MsalError)
    def _idp_unreachable(exc: Exception) -> Any:
        # A silent token refresh inside login_required met an IdP that is down,
        # throttling or answering 5xx: say so, as sign-in does, instead of a 500.
        log.warning("identity platform failed on %s: %s", request.path, type(exc).__name__)
        return error_page("error.idp", status=503)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Any:
        # Logged by type only: exception texts from MSAL can quote token responses.
        log.error("unhandled %s on %s", type(exc).__name__, request.path)
        page, _ = error_page("error.internal", show_retry=False)
        return page, 500
