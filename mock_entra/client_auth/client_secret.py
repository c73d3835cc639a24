"""``client_secret_post`` and ``client_secret_basic``: the secret against the app's secrets.

https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow#redeem-a-code-for-an-access-token
"""

from __future__ import annotations

import hmac

from mock_entra.client_auth.credentials import Attempt, ClientAcr
from mock_entra.errors import InvalidClient


def check_secret(attempt: Attempt, secret: str) -> ClientAcr:
    """AADSTS7000215 for a wrong secret, 7000222 for an expired one (compared in constant time)."""
    app, now = attempt.app, attempt.ctx.now_dt()
    for registered in app.secrets:
        if hmac.compare_digest(registered.value.encode(), secret.encode()):
            if registered.expired(now):
                raise InvalidClient(
                    7000222,
                    f"The provided client secret keys for app '{app.client_id}' are "
                    "expired. Visit the Azure portal to create new keys for your app.",
                )
            return ClientAcr.SECRET
    raise InvalidClient(
        7000215,
        "Invalid client secret provided. Ensure the secret being sent in the request "
        "is the client secret value, not the client secret ID, for a secret added to app "
        f"'{app.client_id}'.",
    )


def posted_secret(attempt: Attempt) -> ClientAcr:
    """``client_secret`` in the form body."""
    return check_secret(attempt, attempt.params["client_secret"])


def basic_secret(attempt: Attempt) -> ClientAcr:
    """The secret of the ``Authorization: Basic`` header."""
    assert attempt.basic is not None  # the method is only chosen with a Basic header
    return check_secret(attempt, attempt.basic[1])
