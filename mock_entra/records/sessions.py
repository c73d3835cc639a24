"""The mock's browser sessions (SSO), store kind ``session``, keyed by the cookie's value.

The stored value is ``{tenant, user (oid), auth_time, amr}`` (docs/CONTRACTS.md).
https://learn.microsoft.com/entra/identity-platform/v2-protocols-oidc#single-sign-on
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import ClassVar

from mock_entra.records.base import Record
from mock_entra.store.engine import Store

# Entra's browser session lasts until the browser closes (or 24 h persistent);
# the store needs an expiry, and a working day is long enough for any test or demo.
LIFETIME = 12 * 3600


@dataclass(frozen=True)
class SsoSession(Record):
    KIND: ClassVar[str] = "session"

    tenant: str
    user: str  # oid
    auth_time: float
    amr: tuple[str, ...] = ("pwd",)

    @property
    def sid(self) -> str:
        """The session id: the cookie's value, a secret (the ``sid`` claim is derived from it)."""
        return self.key

    @classmethod
    def end_all_of(cls, store: Store, tenant: str, user: str, now: float) -> int:
        """End every browser session of the user ``user`` (oid) in ``tenant``; how many."""
        ended = [
            key
            for key, value in store.items(cls.KIND, now)
            if value.get("tenant") == tenant and value.get("user") == user
        ]
        for key in ended:
            cls.forget(store, key)
        return len(ended)

    @classmethod
    def start(cls, store: Store, tenant: str, user: str, now: float) -> SsoSession:
        """A new session with a fresh id (a fresh id on every sign-in: no fixation)."""
        session = cls(secrets.token_urlsafe(32), tenant, user, now)
        session.save(store, now + LIFETIME)
        return session
