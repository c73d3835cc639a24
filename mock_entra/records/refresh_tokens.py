"""Refresh tokens (store kind ``rt``): rotated, revoked by family.

Entra's refresh tokens are multi-resource and opaque. Each use issues a successor in
the same family (:meth:`RefreshToken.rotate`) and leaves the used one good; under a
tenant's strict-rotation policy a token is one-time, and presenting a used one again
is treated as theft and revokes the whole family (RFC 9700 §4.14.2).
https://learn.microsoft.com/entra/identity-platform/refresh-tokens
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import ClassVar

from mock_entra.records.base import GrantSource
from mock_entra.store.engine import Store

# The look of Entra's refresh tokens ("1.A…"); the rest is random.
RT_PREFIX = "1.A"


@dataclass(frozen=True)
class SignIn:
    """How and when the user signed in, as every token of a grant repeats it."""

    sid: str | None = None  # the public session id (``sid`` claim)
    auth_time: float | None = None
    amr: tuple[str, ...] = ("pwd",)
    acrs: tuple[str, ...] = ()


@dataclass(frozen=True)
class RefreshToken(GrantSource):
    """A refresh token, keyed by itself, with the sign-in it carries forward."""

    KIND: ClassVar[str] = "rt"

    user: str  # oid
    family: str
    revoked: bool = False  # a field here: a replay or an admin revokes the whole family
    sid: str | None = None
    auth_time: float | None = None
    amr: tuple[str, ...] = ("pwd",)
    acrs: tuple[str, ...] = ()

    @classmethod
    def first(
        cls, *, tenant: str, client_id: str, user: str, sign_in: SignIn, family: str
    ) -> RefreshToken:
        """The first token of ``family`` (see :meth:`new_family`); not yet saved."""
        return cls(
            cls.new_key(),
            tenant,
            client_id,
            user,
            family,
            sid=sign_in.sid,
            auth_time=sign_in.auth_time,
            amr=sign_in.amr,
            acrs=sign_in.acrs,
        )

    @staticmethod
    def new_key() -> str:
        return RT_PREFIX + secrets.token_urlsafe(96)

    @staticmethod
    def new_family() -> str:
        return secrets.token_hex(16)

    @property
    def sign_in(self) -> SignIn:
        return SignIn(self.sid, self.auth_time, self.amr, self.acrs)

    def rotate(self) -> RefreshToken:
        """The successor in this token's family, for the same sign-in; not yet saved."""
        # Built field by field rather than with ``dataclasses.replace``: this is the hot path.
        return RefreshToken(
            self.new_key(),
            self.tenant,
            self.client_id,
            self.user,
            self.family,
            sid=self.sid,
            auth_time=self.auth_time,
            amr=self.amr,
            acrs=self.acrs,
        )

    def issued_family(self, store: Store) -> str | None:
        return self.family

    @classmethod
    def revoke_family(cls, store: Store, family: str) -> int:
        """Revoke every token of ``family`` (a replay: RFC 6749 §10.5, RFC 9700 §4.14.2)."""
        return store.update_where(cls.KIND, "family", family, {"revoked": True})

    @classmethod
    def revoke_user(cls, store: Store, tenant: str, user: str, now: float) -> int:
        """Revoke every live token issued for the user ``user`` (oid) of ``tenant``, to every
        client (Graph's ``revokeSignInSessions``): their families, so also the successors."""
        families = {
            value["family"]
            for _, value in store.items(cls.KIND, now)
            if value.get("tenant") == tenant and value.get("user") == user
        }
        return sum(cls.revoke_family(store, family) for family in families)
