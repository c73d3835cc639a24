"""What happens after a request is valid: sign-in needed?, consent needed?, issue the code.

The pending request is a ``PendingAuthorization`` record between the pages, so any
worker can continue it; the code is an ``AuthorizationCode`` record, whose shape is
a contract with the token endpoint (docs/CONTRACTS.md).
https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from mock_entra.authorize.locales import Translator
from mock_entra.authorize.request import AuthorizeRequest
from mock_entra.consent import consented_scopes
from mock_entra.context import Context
from mock_entra.records.codes import AuthorizationCode
from mock_entra.records.pending import Auth, PendingAuthorization
from mock_entra.records.sessions import SsoSession
from mock_entra.scopes import DEFAULT, parse_scopes
from mock_entra.tenant.model import Tenant, User

_MAX_REQUEST_ID = 64


@dataclass(frozen=True)
class Permission:
    name: str
    description: str


# -- the pending request ----------------------------------------------------------
def save(
    ctx: Context,
    req: AuthorizeRequest,
    auth: Auth | None = None,
    pending: PendingAuthorization | None = None,
) -> str:
    """Store the request (again, keeping the id and deadline of ``pending``); its id."""
    request_id = pending.request_id if pending else secrets.token_urlsafe(24)
    created = pending.created if pending else ctx.now()
    PendingAuthorization(request_id, req, auth, created).save_pending(ctx.store)
    return request_id


def load(ctx: Context, request_id: str | None, tenant: Tenant) -> PendingAuthorization | None:
    """The pending request, if it exists, is fresh and belongs to ``tenant``."""
    if not request_id or len(request_id) > _MAX_REQUEST_ID:
        return None
    pending = PendingAuthorization.find(ctx.store, request_id, ctx.now())
    return pending if pending is not None and pending.request.tenant == tenant.id else None


def finish(ctx: Context, request_id: str) -> bool:
    """Use a pending request up; False when another submit already did (one code per request)."""
    return PendingAuthorization.finish(ctx.store, request_id, ctx.now())


# -- decisions ----------------------------------------------------------------------
def needs_sign_in(req: AuthorizeRequest, found: tuple[SsoSession, User] | None, now: float) -> bool:
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


def permissions(tenant: Tenant, req: AuthorizeRequest, say: Translator) -> list[Permission]:
    """What the consent and sign-in pages list, in the user's words where the tenant has them.

    ``say``: the page's language; a scope's description comes from the tenant file as is.
    """
    parsed = parse_scopes(tenant, req.scope)
    out: list[Permission] = []
    if parsed.oidc:
        profile = say.text("permission.profile").format(scopes=", ".join(parsed.oidc))
        out.append(Permission(say.text("permission.sign_in"), profile))
    if parsed.resource is not None:
        resource = parsed.resource.name
        for name in parsed.names:
            if name == DEFAULT:
                text = say.text("permission.default").format(resource=resource)
            else:
                scope = parsed.resource.scope(name)
                text = (scope.description if scope else "") or say.text("permission.scope").format(
                    scope=name, resource=resource
                )
            out.append(Permission(f"{resource}: {name}", text))
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
    """A one-time code with the exact record the token endpoint redeems."""
    now = ctx.now()
    code = AuthorizationCode(
        AuthorizationCode.new_key(),
        tenant=tenant.id,
        client_id=req.client_id,
        redirect_uri=req.redirect_uri,
        scope=req.scope,
        user=auth.user,
        nonce=req.nonce,
        code_challenge=req.code_challenge,
        code_challenge_method=req.code_challenge_method,
        auth_time=auth.auth_time,
        amr=auth.amr,
        sid=auth.sid,
        claims=req.claims,
        issued=now,
    )
    code.save(ctx.store, now + tenant.lifetimes.authorization_code)
    return code.key
