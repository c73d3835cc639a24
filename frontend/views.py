"""Pages: home, token inspector, OBO button, incremental consent, re-auth, sign-in and out."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, session

from frontend.auth import safe_next
from frontend.backend_client import call_tool
from frontend.guards import backend_sign_in, graph_sign_in, sign_in_required, user_state
from frontend.i18n import LANGUAGES, time_texts, translate
from frontend.pages import error_page, signed_out_page
from frontend.state import frontend_of
from frontend.tokens import TIME_CLAIMS, mark_changes, view_from_claims, view_from_jwt

log = logging.getLogger(__name__)
bp = Blueprint("frontend", __name__)


@bp.get("/healthz")
def healthz() -> Any:
    """Liveness for launchers and tests."""
    return jsonify(status="ok")


@bp.get("/favicon.ico")
def favicon() -> Any:
    """Browsers ask for /favicon.ico whatever the page links; the icon is an SVG."""
    return redirect("/static/favicon.svg", code=301)


@bp.get("/")
@graph_sign_in
def home(*, context: dict[str, Any]) -> str:
    """Phase 1: signed in with a Graph token (the seed's home page)."""
    settings = frontend_of(current_app).settings
    return render_template(
        "home.html", user=context["user"], consent_scope=settings.frontend_consent_scope
    )


@bp.get("/login")
def login() -> Any:
    """Start a sign-in explicitly; ``next`` is followed only if same-origin relative (C8)."""
    frontend = frontend_of(current_app)
    target = safe_next(request.args.get("next"), request.host)
    return frontend.auth.login(next_link=target, scopes=[frontend.settings.frontend_graph_scope])


@bp.get("/inspector")
@backend_sign_in
def inspector(*, context: dict[str, Any]) -> str:
    """All tokens of the three phases, decoded and compared, shown to their owner only."""
    frontend = frontend_of(current_app)
    web = frontend.auth.web
    graph = web.get_token_for_user([frontend.settings.frontend_graph_scope]).get("access_token")
    obo = user_state(context["user"]).obo or {}
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
    return render_template(
        "inspector.html",
        user=context["user"],
        views=views,
        time_claims=TIME_CLAIMS,
        time_texts=time_texts(),
    )


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
@backend_sign_in
def obo(*, context: dict[str, Any]) -> Any:
    """The OBO demo button: call the backend tool directly, show the token in the inspector."""
    settings = frontend_of(current_app).settings
    outcome = asyncio.run(call_tool(settings, context["access_token"], "get_azure_ai_search_token"))
    state = user_state(context["user"])
    if outcome.challenge is not None:
        allowed = state.offer_reauth(outcome.challenge)
        if allowed:
            return redirect("/reauth")
        page, _ = error_page("error.challenge_loop", detail=outcome.challenge.message, status=403)
        return page, 403
    with state.lock:
        state.obo = (
            _obo_record(outcome.data)
            if outcome.ok
            else {"error": f"{translate('error.backend')} ({outcome.error})"}
        )
    return redirect("/inspector#obo")


@bp.get("/consent")
@sign_in_required(lambda settings: settings.frontend_consent_scope)
def consent(*, context: dict[str, Any]) -> str:
    """Incremental consent: this page needs a scope sign-in did not ask for (Graph Mail.Read).

    Without it, identity.flask starts a sign-in for the new scope and the identity
    platform shows its consent page; accept brings the browser back here with the
    token, decline ends on the sign-in error page with AADSTS65004 explained.
    https://learn.microsoft.com/entra/identity-platform/consent-types-developer#incremental-and-dynamic-user-consent
    """
    graph = view_from_jwt("graph", context["access_token"])
    return render_template("consent.html", user=context["user"], graph=graph)


@bp.get("/reauth")
@sign_in_required()
def reauth(*, context: dict[str, Any]) -> Any:
    """Sign in again with the scopes/claims the backend asked for."""
    state = user_state(context["user"])
    with state.lock:
        pending, state.pending = state.pending, None
    if pending is None:
        return redirect("/chat")
    return frontend_of(current_app).auth.login(
        next_link=safe_next(request.args.get("next") or "/chat", request.host),
        scopes=list(pending.scopes),
        claims_challenge=pending.claims,
        prompt=pending.prompt,
    )


@bp.post("/logout")
def logout() -> Any:
    """Forget this user's server state, clear the session, end the IdP session."""
    frontend = frontend_of(current_app)
    user = session.get("_logged_in_user")
    if user:
        frontend.users.drop(user)
    return frontend.auth.logout()


@bp.get("/signed-out")
def signed_out() -> Any:
    """The page after sign-out (the first page the identity platform sends back to)."""
    if frontend_of(current_app).auth.web.get_user():
        return redirect("/")
    return signed_out_page()


@bp.post("/lang")
def set_lang() -> Any:
    """The EN/JA switch."""
    chosen = request.form.get("lang", "")
    if chosen in LANGUAGES:
        session["lang"] = chosen
    return redirect(safe_next(request.form.get("next"), request.host))
