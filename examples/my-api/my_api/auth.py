"""Entra access-token validation with PyJWT, the checks Microsoft lists for a web API.

https://learn.microsoft.com/en-us/entra/identity-platform/claims-validation: the
signature against the tenant's published keys (RS256 only; no key from the token
itself: ``jwk``/``jku``/``x5u`` are never read), ``aud``, ``iss`` for the token's
version, ``exp``/``nbf``/``iat`` with a small leeway, ``tid``, ``oid``, and the
delegated scope (``scp``); an app-only token (``idtyp: app``, ``roles``) is not a user.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import jwt

_GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class Refused(Exception):
    """A request this API does not take; ``error`` is the RFC 6750 §3.1 code."""

    def __init__(self, error: str, reason: str) -> None:
        super().__init__(reason)
        self.error = error
        self.reason = reason


def invalid(reason: str) -> Refused:
    return Refused("invalid_token", reason)


@dataclass(frozen=True)
class AuthSettings:
    authority: str  # https://login.microsoftonline.com, or the mock's base URL
    tenant_id: str
    client_id: str  # the API's application id: the aud of its v2 tokens
    scope: str  # the delegated scope every request needs
    ca_bundle: str | None = None  # the CA the authority's certificate chains to
    leeway_seconds: int = 60
    # Unknown kids refresh the keys at most this often (a token stream with made-up kids
    # must not turn into a stream of JWKS requests).
    min_refresh_seconds: float = 300.0

    @property
    def issuer(self) -> str:
        return f"{self.authority.rstrip('/')}/{self.tenant_id}/v2.0"

    @property
    def jwks_uri(self) -> str:
        return f"{self.authority.rstrip('/')}/{self.tenant_id}/discovery/v2.0/keys"


@dataclass
class SigningKeys:
    """The tenant's published keys, fetched once and refreshed for an unknown kid, boundedly."""

    settings: AuthSettings
    _keys: dict[str, Any] = field(default_factory=dict)
    _fetched: float = float("-inf")
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _fetch(self) -> None:
        verify: str | bool = self.settings.ca_bundle or True
        with httpx.Client(verify=verify, timeout=10) as client:
            document = client.get(self.settings.jwks_uri).raise_for_status().json()
        self._keys = {k["kid"]: jwt.PyJWK(k).key for k in document["keys"] if "kid" in k}
        self._fetched = time.monotonic()

    def key(self, kid: Any) -> Any:
        with self._lock:
            stale = time.monotonic() - self._fetched >= self.settings.min_refresh_seconds
            if kid not in self._keys and stale:
                try:
                    self._fetch()
                except (httpx.HTTPError, ValueError, KeyError) as exc:
                    raise invalid("the signing keys could not be fetched") from exc
            if kid not in self._keys:
                raise invalid("unknown signing key")
            return self._keys[kid]


def _bearer(authorization: str | None) -> str:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Refused("", "no bearer token")  # RFC 6750 §3.1: no error code
    return token.strip()


def _claims(token: str, settings: AuthSettings, keys: SigningKeys) -> dict[str, Any]:
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise invalid("not a JWT") from exc
    if header.get("alg") != "RS256":
        raise invalid("alg must be RS256")
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            keys.key(header.get("kid")),
            algorithms=["RS256"],
            audience=settings.client_id,
            issuer=settings.issuer,
            leeway=settings.leeway_seconds,
            options={"require": ["exp", "nbf", "iat", "iss", "aud", "tid", "oid"]},
        )
    except jwt.InvalidAudienceError as exc:
        raise invalid("audience") from exc
    except jwt.InvalidSignatureError as exc:
        raise invalid("signature") from exc
    except jwt.PyJWTError as exc:
        raise invalid(str(exc)) from exc
    return claims


def verify(authorization: str | None, settings: AuthSettings, keys: SigningKeys) -> dict[str, Any]:
    """The claims of a valid user token with the API's scope; :class:`Refused` otherwise."""
    claims = _claims(_bearer(authorization), settings, keys)
    if claims.get("ver") != "2.0":
        raise invalid("ver must be 2.0 for this API's tokens")
    if claims.get("tid") != settings.tenant_id:
        raise invalid("tenant")
    if not _GUID.match(str(claims.get("oid", ""))):
        raise invalid("oid must be a GUID")
    if claims.get("idtyp") == "app" or "scp" not in claims:
        raise Refused("insufficient_scope", "an app-only token is not a user")
    if settings.scope not in str(claims["scp"]).split():
        raise Refused("insufficient_scope", f"scope {settings.scope} is missing")
    return claims
