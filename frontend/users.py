"""Per-user server state: chat history, the last OBO result, pending challenges.

Keyed by ``tid:oid`` (the ``oid`` is only unique within a tenant), so nothing is
ever shared between two users. Agents and MCP tools are not kept at all: each
chat turn builds its own with that turn's token.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Literal

from frontend.challenges import AttemptLog, Challenge

MAX_HISTORY = 80  # entries kept per user: messages and the tool rows between them

EntryKind = Literal["user", "assistant", "tool_call", "tool_result"]


@dataclass(frozen=True)
class ChatEntry:
    """One row of the chat as the page shows it: a message, or a tool call or its result."""

    kind: EntryKind
    text: str = ""
    name: str = ""  # the tool's name (tool rows)
    data: Any = None  # the tool's arguments or result (tool rows)
    error: bool = False  # the tool failed (tool results)

    @property
    def is_message(self) -> bool:
        """Whether the model sees this row again next turn (tool rows are display only)."""
        return self.kind in ("user", "assistant")


@dataclass
class UserState:
    """Everything the server remembers about one signed-in user."""

    key: str
    history: list[ChatEntry] = field(default_factory=list)
    obo: dict[str, Any] | None = None
    pending: Challenge | None = None
    attempts: AttemptLog = field(default_factory=AttemptLog)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def offer_reauth(self, challenge: Challenge) -> bool:
        """One re-auth per challenge within the window, then a clear message (no loops)."""
        with self.lock:
            allowed = self.attempts.allow(challenge)
            self.pending = challenge if allowed else None
        return allowed

    def remember(self, *entries: ChatEntry) -> None:
        """Append to the history, keeping it bounded."""
        self.history.extend(entries)
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
