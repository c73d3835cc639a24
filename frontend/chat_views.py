"""The chat page and its stream: one agent turn per POST, streamed as Server-Sent Events."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    render_template,
    request,
    stream_with_context,
)

from frontend.challenges import Challenge
from frontend.chat import MAX_MESSAGE_CHARS, stream_turn
from frontend.guards import backend_sign_in, user_state
from frontend.i18n import current_lang, suggestions, translate
from frontend.state import frontend_of

bp = Blueprint("chat", __name__)
LOGIN = "/login?next=/chat"


@bp.get("/chat")
@backend_sign_in
def chat(*, context: dict[str, Any]) -> str:
    """The chat page with this user's own history, tool rows included."""
    state = user_state(context["user"])
    with state.lock:
        history = list(state.history)
    return render_template(
        "chat.html",
        user=context["user"],
        history=history,
        suggestions=suggestions(),
        max_chars=MAX_MESSAGE_CHARS,
    )


def _refused(error: str, text: str, status: int = 400) -> tuple[Response, int]:
    """A turn that does not start: a code for programs, a sentence for the page."""
    return jsonify(error=error, text=text), status


@bp.post("/chat/stream")
def chat_stream() -> Any:
    """Run one agent turn and stream it as SSE (tool calls and results included)."""
    frontend = frontend_of(current_app)
    web = frontend.auth.web
    user = web.get_user()
    if not user:
        return jsonify(error="login_required", login=LOGIN), 401
    token = web.get_token_for_user([frontend.settings.backend_scope]).get("access_token")
    if not token:
        return jsonify(error="login_required", login=LOGIN), 401
    body = request.get_json(silent=True) or {}
    message = str(body.get("message", "")).strip()
    if not message:
        return _refused("empty_message", translate("chat.empty"))
    if len(message) > MAX_MESSAGE_CHARS:
        return _refused("message_too_long", translate("chat.too_long", limit=MAX_MESSAGE_CHARS))
    state = user_state(user)
    lang = current_lang()

    def on_challenge(challenge: Challenge) -> dict[str, Any]:
        allowed = state.offer_reauth(challenge)
        key = "chat.reauth" if allowed else "error.challenge_loop"
        return {
            **challenge.as_dict(),
            "reauth_url": "/reauth?next=/chat" if allowed else None,
            "text": translate(key, lang),
        }

    events = stream_turn(frontend.settings, token, state, message, on_challenge)
    return Response(
        stream_with_context(events),
        mimetype="text/event-stream",
        headers={"X-Accel-Buffering": "no"},
    )
