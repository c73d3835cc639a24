"""The on-behalf-of exchanger: the user's token for the backend → a token for downstream.

https://learn.microsoft.com/entra/identity-platform/v2-oauth2-on-behalf-of-flow

- One MSAL ``ConfidentialClientApplication`` per process (authority metadata and
  the credential are reused). MSAL's OBO call never reads its own cache, so MSAL's
  shared cache is switched off and tokens are cached here, keyed by the validated
  ``(tid, oid)`` of the caller and the scopes: never one user's token for another.
- Every result is checked to belong to the user it was asked for (``oid``/``tid``).
- Failures never fall back to the app's own identity, and the inbound token is
  never sent downstream in place of an OBO token.
- MSAL is synchronous (requests); calls run in a worker thread.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import anyio
import msal

from backend.obo.credentials import client_credential
from backend.obo.errors import EntraChallenge, OboError, from_entra_error
from backend.settings import BackendSettings
from entra_kit.jose import MalformedJwt, jwt_segment
from entra_kit.trust import TrustingSession

log = logging.getLogger("backend.obo")

REFRESH_MARGIN = 300  # seconds: like MSAL, never hand out a token about to expire


class _NoSharedCache(msal.TokenCache):
    """MSAL would keep every user's OBO tokens in one shared cache; we keep our own."""

    def add(self, event: dict[str, Any], now: Any = None) -> None:
        return None


@dataclass(frozen=True)
class Caller:
    """The validated identity an exchange is for (from the verifier, never from input)."""

    tenant_id: str
    oid: str
    assertion: str
    scopes: tuple[str, ...]


@dataclass(frozen=True)
class OboToken:
    access_token: str = field(repr=False)
    expires_on: int
    scopes: tuple[str, ...]
    claims: dict[str, Any]
    from_cache: bool = False


def unverified_claims(token: str) -> dict[str, Any]:
    """The payload of a token we just received over TLS from Entra: display and binding only."""
    try:
        return jwt_segment(token, 1)
    except MalformedJwt as exc:
        raise OboError("Entra returned a token that is not a JWT.") from exc


AppFactory = Callable[[BackendSettings], msal.ConfidentialClientApplication]


def build_msal_app(settings: BackendSettings) -> msal.ConfidentialClientApplication:
    """The MSAL app for this API, trusting ``ENTRA_CA_BUNDLE`` (system trust when empty)."""
    return msal.ConfidentialClientApplication(
        settings.backend_client_id,
        client_credential=client_credential(settings),
        authority=settings.authority,
        instance_discovery=settings.entra_instance_discovery,
        # Trust exactly ENTRA_CA_BUNDLE, whatever REQUESTS_CA_BUNDLE says (entra_kit.trust).
        http_client=TrustingSession(settings.ca_bundle, settings.obo_timeout_seconds),
        token_cache=_NoSharedCache(),
    )


class OboExchanger:
    def __init__(
        self,
        settings: BackendSettings,
        *,
        app_factory: AppFactory = build_msal_app,
        clock: Callable[[], float] = time.time,
        max_entries: int = 4096,
    ) -> None:
        self.settings = settings
        self.app_factory = app_factory
        self.clock = clock
        self.max_entries = max_entries
        self.exchanges = 0  # network exchanges done, for tests and metrics
        self._app: msal.ConfidentialClientApplication | None = None
        self._cache: OrderedDict[tuple[str, str, tuple[str, ...]], OboToken] = OrderedDict()

    async def _msal_app(self) -> msal.ConfidentialClientApplication:
        if self._app is None:
            try:
                self._app = await anyio.to_thread.run_sync(self.app_factory, self.settings)
            except Exception as exc:
                # Authority discovery failed (IdP down, TLS trust wrong): report, retry later.
                log.warning("MSAL app creation failed: %s: %s", type(exc).__name__, exc)
                raise OboError("The identity platform could not be reached.") from exc
        return self._app

    def _cached(self, key: tuple[str, str, tuple[str, ...]]) -> OboToken | None:
        token = self._cache.get(key)
        if token is None or token.expires_on - self.clock() < REFRESH_MARGIN:
            self._cache.pop(key, None)
            return None
        self._cache.move_to_end(key)
        return OboToken(token.access_token, token.expires_on, token.scopes, token.claims, True)

    async def token_for(self, caller: Caller, scopes: list[str]) -> OboToken:
        """An access token for ``scopes`` on behalf of ``caller``; raises ``OboError``."""
        if not caller.scopes:
            # App-only tokens have no user to act for (scenario D20/E3).
            raise OboError("An app-only token cannot be exchanged on behalf of a user.")
        key = (caller.tenant_id, caller.oid, tuple(sorted(scopes)))
        cached = self._cached(key)
        if cached is not None:
            return cached
        app = await self._msal_app()
        call = partial(
            app.acquire_token_on_behalf_of, user_assertion=caller.assertion, scopes=scopes
        )
        try:
            result = await anyio.to_thread.run_sync(call)
        except Exception as exc:
            # 5xx (MsalServiceError), timeouts, connection errors: no fallback, no retry here.
            log.warning("OBO call failed: %s", type(exc).__name__)
            raise OboError("The identity platform is unavailable; try again later.") from exc
        self.exchanges += 1
        if "access_token" not in result:
            log.info("OBO refused: %s %s", result.get("error"), result.get("error_codes"))
            raise from_entra_error(result, [self.settings.full_scope])
        token = self._bind(caller, scopes, result)
        self._cache[key] = token
        while len(self._cache) > self.max_entries:
            self._cache.popitem(last=False)
        return token

    def _bind(self, caller: Caller, scopes: list[str], result: dict[str, Any]) -> OboToken:
        access_token = str(result["access_token"])
        claims = unverified_claims(access_token)
        if claims.get("oid") != caller.oid or claims.get("tid") != caller.tenant_id:
            # Never hand one user another principal's token, whatever the IdP did.
            raise OboError("Entra returned a token for another principal; it was discarded.")
        expires_in = result.get("expires_in")
        expires_on = int(self.clock()) + int(expires_in if isinstance(expires_in, int) else 0)
        return OboToken(access_token, expires_on, tuple(scopes), claims)


__all__ = ["Caller", "EntraChallenge", "OboError", "OboExchanger", "OboToken"]
