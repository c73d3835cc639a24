"""The device code flow's browser half: the verification page (RFC 8628 §3.3).

The user opens ``verification_uri`` (Entra's is the one global
``https://microsoft.com/devicelogin``; the mock's is ``<base>/devicelogin``), types the
user code, confirms the app ("Are you trying to sign in to ...?", Entra's guard against
device-code phishing), then signs in on the same sign-in page as the code flow (SSO,
MFA policies and consent included). The pending request carries the device code
instead of a redirect URI, so the end is a page saying the device may go on, or that
it was cancelled. The codes a user may type wrong get Entra's codes
(reference-error-codes): 90119 InvalidUserCode (empty), 70018 BadVerificationCode
(unknown), 70019 CodeExpired, 90120 InvalidDeviceFlowRequest (already approved or
declined).
https://learn.microsoft.com/entra/identity-platform/v2-oauth2-device-code#authenticating-the-user
"""

from __future__ import annotations

from mock_entra.authorize.request import AuthorizeRequest
from mock_entra.context import Context
from mock_entra.errors import InvalidGrant, InvalidRequest
from mock_entra.records.base import Outcome
from mock_entra.records.device_codes import (
    DeviceAuthorization,
    DeviceStatus,
    UserCode,
    normalise_user_code,
)
from mock_entra.records.pending import Auth
from mock_entra.records.refresh_tokens import SignIn

VERIFICATION_PATH = "/devicelogin"


def verification_uri(ctx: Context) -> str:
    return ctx.base_url + VERIFICATION_PATH


def device_for_code(ctx: Context, typed: str) -> DeviceAuthorization:
    """The pending authorization a typed user code names, or the page's error."""
    code = normalise_user_code(typed)
    if not code:
        raise InvalidRequest(90119, "The user code is null or empty.")
    found = UserCode.present(ctx.store, code, ctx.now())
    if found.outcome is Outcome.EXPIRED:
        raise _expired()
    device = (
        DeviceAuthorization.find(ctx.store, found.record.device_code, ctx.now())
        if found.record
        else None
    )
    if device is None:
        raise InvalidGrant(
            70018, "Invalid verification code: that code didn't work. Check the code and try again."
        )
    if device.status != DeviceStatus.PENDING:
        raise InvalidRequest(90120, "The request was already authorized or declined.")
    return device


def sign_in_request(device: DeviceAuthorization) -> AuthorizeRequest:
    """The authorize request the verification page continues with: the device's, no redirect."""
    return AuthorizeRequest(
        tenant=device.tenant,
        client_id=device.client_id,
        redirect_uri="",
        response_mode="query",
        scope=device.scope,
        claims=device.claims,
        device_code=device.key,
        authority=device.authority,
    )


def _expired() -> InvalidGrant:
    return InvalidGrant(70019, "Verification code expired. Have the user retry the sign-in.")


def _pending_device(ctx: Context, req: AuthorizeRequest) -> DeviceAuthorization:
    found = DeviceAuthorization.present(ctx.store, req.device_code or "", ctx.now())
    if found.outcome is Outcome.EXPIRED:
        raise _expired()
    if found.record is None or found.record.status != DeviceStatus.PENDING:
        raise InvalidRequest(90120, "The request was already authorized or declined.")
    return found.record


def approve(ctx: Context, req: AuthorizeRequest, auth: Auth) -> None:
    """The user signed in (and consented): the device's next poll gets the tokens.

    ``req.tenant`` is the user's tenant by now (through an alias, maybe not the app's).
    """
    sign_in = SignIn(auth.sid, auth.auth_time, auth.amr)
    _pending_device(ctx, req).approve(ctx.store, req.tenant, auth.user, sign_in)


def decline(ctx: Context, req: AuthorizeRequest) -> None:
    """The user cancelled or declined consent: the device's next poll is declined."""
    _pending_device(ctx, req).decline(ctx.store)
