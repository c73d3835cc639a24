"""One failure style for bad settings in every service.

A bad value stops the start with one line that names the variable and the problem:
``backend settings: BACKEND_PORT: Input should be less than or equal to 65535``.
:class:`SettingsError` is a ``SystemExit``: uncaught, it ends a command with that line
and no traceback; callers that want to go on (tests, ``stack check``) catch it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from pydantic import BaseModel, ValidationError

Model = TypeVar("Model", bound=BaseModel)


class SettingsError(SystemExit):
    """A setting is invalid; ``str()`` is one line naming the variable."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


def error_path(location: Sequence[int | str]) -> str:
    """``a.b.0`` for pydantic's ``loc`` (``<root>`` for a whole-model check)."""
    return ".".join(str(part) for part in location) or "<root>"


def first_error(err: ValidationError, *, with_count: bool = False) -> tuple[str, str]:
    """``(path, message)`` of the first problem; ``with_count`` notes how many more follow."""
    first = err.errors()[0]
    message = str(first["msg"]).removeprefix("Value error, ")
    if with_count and err.error_count() > 1:
        message += f" (and {err.error_count() - 1} more)"
    return error_path(first.get("loc", ())), message


def settings_line(service: str, err: ValidationError) -> str:
    """``<service> settings: FIELD: problem``; a cross-field check names its fields itself."""
    path, message = first_error(err)
    where = "" if path == "<root>" else f"{path.upper()}: "
    return f"{service} settings: {where}{message}"


def load_settings(service: str, cls: type[Model], **overrides: object) -> Model:
    """``cls(**overrides)`` (pydantic-settings reads env and .env), or a ``SettingsError``."""
    try:
        return cls(**overrides)
    except ValidationError as exc:
        raise SettingsError(settings_line(service, exc)) from None
