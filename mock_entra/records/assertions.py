"""Client assertion ids seen (store kind ``jti``): a certificate assertion is good once.

RFC 7523 §3 lets the server refuse a replayed ``jti``; a record lives until the
assertion's own expiry (plus leeway), after which the assertion is refused anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from mock_entra.records.base import Record
from mock_entra.store.engine import Store


@dataclass(frozen=True)
class AssertionId(Record):
    """Keyed by ``<client id>|<jti>``; the value carries nothing more."""

    KIND: ClassVar[str] = "jti"

    @staticmethod
    def key_for(client_id: str, jti: str) -> str:
        return f"{client_id}|{jti}"

    @classmethod
    def seen(cls, store: Store, client_id: str, jti: str, now: float) -> bool:
        return cls.find(store, cls.key_for(client_id, jti), now) is not None

    @classmethod
    def remember(cls, store: Store, client_id: str, jti: str, expires: float) -> None:
        cls(cls.key_for(client_id, jti)).save(store, expires)
