"""Build and sign tokens as Entra issues them.

Claim sets follow the Microsoft identity platform references:
- access tokens: https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference
- ID tokens: https://learn.microsoft.com/entra/identity-platform/id-token-claims-reference
The token *version* follows the resource app's ``requestedAccessTokenVersion``, not
the endpoint the client used, exactly as Entra does.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import uuid
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from entra_kit.jose import b64url_decode, b64url_encode
from mock_entra.client_auth.credentials import ClientAcr
from mock_entra.context import Context
from mock_entra.controls import TokenKind, UnsignedToken
from mock_entra.jwt import sign
from mock_entra.keys import SigningKey
from mock_entra.optional_claims import Holder, guid_audience, optional_claims
from mock_entra.tenant.application import Application
from mock_entra.tenant.model import Tenant, User

# Entra back-dates iat/nbf by five minutes to absorb clock skew.
SKEW = 300
AIO_PREFIX = "AWQA"


@dataclass(frozen=True)
class Subject:
    """Who and what a token speaks for."""

    tenant: Tenant
    client_id: str  # the calling app (azp/appid)
    resource: Application
    user: User | None = None
    scopes: tuple[str, ...] = ()  # delegated (scp)
    roles: tuple[str, ...] = ()  # application or user roles
    amr: tuple[str, ...] = ("pwd",)
    client_acr: ClientAcr = ClientAcr.SECRET
    requested_resource: str = ""  # the resource as the client named it (v1 aud)
    sid: str | None = None
    auth_time: float | None = None
    acrs: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)
    # App-only identities that are not app registrations (managed identities).
    app_object_id: str | None = None


def pairwise_sub(tenant_id: str, app_id: str, principal: str) -> str:
    """``sub`` is unique per principal *and* app, so two apps cannot correlate users."""
    digest = hashlib.sha256(f"{tenant_id}|{app_id}|{principal}".encode()).digest()
    return b64url_encode(digest)[:43]


def public_sid(session_id: str | None) -> str | None:
    """The ``sid`` claim names the session without revealing the cookie that holds it."""
    if not session_id:
        return None
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"mock-entra-session:{session_id}"))


@lru_cache(maxsize=1024)
def service_principal_oid(tenant_id: str, client_id: str) -> str:
    """A stable object id for an app's service principal in a tenant."""
    return str(uuid.uuid5(uuid.UUID(tenant_id), f"sp:{client_id}"))


def _opaque(n: int) -> str:
    return b64url_encode(secrets.token_bytes(n))


def _lifetime_claims(
    ctx: Context, s: Subject, version: int, now: float, lifetime: int
) -> dict[str, Any]:
    """``aud`` (v1: the resource as requested, v2: its client id), ``iss`` and the times."""
    if version == 1:
        aud = (s.requested_resource or s.resource.primary_resource_uri).rstrip("/")
    else:
        aud = s.resource.client_id
    return {
        "aud": aud,
        "iss": ctx.issuer_for(s.tenant.id, version),
        "iat": int(now) - SKEW,
        "nbf": int(now) - SKEW,
        "exp": int(now) + lifetime,
    }


def aio(amr: tuple[str, ...]) -> str:
    """Entra's opaque ``aio`` ("an internal claim used by Microsoft Entra ID to record data
    for token reuse. Resources shouldn't use this claim", access-token-claims-reference):
    here the sign-in methods, which a v2 access token does not state, so that On-Behalf-Of
    (and only it) knows them."""
    return AIO_PREFIX + b64url_encode(json.dumps(list(amr)).encode()) + "." + _opaque(24)


def amr_of(claims: dict[str, Any]) -> list[str]:
    """The sign-in methods of a token: its ``amr`` (v1), else what its ``aio`` keeps (v2)."""
    amr = claims.get("amr")
    if isinstance(amr, list):
        return [str(a) for a in amr]
    kept = str(claims.get("aio", ""))
    if not kept.startswith(AIO_PREFIX):
        return []
    try:
        methods = json.loads(b64url_decode(kept[len(AIO_PREFIX) :].split(".")[0]))
    except (ValueError, UnicodeDecodeError):
        return []
    return [str(m) for m in methods] if isinstance(methods, list) else []


def _authentication_claims(s: Subject, version: int) -> dict[str, Any]:
    """How the user (``acr``, ``acrs``, ``amr``) and the client (``appidacr``/``azpacr``) proved it.

    ``acr`` and ``amr`` are "only present in v1.0 tokens" (access-token-claims-reference).
    """
    c: dict[str, Any] = {}
    if s.user is not None:
        if version == 1:
            c["acr"] = "1"
        if s.acrs:
            c["acrs"] = list(s.acrs)
    c["aio"] = aio(s.amr) if s.user is not None else _opaque(42)
    if s.user is not None and version == 1:
        c["amr"] = list(s.amr)
    if version == 1:
        c["appid"] = s.client_id
        c["appidacr"] = str(s.client_acr)
    else:
        c["azp"] = s.client_id
        c["azpacr"] = str(s.client_acr)
    return c


# "If a user is a member of more groups than the overage limit (... 200 for JWT tokens ...),
# then Microsoft Entra ID doesn't emit the groups claim" (access-token-claims-reference).
GROUPS_OVERAGE_LIMIT = 200


def groups_claims(tenant: Tenant, user: User) -> dict[str, Any]:
    """``groups``, or past the limit the overage claim pointing at the user's groups.

    The endpoint is the Azure AD Graph URL the reference's note says Entra sends ("The URL
    returned will be an Azure AD Graph URL (i.e., graph.windows.net)"), which apps should
    not follow: they call Microsoft Graph's ``getMemberObjects`` (the fake Graph answers).
    """
    ids = tenant.user_group_ids(user)
    if len(ids) <= GROUPS_OVERAGE_LIMIT:
        return {"groups": ids}
    endpoint = f"https://graph.windows.net/{tenant.id}/users/{user.oid}/getMemberObjects"
    return {"_claim_names": {"groups": "src1"}, "_claim_sources": {"src1": {"endpoint": endpoint}}}


def _principal_claims(ctx: Context, s: Subject, version: int) -> dict[str, Any]:
    """The user's names and groups, or the app-only token's identity provider and oid."""
    tid, u = s.tenant.id, s.user
    if u is None:
        return {
            "idp": ctx.issuer_v1(tid) if version == 1 else ctx.issuer_v2(tid),
            "idtyp": "app",
            "oid": s.app_object_id or service_principal_oid(tid, s.client_id),
        }
    c: dict[str, Any] = {}
    if version == 1:
        c["family_name"] = u.surname or None
        c["given_name"] = u.given_name or None
    if s.resource.group_membership_claims != "None":
        c.update(groups_claims(s.tenant, u))
    # "v1.0 basic claims" (access-token-claims-reference); v2 only as an optional claim.
    if version == 1:
        c["ipaddr"] = "127.0.0.1"
    c.update(name=u.display_name, oid=u.oid)
    if version == 2:
        c["preferred_username"] = u.upn
    return c


def _grant_claims(s: Subject, version: int, oid: str) -> dict[str, Any]:
    """What the token grants (``roles``, ``scp``) and the subject, tenant and version."""
    tid = s.tenant.id
    c: dict[str, Any] = {"rh": f"0.A{_opaque(48)}."}
    if s.roles:
        c["roles"] = list(s.roles)
    if s.scopes:
        c["scp"] = " ".join(s.scopes)
    c["sub"] = pairwise_sub(tid, s.resource.client_id, s.user.oid) if s.user else oid
    c["tid"] = tid
    if s.user is not None and version == 1:
        c["unique_name"] = s.user.upn
        c["upn"] = s.user.upn
    c["uti"] = _opaque(16)[:22]
    c["ver"] = "1.0" if version == 1 else "2.0"
    return c


def access_token_claims(ctx: Context, s: Subject, now: float, lifetime: int) -> dict[str, Any]:
    """The claim set, in Entra's order; the resource's optional claims, then its extra
    claims and ``s.extra`` win.

    ``idtyp`` is ``app`` in app-only tokens ("by default it's only emitted for app-only
    tokens"); in user tokens, and ``sid``, only as the resource's optional claims: neither
    is in the access-token-claims-reference's payload table (optional-claims-reference).
    """
    version = s.resource.requested_access_token_version
    c = _lifetime_claims(ctx, s, version, now, lifetime)
    c.update(_authentication_claims(s, version))
    c.update(_principal_claims(ctx, s, version))
    c.update(_grant_claims(s, version, c["oid"]))
    if s.user is not None:
        holder = Holder(s.tenant, s.user, version, s.sid, s.auth_time)
        c.update(optional_claims(s.resource, "access", holder))
    if version == 1 and guid_audience(s.resource):
        c["aud"] = s.resource.client_id
    c.update(s.resource.extra_claims)
    c.update(s.extra)
    return {k: v for k, v in c.items() if v is not None}


def id_token_claims(
    ctx: Context,
    tenant: Tenant,
    client_id: str,
    user: User,
    now: float,
    *,
    nonce: str | None,
    sid: str | None,
    auth_time: float | None,
    email: bool = False,
) -> dict[str, Any]:
    c: dict[str, Any] = {
        "aud": client_id,
        "iss": ctx.issuer_v2(tenant.id),
        "iat": int(now) - SKEW,
        "nbf": int(now) - SKEW,
        "exp": int(now) + tenant.lifetimes.id_token,
        "aio": _opaque(42),
        "name": user.display_name,
        "nonce": nonce,
        "oid": user.oid,
        "preferred_username": user.upn,
        "rh": f"0.A{_opaque(48)}.",
        "sid": sid,
        "sub": pairwise_sub(tenant.id, client_id, user.oid),
        "tid": tenant.id,
        "uti": _opaque(16)[:22],
        "ver": "2.0",
    }
    if email:
        c["email"] = user.mail or user.upn
    if auth_time:
        c["auth_time"] = int(auth_time)
    holder = Holder(tenant, user, 2, sid, auth_time)
    c.update(optional_claims(tenant.app(client_id), "id", holder))  # the client's own
    return {k: v for k, v in c.items() if v is not None}


def _signed(
    ctx: Context,
    kind: TokenKind,
    claims: dict[str, Any],
    key: SigningKey,
    *,
    tenant_id: str,
    client_id: str,
    user: User | None,
    header_nonce: bool = False,
) -> str:
    """Sign after the controls' token hook (claim overrides, signing-key faults)."""
    token = ctx.controls.before_signing(
        UnsignedToken(kind, claims, key, tenant_id, client_id, _user_keys(user))
    )
    return sign(token.claims, token.key, header_nonce=header_nonce)


# Entra's default access-token lifetime: "a random value ranging between 60-90 minutes"
# (configurable-token-lifetimes), drawn for each token.
DEFAULT_ACCESS_LIFETIME = (3600, 5400)


def access_token_lifetime(tenant: Tenant) -> int:
    """The tenant's fixed access-token lifetime, else Entra's random 60-90 minutes."""
    fixed = tenant.lifetimes.access_token
    if fixed is not None:
        return fixed
    low, high = DEFAULT_ACCESS_LIFETIME
    return low + secrets.randbelow(high - low + 1)


def mint_access_token(ctx: Context, s: Subject, *, lifetime: int | None = None) -> tuple[str, int]:
    """Sign an access token with the tenant's active key; returns (token, expires_in), the
    lifetime ``exp`` states, so ``expires_in`` and ``ext_expires_in`` agree with it."""
    now = ctx.now()
    lifetime = lifetime or access_token_lifetime(s.tenant)
    claims = access_token_claims(ctx, s, now, lifetime)
    key = ctx.ring(s.tenant.id).signing_key(now)
    token = _signed(
        ctx, "access", claims, key, tenant_id=s.tenant.id, client_id=s.client_id, user=s.user,
        header_nonce=s.resource.header_nonce,
    )  # fmt: skip
    return token, lifetime


def mint_id_token(ctx: Context, claims: dict[str, Any], tenant: Tenant) -> str:
    key = ctx.ring(tenant.id).signing_key(ctx.now())
    user = tenant.user(str(claims.get("oid", "")))
    return _signed(
        ctx, "id", claims, key, tenant_id=tenant.id, client_id=str(claims.get("aud", "")),
        user=user,
    )  # fmt: skip


def _user_keys(user: User | None) -> frozenset[str]:
    return frozenset({user.oid, user.upn.lower()}) if user else frozenset()


def client_info(user: User, tenant: Tenant) -> str:
    """MSAL builds ``home_account_id`` = ``uid.utid`` from this."""
    raw = json.dumps({"uid": user.oid, "utid": tenant.id}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
