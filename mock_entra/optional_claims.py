"""Optional claims: what a token carries only because the app asked for it.

The resource app's ``optional_claims`` (token ``access``) shape the access tokens issued
*for* it; the client app's (token ``id``) shape its ID tokens
(optional-claims-reference: "When you add claims to the access token, the claims apply
to access tokens requested *for* the application"). Claims the mock knows:

- ``idtyp``: ``app`` in every app-only token; ``user`` in user tokens only with the
  ``include_user_token`` additional property;
- ``sid``, ``auth_time``, ``acct`` (0: a member), ``email``, ``login_hint`` (opaque;
  what ``logout_hint`` takes back);
- the v2 set (in v1 tokens by default): ``ipaddr``, ``upn``, ``family_name``,
  ``given_name``; the v1 set: ``preferred_username``, and ``aud`` with ``use_guid``
  (the resource's client id whatever identifier URI was asked for).
Other names are accepted in the tenant file and add nothing.
https://learn.microsoft.com/entra/identity-platform/optional-claims-reference
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from entra_kit.jose import b64url_decode, b64url_encode
from mock_entra.tenant.application import Application, OptionalClaim
from mock_entra.tenant.model import Tenant, User

LOGIN_HINT_PREFIX = "O."


@dataclass(frozen=True)
class Holder:
    """Whose token it is: what the optional claims are read from."""

    tenant: Tenant
    user: User
    version: int  # the token's (ID tokens: 2)
    sid: str | None = None
    auth_time: float | None = None


def login_hint(user: User, tenant: Tenant) -> str:
    """An opaque, stable hint naming the user ("don't modify this value")."""
    raw = json.dumps({"oid": user.oid, "tid": tenant.id}, separators=(",", ":")).encode()
    return LOGIN_HINT_PREFIX + b64url_encode(raw)


def login_hint_user(hint: str) -> tuple[str, str] | None:
    """(tenant id, oid) a ``login_hint`` claim's value names; None for anything else."""
    if not hint.startswith(LOGIN_HINT_PREFIX):
        return None
    try:
        named = json.loads(b64url_decode(hint[len(LOGIN_HINT_PREFIX) :]))
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(named, dict):
        return None
    tid, oid = named.get("tid"), named.get("oid")
    return (tid, oid) if isinstance(tid, str) and isinstance(oid, str) else None


Builder = Callable[[Holder, OptionalClaim], Any]

_BUILDERS: dict[str, Builder] = {
    "idtyp": lambda h, c: "user" if "include_user_token" in c.additional_properties else None,
    "sid": lambda h, c: h.sid,
    "auth_time": lambda h, c: int(h.auth_time) if h.auth_time else None,
    "acct": lambda h, c: 0,
    "email": lambda h, c: h.user.mail or h.user.upn,
    "login_hint": lambda h, c: login_hint(h.user, h.tenant),
    "ipaddr": lambda h, c: "127.0.0.1" if h.version == 2 else None,
    "upn": lambda h, c: h.user.upn,
    "family_name": lambda h, c: h.user.surname or None,
    "given_name": lambda h, c: h.user.given_name or None,
    "preferred_username": lambda h, c: h.user.upn if h.version == 1 else None,
}


def optional_claims(app: Application | None, token: str, holder: Holder) -> dict[str, Any]:
    """The claims ``app`` asks for in its ``token`` (``access`` or ``id``) tokens."""
    if app is None:
        return {}
    out: dict[str, Any] = {}
    for claim in app.optional_claims:
        builder = _BUILDERS.get(claim.name)
        if claim.token == token and builder is not None:
            value = builder(holder, claim)
            if value is not None:
                out[claim.name] = value
    return out


def guid_audience(app: Application) -> bool:
    """v1 access tokens: ``aud`` is the client id when the API sets ``aud`` + ``use_guid``."""
    return any(
        c.name == "aud" and c.token == "access" and "use_guid" in c.additional_properties
        for c in app.optional_claims
    )
