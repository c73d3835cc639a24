"""Per-user server state: chat history, the last OBO result, pending challenges.

Keyed by ``tid:oid`` (the ``oid`` is only unique within a tenant), so nothing is
ever shared between two users. Agents and MCP tools are not kept at all: each
chat turn builds its own with that turn's token.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from frontend.challenges import AttemptLog, Challenge

MAX_HISTORY = 40  # messages kept per user (user + assistant)


@dataclass
class UserState:
    """Everything the server remembers about one signed-in user."""

    key: str
    history: list[tuple[str, str]] = field(default_factory=list)
    obo: dict[str, Any] | None = None
    pending: Challenge | None = None
    attempts: AttemptLog = field(default_factory=AttemptLog)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def remember(self, role: str, text: str) -> None:
        """Append to the history, keeping it bounded."""
        self.history.append((role, text))
        del self.history[:-MAX_HISTORY]


class UserRegistry:
    """Thread-safe map from user key to state."""

    def __init__(self) -> None:
        self._users: dict[str, UserState] = {}
        self._lock = threading.Lock()

    @staticmethod
    def key_for(claims: dict[str, Any]) -> str:
        """The user's key from ID token claims."""
        return f"{claims.get('tid', '')}:{claims.get('oid') or claims.get('sub', '')}"

    def get(self, claims: dict[str, Any]) -> UserState:
        """The state of the user these claims belong to (created on first use)."""
        key = self.key_for(claims)
        with self._lock:
            state = self._users.get(key)
            if state is None:
                state = self._users[key] = UserState(key=key)
            return state

    def drop(self, claims: dict[str, Any]) -> None:
        """Forget a user entirely (sign-out)."""
        with self._lock:
            self._users.pop(self.key_for(claims), None)
