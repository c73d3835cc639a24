"""The storage interface: JSON values under (kind, key), each with an expiry.

Records (:mod:`mock_entra.records`) and the admin controls use only these
operations, so an engine other than SQLite (a Redis one, say) is one new module
that implements them. Times are the caller's clock (``Context.now()``), never the
engine's own: a test can move a tenant's clock and every expiry follows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class Consumed:
    """Result of ``consume``: ``value`` is None when the key is unknown or expired."""

    value: dict[str, Any] | None
    replayed: bool = False


class Store(Protocol):
    # -- one value ---------------------------------------------------------------------
    def put(self, kind: str, key: str, value: dict[str, Any], expires: float) -> None:
        """Create or replace (a replaced value is unused again)."""

    def get(self, kind: str, key: str, now: float) -> dict[str, Any] | None:
        """The value while it is live: not expired at ``now`` and not used."""

    def peek(self, kind: str, key: str) -> dict[str, Any] | None:
        """The value whatever its state (expired or used too): to tell 'expired' from 'unknown'."""

    def consume(self, kind: str, key: str, now: float) -> Consumed:
        """Use a live value up, atomically across workers: exactly one caller gets it.

        A value used before comes back with ``replayed=True``.
        """

    def take(self, kind: str, key: str, now: float) -> dict[str, Any] | None:
        """Spend one use of a counted value (``remaining`` uses, null: unlimited; ``hits``).

        Atomic across workers; None when unknown, expired or used up.
        """

    def delete(self, kind: str, key: str) -> None: ...

    # -- many values -------------------------------------------------------------------
    def put_many(self, kind: str, rows: list[tuple[str, dict[str, Any], float]]) -> None:
        """Several (key, value, expires) at once (one transaction where the engine has them)."""

    def items(self, kind: str, now: float) -> list[tuple[str, dict[str, Any]]]:
        """Every live (key, value) of ``kind``."""

    def latest(
        self, kind: str, now: float, limit: int, where: dict[str, str] | None = None
    ) -> list[tuple[str, dict[str, Any]]]:
        """Live values of ``kind``, highest key first, whose fields equal ``where``."""

    def update_where(self, kind: str, field: str, match: str, patch: dict[str, Any]) -> int:
        """Patch every value of ``kind`` whose ``field`` equals ``match``; how many changed."""

    def delete_kind(self, kind: str, *, expired_at: float | None = None) -> int:
        """Delete every value of ``kind`` (or only those expired at ``expired_at``)."""

    def close(self) -> None:
        """Let go of connections (before this process forks workers); later calls reopen."""

    # -- change counters ---------------------------------------------------------------
    def generation(self, name: str) -> int:
        """The counter ``name`` (0 before its first ``advance``): one cheap read.

        Workers cache what rarely changes and re-read it only when the counter moved.
        """

    def advance(self, name: str) -> int:
        """Move the counter ``name`` on, atomically across workers; its new value."""
