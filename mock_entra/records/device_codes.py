"""Device authorizations (store kind ``device_code``), their user codes and their polls.

RFC 8628 §3.2: the device gets a ``device_code`` to poll the token endpoint with and
the user a short ``user_code`` to type on the verification page. A
:class:`DeviceAuthorization` holds the request (tenant, client, scope) and its state:
pending, approved (who signed in, and how) or declined. :class:`UserCode` finds it from
the code the user typed; :class:`DevicePoll` keeps the time of the last poll apart, so
that a poll never writes over an approval made at the same moment.
https://learn.microsoft.com/entra/identity-platform/v2-oauth2-device-code
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import ClassVar

from mock_entra.records.base import Outcome, Record
from mock_entra.records.refresh_tokens import SignIn
from mock_entra.store.engine import Store

# Entra's user codes are nine upper-case letters and digits ("DQTCS7F4Z"); this
# alphabet leaves out the ones people misread (0/O, 1/I).
USER_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
USER_CODE_LENGTH = 9
# The look of Entra's device codes; the rest is random.
DEVICE_CODE_PREFIX = "DAQABAAEAAAD"


class DeviceStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"


def normalise_user_code(typed: str) -> str:
    """What a user typed, as the code is stored: upper case, no spaces or hyphens."""
    return "".join(c for c in typed.upper() if c not in " -")[:32]


@dataclass(frozen=True)
class DeviceAuthorization(Record):
    """Keyed by the device code."""

    KIND: ClassVar[str] = "device_code"

    tenant: str
    client_id: str
    scope: str
    user_code: str
    interval: int
    expires: float
    claims: str | None = None  # the request's claims (MSAL sends its capabilities)
    authority: str | None = None  # organizations or common: ``tenant`` is the user's once approved
    status: str = DeviceStatus.PENDING
    user: str | None = None  # oid, once approved
    sid: str | None = None
    auth_time: float | None = None
    amr: tuple[str, ...] = ()
    acrs: tuple[str, ...] = ()

    @classmethod
    def start(
        cls, store: Store, *, tenant: str, client_id: str, scope: str, claims: str | None,
        interval: int, expires: float, authority: str | None = None,
    ) -> DeviceAuthorization:  # fmt: skip
        """A new pending authorization, saved with its user code until ``expires``."""
        user_code = "".join(secrets.choice(USER_CODE_ALPHABET) for _ in range(USER_CODE_LENGTH))
        device = cls(
            DEVICE_CODE_PREFIX + secrets.token_urlsafe(96),
            tenant, client_id, scope, user_code, interval, expires, claims, authority,
        )  # fmt: skip
        device.save(store, expires)
        UserCode(user_code, device.key).save(store, expires)
        return device

    @classmethod
    def by_user_code(cls, store: Store, typed: str, now: float) -> DeviceAuthorization | None:
        """The live authorization a user code names (None: unknown, expired or used)."""
        found = UserCode.find(store, normalise_user_code(typed), now)
        return cls.find(store, found.device_code, now) if found else None

    @property
    def sign_in(self) -> SignIn:
        return SignIn(self.sid, self.auth_time, self.amr or ("pwd",), self.acrs)

    def approve(self, store: Store, tenant: str, user: str, sign_in: SignIn) -> None:
        """The user (of ``tenant``) signed in, and consented, on the verification page."""
        approved = replace(
            self, status=DeviceStatus.APPROVED, tenant=tenant, user=user, sid=sign_in.sid,
            auth_time=sign_in.auth_time, amr=sign_in.amr, acrs=sign_in.acrs,
        )  # fmt: skip
        approved.save(store, self.expires)

    def decline(self, store: Store) -> None:
        """The user cancelled on the verification page, or declined consent."""
        replace(self, status=DeviceStatus.DECLINED).save(store, self.expires)

    def use(self, store: Store, now: float) -> bool:
        """Use an approved authorization up: True for exactly one poll across workers."""
        used = DeviceAuthorization.redeem(store, self.key, now).outcome is Outcome.USED
        if used:  # gone: a later poll finds nothing ("bad_verification_code")
            for record, key in (
                (UserCode, self.user_code),
                (DevicePoll, self.key),
                (DeviceAuthorization, self.key),
            ):
                record.forget(store, key)
        return used

    def previous_poll(self, store: Store, now: float) -> float | None:
        """When the device polled before this poll (None for its first); records this one."""
        previous = DevicePoll.find(store, self.key, now)
        DevicePoll(self.key, now).save(store, self.expires)
        return previous.at if previous else None


@dataclass(frozen=True)
class UserCode(Record):
    """Keyed by the user code: the device code it stands for."""

    KIND: ClassVar[str] = "user_code"

    device_code: str


@dataclass(frozen=True)
class DevicePoll(Record):
    """Keyed by the device code: when the device last polled."""

    KIND: ClassVar[str] = "device_poll"

    at: float
