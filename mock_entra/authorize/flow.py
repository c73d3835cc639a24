"""What happens after a request is valid: sign-in needed?, consent needed?, issue the code.

The pending request lives in the store (kind ``authreq``, 10 minutes) between the
pages, so any worker can continue it. The code record's shape is a contract
with the token endpoint (docs/CONTRACTS.md).
https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from mock_entra.authorize.request import AuthorizeRequest
from mock_entra.authorize.session import Session
from mock_entra.consent import consented_scopes
from mock_entra.context import Context
from mock_entra.scopes import DEFAULT, parse_scopes
from mock_entra.tenant.model import Tenant, User

AUTHREQ = "authreq"
AUTHREQ_TTL = 600  # Entra's sign-in flow token lasts about as long as a code
CODE = "code"
# Entra's codes start with a version marker ("0.A…"); keep the look, not the content.
CODE_PREFIX = "0.A"


@dataclass(frozen=True)
class Auth:
    """Who signed in for a pending request, and how."""

    user: str  # oid
    sid: str
    auth_time: float
    amr: tuple[str, ...] = ("pwd",)

    @classmethod
    def of(cls, session: Session) -> Auth:
        return cls(session.user, session.sid, session.auth_time, session.amr)


@dataclass(frozen=True)
class Pending:
    request_id: str
    request: AuthorizeRequest
    auth: Auth | None
    created: float


@dataclass(frozen=True)
class Permission:
    name: str
    description: str


# -- the pending request ----------------------------------------------------------
def save(
    ctx: Context,
    req: AuthorizeRequest,
    auth: Auth | None = None,
    request_id: str | None = None,
    created: float | None = None,
) -> str:
    request_id = request_id or secrets.token_urlsafe(24)
    created = ctx.now() if created is None else created
    value: dict[str, Any] = {
        "request": req.to_dict(),
        "auth": None
        if auth is None
        else {
            "user": auth.user,
            "sid": auth.sid,
            "auth_time": auth.auth_time,
            "amr": list(auth.amr),
        },
        "created": created,
    }
    ctx.store.put(AUTHREQ, request_id, value, created + AUTHREQ_TTL)
    return request_id


def load(ctx: Context, request_id: str | None, tenant: Tenant) -> Pending | None:
    """The pending request, if it exists, is fresh and belongs to ``tenant``."""
    if not request_id or len(request_id) > 64:
        return None
    value = ctx.store.get(AUTHREQ, request_id, ctx.now())
    if value is None:
        return None
    req = AuthorizeRequest.from_dict(value["request"])
    if req.tenant != tenant.id:
        return None
    raw = value.get("auth")
    auth = (
        None
        if raw is None
        else Auth(raw["user"], raw["sid"], float(raw["auth_time"]), tuple(raw.get("amr", ["pwd"])))
    )
    return Pending(request_id, req, auth, float(value["created"]))


def finish(ctx: Context, request_id: str) -> bool:
    """Use a pending request up; False when another submit already did (one code per request)."""
    used = ctx.store.consume(AUTHREQ, request_id, ctx.now())
    return used.value is not None and not used.replayed


# -- decisions ----------------------------------------------------------------------
def needs_sign_in(req: AuthorizeRequest, found: tuple[Session, User] | None, now: float) -> bool:
    """OIDC Core §3.1.2.1: prompt=login/select_account, max_age, and a login_hint for someone else."""
    if found is None or req.prompt in ("login", "select_account"):
        return True
    session, user = found
    if req.max_age is not None and now - session.auth_time > req.max_age:
        return True
    hint = (req.login_hint or "").lower()
    return bool(hint) and hint not in (user.upn.lower(), user.oid, user.upn.lower().split("@")[0])


def missing_consent(ctx: Context, tenant: Tenant, req: AuthorizeRequest, user: User) -> list[str]:
    """Requested resource scopes the user (or an admin) has not consented to; .default needs none."""
    parsed = parse_scopes(tenant, req.scope)
    if parsed.resource is None:
        return []
    wanted = [n for n in parsed.names if n != DEFAULT]
    have = consented_scopes(ctx, tenant, req.client_id, parsed.resource, user)
    return [n for n in wanted if n not in have]


def permissions(tenant: Tenant, req: AuthorizeRequest) -> list[Permission]:
    """What the consent and sign-in pages list, in the user's words where the tenant has them."""
    parsed = parse_scopes(tenant, req.scope)
    out: list[Permission] = []
    if parsed.oidc:
        out.append(
            Permission("Sign you in", "View your basic profile (" + ", ".join(parsed.oidc) + ")")
        )
    if parsed.resource is not None:
        for name in parsed.names:
            if name == DEFAULT:
                text = f"Everything already granted to this app on {parsed.resource.name}"
            else:
                scope = parsed.resource.scope(name)
                text = (scope.description if scope else "") or f"{name} on {parsed.resource.name}"
            out.append(Permission(f"{parsed.resource.name}: {name}", text))
    return out


def resolve_user(tenant: Tenant, username: str) -> User | None:
    """A UPN, an oid, or a short name (``alice`` -> ``alice@<tenant domain>``)."""
    name = username.strip()
    if not name or len(name) > 256:
        return None
    user = tenant.user(name)
    if user is None and "@" not in name:
        user = tenant.user(f"{name}@{tenant.domain}") or next(
            (u for u in tenant.users if u.upn.lower().split("@")[0] == name.lower()), None
        )
    return user


# -- the code -------------------------------------------------------------------------
def issue_code(ctx: Context, tenant: Tenant, req: AuthorizeRequest, auth: Auth) -> str:
    """A one-time code (store kind ``code``) with the exact record the token endpoint redeems."""
    code = CODE_PREFIX + secrets.token_urlsafe(48)
    now = ctx.now()
    record: dict[str, Any] = {
        "tenant": tenant.id,
        "client_id": req.client_id,
        "redirect_uri": req.redirect_uri,
        "scope": req.scope,
        "user": auth.user,
        "nonce": req.nonce,
        "code_challenge": req.code_challenge,
        "code_challenge_method": req.code_challenge_method,
        "auth_time": auth.auth_time,
        "amr": list(auth.amr),
        "sid": auth.sid,
        "claims": req.claims,
        "issued": now,
    }
    ctx.store.put(CODE, code, record, now + tenant.lifetimes.authorization_code)
    return code
