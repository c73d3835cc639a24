"""The grants the token endpoint serves: one line per grant (discovery lists them in this order)."""

from __future__ import annotations

from mock_entra.errors import UnsupportedGrantType, missing_parameter
from mock_entra.grants import (
    authorization_code,
    client_credentials,
    device_code,
    on_behalf_of,
    refresh_token,
)
from mock_entra.grants.base import Grant

GRANTS: tuple[Grant, ...] = (
    authorization_code.GRANT,
    refresh_token.GRANT,
    client_credentials.GRANT,
    on_behalf_of.GRANT,
    device_code.GRANT,
)
_BY_TYPE = {grant.grant_type: grant for grant in GRANTS}


def grant_for(grant_type: str | None) -> Grant:
    """The grant a request names (authlib's ``AuthorizationServer.get_token_grant``)."""
    if not grant_type:
        raise missing_parameter("grant_type")
    grant = _BY_TYPE.get(grant_type)
    if grant is None:
        raise UnsupportedGrantType(
            70003, f"The app requested an unsupported grant type '{grant_type[:60]}'."
        )
    return grant
