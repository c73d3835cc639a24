"""Pending authorize requests (store kind ``authreq``), between the sign-in and consent pages.

Stored for 10 minutes so any worker can continue the flow, and used up when the
code is issued: a replayed form finds it gone (AADSTS50089).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Self

from mock_entra.authorize.request import AuthorizeRequest
from mock_entra.records.base import Outcome, Record
from mock_entra.records.sessions import SsoSession
from mock_entra.store.engine import Store

TTL = 600  # Entra's sign-in flow token lasts about as long as a code


@dataclass(frozen=True)
class Auth:
    """Who signed in for a pending request, and how."""

    user: str  # oid
    sid: str
    auth_time: float
    amr: tuple[str, ...] = ("pwd",)

    @classmethod
    def of(cls, session: SsoSession) -> Auth:
        return cls(session.user, session.sid, session.auth_time, session.amr)


@dataclass(frozen=True)
class PendingAuthorization(Record):
    """Keyed by the request id the pages carry (form field and response header)."""

    KIND: ClassVar[str] = "authreq"

    request: AuthorizeRequest
    auth: Auth | None  # None until someone signed in
    created: float

    @property
    def request_id(self) -> str:
        return self.key

    def to_value(self) -> dict[str, Any]:
        auth = self.auth
        return {
            "request": self.request.to_dict(),
            "auth": None
            if auth is None
            else {
                "user": auth.user,
                "sid": auth.sid,
                "auth_time": auth.auth_time,
                "amr": list(auth.amr),
            },
            "created": self.created,
        }

    @classmethod
    def from_value(cls, key: str, value: Mapping[str, Any]) -> Self:
        raw = value.get("auth")
        auth = (
            None
            if raw is None
            else Auth(
                raw["user"], raw["sid"], float(raw["auth_time"]), tuple(raw.get("amr", ["pwd"]))
            )
        )
        return cls(key, AuthorizeRequest.from_dict(value["request"]), auth, float(value["created"]))

    def save_pending(self, store: Store) -> None:
        """Store it for ``TTL`` seconds from its creation (a re-save keeps the deadline)."""
        self.save(store, self.created + TTL)

    @classmethod
    def finish(cls, store: Store, request_id: str, now: float) -> bool:
        """Use it up; False when another submit already did (one code per request)."""
        return cls.redeem(store, request_id, now).outcome is Outcome.USED
