"""A tenant's policies for its tokens: lifetimes, refresh-token use, the device code
flow's timing, and what the v2 endpoints do with ``resource``."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from mock_entra.tenant.base import Strict


class TokenLifetimes(Strict):
    """Seconds. Entra's defaults: access 60-90 min, ID 1 h, refresh 90 days, code 10 min.

    ``access_token`` unset is Entra's default: "a random value ranging between 60-90
    minutes (75 minutes on average)" for each token (configurable-token-lifetimes, access
    tokens); set, every access token lives exactly that long (a token lifetime policy's
    ``AccessTokenLifetime``; tests that check ``exp`` set it).
    """

    access_token: int | None = Field(default=None, ge=301)
    id_token: int = Field(default=3600, ge=301)
    refresh_token: int = Field(default=90 * 24 * 3600, ge=60)
    authorization_code: int = Field(default=600, ge=1)


# What the v2 endpoints do with an RFC 8707 ``resource`` parameter (mock_entra.resource_indicator).
ResourceParameterPolicy = Literal["match_scopes", "unsupported", "ignored"]


class RefreshTokenPolicy(Strict):
    """What using a refresh token does to it.

    Entra's default, and the mock's: "Refresh tokens aren't revoked when used to acquire
    new access tokens" (v2-oauth2-auth-code-flow#refresh-the-access-token). Every use
    answers with a new refresh token, and the one used stays good until it expires or
    is revoked. ``strict_rotation`` is not an Entra setting: it makes each refresh token
    one-time and treats a second use as theft, revoking the whole family (RFC 9700
    §4.14.2), to test a client against an authorization server that rotates.
    """

    strict_rotation: bool = False


class DeviceCodePolicy(Strict):
    """The device code flow's timing: "the user has 15 minutes to sign in. This is the
    default value for ``expires_in``" (v2-oauth2-device-code); Entra answers ``interval``
    5 (captured in MicrosoftDocs/azure-docs#33126). Tests may poll faster."""

    lifetime: int = Field(default=900, ge=1)
    interval: int = Field(default=5, ge=0, le=60)
