"""Routes: home, token inspector, OBO button, chat, re-auth, sign-out, language, health."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, cast

from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    stream_with_context,
)

from frontend.auth import FrontendAuth, auth_error_page, safe_next
from frontend.backend_client import call_tool
from frontend.challenges import Challenge
from frontend.chat import stream_turn
from frontend.i18n import LANGUAGES, current_lang, translate
from frontend.settings import FrontendSettings
from frontend.tokens import mark_changes, view_from_claims, view_from_jwt
from frontend.users import UserRegistry, UserState

log = logging.getLogger(__name__)
bp = Blueprint("frontend", __name__)


def _settings() -> FrontendSettings:
    return cast(FrontendSettings, current_app.extensions["frontend.settings"])


def _auth() -> FrontendAuth:
    return cast(FrontendAuth, current_app.extensions["frontend.auth"])


def _users() -> UserRegistry:
    return cast(UserRegistry, current_app.extensions["frontend.users"])


class _Lazy:
    """Decorators need the Auth of the running app, which exists only per app."""

    @staticmethod
    def login_required(scope_attr: str | None) -> Any:
        def decorator(view: Any) -> Any:
            def wrapper(*args: Any, **kwargs: Any) -> Any:
                settings = _settings()
                scopes = [getattr(settings, scope_attr)] if scope_attr else None
                guarded = _auth().login_required(view, scopes=scopes)
                return guarded(*args, **kwargs)

            wrapper.__name__ = view.__name__
            wrapper.__doc__ = view.__doc__
            return wrapper

        return decorator


graph_login = _Lazy.login_required("frontend_graph_scope")
backend_login = _Lazy.login_required("backend_scope")
user_login = _Lazy.login_required(None)


@bp.get("/healthz")
def healthz() -> Any:
    """Liveness for launchers and tests."""
    return jsonify(status="ok")


@bp.get("/")
@graph_login
def home(*, context: dict[str, Any]) -> str:
    """Phase 1: signed in with a Graph token (the seed's home page)."""
    return render_template("home.html", user=context["user"])


@bp.get("/login")
def login() -> Any:
    """Start a sign-in explicitly; ``next`` is followed only if same-origin relative (C8)."""
    target = safe_next(request.args.get("next"), request.host)
    return _auth().login(next_link=target, scopes=[_settings().frontend_graph_scope])


def _state(user: dict[str, Any]) -> UserState:
    return _users().get(user)


@bp.get("/inspector")
@backend_login
def inspector(*, context: dict[str, Any]) -> str:
    """All tokens of the three phases, decoded and compared, shown to their owner only."""
    settings = _settings()
    web = _auth().web
    graph = web.get_token_for_user([settings.frontend_graph_scope]).get("access_token")
    obo = _state(context["user"]).obo or {}
    obo_view = (
        view_from_claims("obo", obo.get("header"), obo["claims"])
        if isinstance(obo.get("claims"), dict)
        else view_from_jwt("obo", None)
    )
    obo_view.error = str(obo.get("error", ""))
    views = mark_changes(
        [
            view_from_jwt("id", web.raw_id_token()),
            view_from_jwt("graph", graph),
            view_from_jwt("backend", context["access_token"]),
            obo_view,
        ]
    )
    return render_template("inspector.html", user=context["user"], views=views)


def _obo_record(data: Any) -> dict[str, Any]:
    """Normalize the backend's answer: decoded claims (+ header), or a raw token."""
    if isinstance(data, dict):
        token = data.get("access_token") or data.get("token")
        if isinstance(token, str):  # the backend's demo mode returns the raw token too
            view = view_from_jwt("obo", token)
            if view.present:
                return {"header": view.header, "claims": view.claims}
        if isinstance(data.get("claims"), dict):
            return {"header": data.get("header") or {}, "claims": data["claims"]}
        if "aud" in data:
            return {"header": {}, "claims": data}
    return {"error": "unexpected answer from get_azure_ai_search_token"}


@bp.post("/obo")
@backend_login
def obo(*, context: dict[str, Any]) -> Any:
    """The OBO demo button: call the backend tool directly, show the token in the inspector."""
    settings = _settings()
    outcome = asyncio.run(call_tool(settings, context["access_token"], "get_azure_ai_search_token"))
    state = _state(context["user"])
    if outcome.challenge is not None:
        allowed = _offer_reauth(state, outcome.challenge)
        if allowed:
            return redirect("/reauth")
        page, _ = auth_error_page(
            "error.challenge_loop", detail=outcome.challenge.message, status=403
        )
        return page, 403
    with state.lock:
        state.obo = (
            _obo_record(outcome.data)
            if outcome.ok
            else {"error": f"{translate('error.backend')} ({outcome.error})"}
        )
    return redirect("/inspector#obo")


def _offer_reauth(state: UserState, challenge: Challenge) -> bool:
    """One re-auth per challenge within the window; then a clear message (no loops)."""
    with state.lock:
        allowed = state.attempts.allow(challenge)
        state.pending = challenge if allowed else None
    return allowed


@bp.get("/reauth")
@user_login
def reauth(*, context: dict[str, Any]) -> Any:
    """Sign in again with the scopes/claims the backend asked for."""
    state = _state(context["user"])
    with state.lock:
        pending, state.pending = state.pending, None
    if pending is None:
        return redirect("/chat")
    return _auth().login(
        next_link=safe_next(request.args.get("next") or "/chat", request.host),
        scopes=list(pending.scopes),
        claims_challenge=pending.claims,
        prompt=pending.prompt,
    )


@bp.get("/chat")
@backend_login
def chat(*, context: dict[str, Any]) -> str:
    """The chat page with this user's own history."""
    state = _state(context["user"])
    with state.lock:
        history = list(state.history)
    return render_template("chat.html", user=context["user"], history=history)


@bp.post("/chat/stream")
def chat_stream() -> Any:
    """Run one agent turn and stream it as SSE (tool calls and results included)."""
    settings = _settings()
    web = _auth().web
    user = web.get_user()
    if not user:
        return jsonify(error="login_required", login="/login?next=/chat"), 401
    result = web.get_token_for_user([settings.backend_scope])
    token = result.get("access_token")
    if not token:
        return jsonify(error="login_required", login="/login?next=/chat"), 401
    body = request.get_json(silent=True) or {}
    message = str(body.get("message", "")).strip()[:2000]
    if not message:
        return jsonify(error="empty message"), 400
    state = _state(user)
    lang = current_lang()

    def on_challenge(challenge: Challenge) -> dict[str, Any]:
        allowed = _offer_reauth(state, challenge)
        key = "chat.reauth" if allowed else "error.challenge_loop"
        return {
            **challenge.as_dict(),
            "reauth_url": "/reauth?next=/chat" if allowed else None,
            "text": translate(key, lang),
        }

    events = stream_turn(settings, token, state, message, on_challenge)
    return Response(
        stream_with_context(events),
        mimetype="text/event-stream",
        headers={"X-Accel-Buffering": "no"},
    )


@bp.post("/logout")
def logout() -> Any:
    """Forget this user's server state, clear the session, end the IdP session."""
    user = session.get("_logged_in_user")
    if user:
        _users().drop(user)
    return _auth().logout()


@bp.post("/lang")
def set_lang() -> Any:
    """The EN/JA switch."""
    chosen = request.form.get("lang", "")
    if chosen in LANGUAGES:
        session["lang"] = chosen
    return redirect(safe_next(request.form.get("next"), request.host))
