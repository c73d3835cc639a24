"""The mock's browser session (SSO): cookie ``mock_entra_session`` -> an ``SsoSession`` record.

``session_state`` (sent with every code, OIDC Session Management §2) is derived
from the session id, so the stored record stays exactly its contract shape.
https://learn.microsoft.com/entra/identity-platform/v2-protocols-oidc#single-sign-on
"""

from __future__ import annotations

import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from mock_entra.context import Context
from mock_entra.records.sessions import SsoSession
from mock_entra.tenant.model import Tenant, User

COOKIE = "mock_entra_session"
_STATE_NS = uuid.UUID("6f0c4f1e-3c55-4b7b-9a53-5b8a3c1d2e4f")
_MAX_SID = 128


def session_state(sid: str) -> str:
    """A stable, non-secret id for a session (OIDC ``session_state``)."""
    return str(uuid.uuid5(_STATE_NS, sid))


def create(ctx: Context, tenant: Tenant, user: User) -> SsoSession:
    return SsoSession.start(ctx.store, tenant.id, user.oid, ctx.now())


def _cookie_sid(request: Request) -> str | None:
    sid = request.cookies.get(COOKIE)
    return sid if sid and len(sid) <= _MAX_SID else None


def load(ctx: Context, request: Request) -> SsoSession | None:
    """The session the browser's cookie names, if it exists and has not expired."""
    sid = _cookie_sid(request)
    return SsoSession.find(ctx.store, sid, ctx.now()) if sid else None


def for_tenant(ctx: Context, request: Request, tenant: Tenant) -> tuple[SsoSession, User] | None:
    """The session and its user when both belong to ``tenant`` (a session is per tenant)."""
    session = load(ctx, request)
    if session is None or session.tenant != tenant.id:
        return None
    user = tenant.user(session.user)
    return (session, user) if user is not None else None


def for_request(
    ctx: Context, request: Request, tenant: Tenant, *, anywhere: bool = False
) -> tuple[Tenant, SsoSession, User] | None:
    """The session's tenant, the session and its user: in ``tenant``, or (``anywhere``,
    a multi-tenant authority) in any tenant of the tenant file."""
    if not anywhere:
        found = for_tenant(ctx, request, tenant)
        return (tenant, *found) if found else None
    sess = load(ctx, request)
    home = ctx.directory.view(sess.tenant) if sess else None
    user = home.user(sess.user) if home and sess else None
    return (home, sess, user) if home and sess and user else None


def end(ctx: Context, request: Request) -> None:
    sid = _cookie_sid(request)
    if sid:
        SsoSession.forget(ctx.store, sid)


def _cookie_flags(ctx: Context) -> dict[str, Any]:
    # Browsers drop SameSite=None cookies that are not Secure, so plain-HTTP test
    # runs use Lax; over HTTPS the cookie must survive the form_post cross-site POST.
    https = ctx.base_url.startswith("https://")
    return {"httponly": True, "secure": https, "samesite": "none" if https else "lax", "path": "/"}


def set_cookie(ctx: Context, response: Response, session: SsoSession) -> None:
    response.set_cookie(COOKIE, session.sid, **_cookie_flags(ctx))


def clear_cookie(ctx: Context, response: Response) -> None:
    response.delete_cookie(COOKIE, **_cookie_flags(ctx))
