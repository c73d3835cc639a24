"""The frontend's one state object, and the one typed way to reach it from a Flask app.

Flask keeps extension state in ``app.extensions``; only :func:`frontend_of` reads it,
so no module casts an untyped lookup of its own (the backend's ``backend_of`` and
this accessor follow one pattern).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

from frontend.auth import FrontendAuth
from frontend.settings import FrontendSettings
from frontend.users import UserRegistry

_EXTENSION = "frontend"


@dataclass(frozen=True)
class Frontend:
    """What one frontend app holds: its settings, its sign-in helper, its users' state."""

    settings: FrontendSettings
    auth: FrontendAuth
    users: UserRegistry


def attach(app: Flask, frontend: Frontend) -> None:
    """Store the state on the app (the app factory calls this once)."""
    app.extensions[_EXTENSION] = frontend


def frontend_of(app: Flask) -> Frontend:
    """The state of a frontend app built by ``create_app``."""
    frontend = app.extensions.get(_EXTENSION)
    if not isinstance(frontend, Frontend):
        raise LookupError("not a frontend app: build it with frontend.app.create_app")
    return frontend
