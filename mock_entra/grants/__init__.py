"""One module per grant type, each exposing ``GRANT_TYPE`` and ``handle``; dispatched by dict."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mock_entra.grants import (
    authorization_code,
    client_credentials,
    on_behalf_of,
    refresh_token,
)
from mock_entra.grants.common import TokenRequest

Handler = Callable[[TokenRequest], dict[str, Any]]

GRANTS: dict[str, Handler] = {
    m.GRANT_TYPE: m.handle
    for m in (authorization_code, refresh_token, client_credentials, on_behalf_of)
}
