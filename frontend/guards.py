"""Which pages need a signed-in user, and with which delegated token.

identity.flask's ``login_required`` belongs to one ``Auth``, and an ``Auth`` exists
only once an app is built, so these decorators look it up per request.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import current_app, redirect, session

from frontend.auth import SIGNED_OUT
from frontend.settings import FrontendSettings
from frontend.state import frontend_of
from frontend.users import UserState

View = Callable[..., Any]
ScopeOf = Callable[[FrontendSettings], str]


def sign_in_required(scope_of: ScopeOf | None = None) -> Callable[[View], View]:
    """``login_required`` of the running app, for the scope ``scope_of`` picks from settings.

    With a scope the view receives that scope's access token in ``context``; without,
    only the user. Right after sign-out, the first such page says "you are signed out"
    instead of sending the browser straight back to the sign-in page.
    """

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            frontend = frontend_of(current_app)
            if session.pop(SIGNED_OUT, False) and not frontend.auth.web.get_user():
                return redirect("/signed-out")
            scopes = [scope_of(frontend.settings)] if scope_of else None
            return frontend.auth.login_required(view, scopes=scopes)(*args, **kwargs)

        return wrapper

    return decorator


def user_state(user: dict[str, Any]) -> UserState:
    """The server-side state of the signed-in user these ID token claims name."""
    return frontend_of(current_app).users.get(user)


graph_sign_in = sign_in_required(lambda settings: settings.frontend_graph_scope)
backend_sign_in = sign_in_required(lambda settings: settings.backend_scope)
user_sign_in = sign_in_required()
