"""The device code flow (RFC 8628) as Entra runs it: the device authorization endpoint and
the token endpoint's ``urn:ietf:params:oauth:grant-type:device_code`` grant.

https://learn.microsoft.com/entra/identity-platform/v2-oauth2-device-code

Polling answers, each 400 with Entra's code (reference-error-codes):

- ``authorization_pending`` AADSTS70016 (AuthorizationPending) while the user is on
  the verification page;
- ``slow_down``: the device doc lists no such answer (Entra may never send it); RFC
  8628 §3.5 defines it as a variant of pending, so the mock sends it, with 70016,
  when a device polls sooner than ``interval`` after its previous poll (unverified);
- ``authorization_declined``: the user cancelled or declined consent. The doc gives
  no code; the mock uses AADSTS65004 (UserDeclinedConsent), the code of a declined
  consent (unverified);
- ``bad_verification_code`` AADSTS70018 (BadVerificationCode): a device code never
  issued, already redeemed, or issued to another client or tenant;
- ``expired_token`` AADSTS70019 (CodeExpired) after ``expires_in``.

A device code is redeemed once; the refresh token it brings works as any other.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mock_entra.authorize.device import verification_uri
from mock_entra.context import Context
from mock_entra.errors import (
    AuthorizationDeclined,
    AuthorizationPending,
    BadVerificationCode,
    ExpiredToken,
    InvalidGrant,
    OAuthError,
    SlowDown,
    missing_parameter,
    unknown_client,
)
from mock_entra.grants.base import Grant
from mock_entra.grants.delegated import (
    delegated_grant,
    first_refresh_token,
    interactive_sign_in,
    user_token_response,
)
from mock_entra.grants.request import TokenRequest
from mock_entra.records.base import Outcome
from mock_entra.records.device_codes import DeviceAuthorization, DeviceStatus
from mock_entra.scopes import parse_scopes
from mock_entra.tenant.model import Tenant

GRANT_TYPE = "urn:ietf:params:oauth:grant-type:device_code"


def device_authorization(
    ctx: Context,
    tenant: Tenant,
    params: Mapping[str, str],
    *,
    v1: bool,
    authority: str | None = None,
) -> dict[str, Any]:
    """The device authorization response (RFC 8628 §3.2) as Entra words it.

    v2 fields: ``user_code``, ``device_code``, ``verification_uri``, ``expires_in``,
    ``interval``, ``message`` (captured in MicrosoftDocs/azure-docs#33126). The v1
    endpoint names the URI ``verification_url`` (MSAL.NET#984) and takes ``resource``;
    its tokens come with an ID token and a refresh token, as v1 grants do. Through an
    alias (``authority``), ``tenant`` is the app's home tenant until a user approves.
    """
    client_id = params.get("client_id")
    if not client_id:
        raise missing_parameter("client_id")
    if tenant.app(client_id) is None:
        raise unknown_client(client_id, tenant.display_name or tenant.domain)
    scope = params.get("scope") or ""
    if v1:
        resource = params.get("resource")
        if not resource:
            raise missing_parameter("resource")
        scope = f"{resource.rstrip('/')}/.default openid offline_access"
    parse_scopes(tenant, scope)
    policy, now = tenant.device_code, ctx.now()
    device = DeviceAuthorization.start(
        ctx.store, tenant=tenant.id, client_id=client_id, scope=scope,
        claims=params.get("claims"), interval=policy.interval, expires=now + policy.lifetime,
        authority=authority,
    )  # fmt: skip
    uri = verification_uri(ctx)
    return {
        "user_code": device.user_code,
        "device_code": device.key,
        "verification_url" if v1 else "verification_uri": uri,
        "expires_in": policy.lifetime,
        "interval": policy.interval,
        "message": (
            f"To sign in, use a web browser to open the page {uri} and enter the code "
            f"{device.user_code} to authenticate."
        ),
    }


def _bad_code() -> BadVerificationCode:
    return BadVerificationCode(
        70018, "The provided value for the 'device_code' is not valid: it was not recognized."
    )


def _pending(device: DeviceAuthorization, req: TokenRequest) -> OAuthError:
    now = req.ctx.now()
    previous = device.previous_poll(req.ctx.store, now)
    if previous is not None and now - previous < device.interval:
        return SlowDown(
            70016,
            f"OAuth 2.0 device flow error. Authorization is pending, and the device polls "
            f"faster than every {device.interval} seconds. Increase the interval by 5 seconds.",
        )
    return AuthorizationPending(
        70016, "OAuth 2.0 device flow error. Authorization is pending. Continue polling."
    )


def approved_device(req: TokenRequest) -> DeviceAuthorization:
    """The authorization the ``device_code`` names, approved and used up now; else the answer."""
    store, now = req.ctx.store, req.ctx.now()
    found = DeviceAuthorization.present(store, req.require("device_code"), now)
    if found.outcome is Outcome.EXPIRED:
        raise ExpiredToken(70019, "Verification code expired. Have the user retry the sign-in.")
    device = found.record
    if device is None or (device.tenant, device.client_id) != (
        req.tenant.id,
        req.client.app.client_id,
    ):
        raise _bad_code()
    if device.status == DeviceStatus.DECLINED:
        raise AuthorizationDeclined(65004, "The end user denied the authorization request.")
    if device.status == DeviceStatus.PENDING:
        raise _pending(device, req)
    if not device.use(store, now):  # another poll redeemed it a moment ago
        raise _bad_code()
    return device


def handle(req: TokenRequest) -> dict[str, Any]:
    device = approved_device(req)
    user = req.tenant.user(device.user or "")
    if user is None:
        raise InvalidGrant(50034, "The user account does not exist in the directory.")
    delegation = delegated_grant(req, parse_scopes(req.tenant, device.scope), user)
    sign_in = interactive_sign_in(req, delegation, device.sign_in, device.claims)
    refresh = first_refresh_token(req, delegation, sign_in)
    return user_token_response(req, delegation, sign_in, refresh)


def tenant_of(ctx: Context, params: Mapping[str, str]) -> str | None:
    found = DeviceAuthorization.peek(ctx.store, params.get("device_code") or "")
    return found.tenant if found else None


GRANT = Grant(GRANT_TYPE, handle, public_clients=True, tenant_of=tenant_of)
