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

from entra_kit.jose import b64url_encode
from mock_entra.admin.tokens import apply_token_faults
from mock_entra.context import Context
from mock_entra.jwt import sign
from mock_entra.tenant.model import Application, Tenant, User

# Entra back-dates iat/nbf by five minutes to absorb clock skew.
SKEW = 300


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
    client_acr: str = "1"  # 0 public client, 1 secret, 2 certificate
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


def access_token_claims(ctx: Context, s: Subject, now: float, lifetime: int) -> dict[str, Any]:
    tid = s.tenant.id
    version = s.resource.requested_access_token_version
    if version == 1:
        aud = (s.requested_resource or s.resource.primary_resource_uri).rstrip("/")
    else:
        aud = s.resource.client_id
    c: dict[str, Any] = {
        "aud": aud,
        "iss": ctx.issuer_for(tid, version),
        "iat": int(now) - SKEW,
        "nbf": int(now) - SKEW,
        "exp": int(now) + lifetime,
    }
    if s.user is not None:
        c["acr"] = "1"
        if s.acrs:
            c["acrs"] = list(s.acrs)
    c["aio"] = _opaque(42)
    if s.user is not None:
        c["amr"] = list(s.amr)
    if version == 1:
        c["appid"] = s.client_id
        c["appidacr"] = s.client_acr
    else:
        c["azp"] = s.client_id
        c["azpacr"] = s.client_acr
    if s.user is not None:
        u = s.user
        if version == 1:
            c["family_name"] = u.surname or None
            c["given_name"] = u.given_name or None
        if s.resource.group_membership_claims != "None":
            c["groups"] = s.tenant.user_group_ids(u)
        c["idtyp"] = "user"
        c["ipaddr"] = "127.0.0.1"
        c["name"] = u.display_name
        c["oid"] = u.oid
        if version == 2:
            c["preferred_username"] = u.upn
    else:
        c["idp"] = ctx.issuer_v1(tid) if version == 1 else ctx.issuer_v2(tid)
        c["idtyp"] = "app"
        c["oid"] = s.app_object_id or service_principal_oid(tid, s.client_id)
    c["rh"] = f"0.A{_opaque(48)}."
    if s.roles:
        c["roles"] = list(s.roles)
    if s.scopes:
        c["scp"] = " ".join(s.scopes)
    if s.sid:
        c["sid"] = s.sid
    principal = s.user.oid if s.user else c["oid"]
    c["sub"] = pairwise_sub(tid, s.resource.client_id, principal) if s.user else principal
    c["tid"] = tid
    if s.user is not None and version == 1:
        c["unique_name"] = s.user.upn
        c["upn"] = s.user.upn
    c["uti"] = _opaque(16)[:22]
    c["ver"] = "1.0" if version == 1 else "2.0"
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
    return {k: v for k, v in c.items() if v is not None}


def mint_access_token(ctx: Context, s: Subject, *, lifetime: int | None = None) -> tuple[str, int]:
    """Sign an access token with the tenant's active key; returns (token, expires_in)."""
    now = ctx.now()
    lifetime = lifetime or s.tenant.lifetimes.access_token
    claims = access_token_claims(ctx, s, now, lifetime)
    key = ctx.ring(s.tenant.id).signing_key(now)
    claims, signer = apply_token_faults(
        ctx, "access", claims, key, tenant_id=s.tenant.id, client_id=s.client_id,
        user_keys=_user_keys(s.user),
    )  # fmt: skip
    return sign(claims, signer, header_nonce=s.resource.header_nonce), lifetime


def mint_id_token(ctx: Context, claims: dict[str, Any], tenant: Tenant) -> str:
    key = ctx.ring(tenant.id).signing_key(ctx.now())
    user = tenant.user(str(claims.get("oid", "")))
    claims, signer = apply_token_faults(
        ctx, "id", claims, key, tenant_id=tenant.id, client_id=str(claims.get("aud", "")),
        user_keys=_user_keys(user),
    )  # fmt: skip
    return sign(claims, signer)


def _user_keys(user: User | None) -> frozenset[str]:
    return frozenset({user.oid, user.upn.lower()}) if user else frozenset()


def client_info(user: User, tenant: Tenant) -> str:
    """MSAL builds ``home_account_id`` = ``uid.utid`` from this."""
    raw = json.dumps({"uid": user.oid, "utid": tenant.id}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
