"""Every kind of record the protocol flows store, in the order the admin reset reports them."""

from __future__ import annotations

from mock_entra.records.assertions import AssertionId
from mock_entra.records.base import Record
from mock_entra.records.codes import AuthorizationCode, CodeFamily
from mock_entra.records.consents import UserConsent
from mock_entra.records.device_codes import DeviceAuthorization, DevicePoll, UserCode
from mock_entra.records.pending import PendingAuthorization
from mock_entra.records.refresh_tokens import RefreshToken
from mock_entra.records.sessions import SsoSession

RECORD_KINDS: tuple[type[Record], ...] = (
    AuthorizationCode,
    CodeFamily,
    RefreshToken,
    SsoSession,
    PendingAuthorization,
    UserConsent,
    AssertionId,
    DeviceAuthorization,
    UserCode,
    DevicePoll,
)
