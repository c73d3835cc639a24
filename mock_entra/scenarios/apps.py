"""The app registrations a target's scenarios act with: the client that signs users in,
the API under test, and a daemon. The lab's are the shipped tenant's; a target
description (:mod:`mock_entra.scenarios.target`) gives its own."""

from __future__ import annotations

from dataclasses import dataclass

from entra_kit import shipped_tenant as shipped


@dataclass(frozen=True)
class Apps:
    web_client_id: str = shipped.WEB_CLIENT_ID
    web_secret: str = shipped.WEB_CLIENT_SECRET
    web_redirect: str = shipped.WEB_REDIRECT_URI
    api_client_id: str = shipped.API_CLIENT_ID
    api_app_id_uri: str = shipped.API_APP_ID_URI
    # The delegated scope the API requires, in full (``api://.../access_as_user``).
    api_scope: str = shipped.API_SCOPE
    # The API's own secret (a middle tier's OBO); None: the target did not give it.
    api_secret: str | None = shipped.API_CLIENT_SECRET
    daemon_client_id: str | None = shipped.DAEMON_CLIENT_ID
    daemon_secret: str | None = shipped.DAEMON_CLIENT_SECRET
    # Who ``user: alice`` signs in as (short name or UPN) and with which password.
    user: str = "alice"
    password: str | None = None

    def names(self) -> dict[str, str | None]:
        """The ``${...}`` names scenario files use for these apps."""
        return {
            "web_client_id": self.web_client_id, "web_secret": self.web_secret,
            "web_redirect": self.web_redirect, "api_client_id": self.api_client_id,
            "api_app_id_uri": self.api_app_id_uri, "api_scope": self.api_scope,
            "api_secret": self.api_secret, "daemon_client_id": self.daemon_client_id,
            "daemon_secret": self.daemon_secret,
        }  # fmt: skip

    def sign_in_as(self, user: str) -> tuple[str, str | None]:
        """(user, password) for a scenario's ``user:``: its ``alice`` is the target's user."""
        return (self.user, self.password) if user == "alice" else (user, None)
