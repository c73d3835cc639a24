"""The mock's browser session (SSO): cookie ``mock_entra_session`` -> store kind ``session``.

The value is ``{tenant, user (oid), auth_time, amr}``. ``session_state`` (sent
with every code, OIDC Session Management §2) is derived from the session id so
the stored value stays exactly that shape.
https://learn.microsoft.com/entra/identity-platform/v2-protocols-oidc#single-sign-on
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from mock_entra.context import Context
from mock_entra.tenant.model import Tenant, User

COOKIE = "mock_entra_session"
KIND = "session"
# Entra's browser session lasts until the browser closes (or 24 h persistent);
# the store needs an expiry, and a working day is long enough for any test or demo.
LIFETIME = 12 * 3600
_STATE_NS = uuid.UUID("6f0c4f1e-3c55-4b7b-9a53-5b8a3c1d2e4f")


@dataclass(frozen=True)
class Session:
    sid: str
    tenant: str
    user: str  # oid
    auth_time: float
    amr: tuple[str, ...] = ("pwd",)

    @property
    def session_state(self) -> str:
        """A stable, non-secret id for this session (OIDC ``session_state``)."""
        return session_state(self.sid)


def session_state(sid: str) -> str:
    return str(uuid.uuid5(_STATE_NS, sid))


def create(ctx: Context, tenant: Tenant, user: User) -> Session:
    sid = secrets.token_urlsafe(32)
    now = ctx.now()
    value: dict[str, Any] = {
        "tenant": tenant.id,
        "user": user.oid,
        "auth_time": now,
        "amr": ["pwd"],
    }
    ctx.store.put(KIND, sid, value, now + LIFETIME)
    return Session(sid, tenant.id, user.oid, now)


def load(ctx: Context, request: Request) -> Session | None:
    """The session the browser's cookie names, if it exists and has not expired."""
    sid = request.cookies.get(COOKIE)
    if not sid or len(sid) > 128:
        return None
    value = ctx.store.get(KIND, sid, ctx.now())
    if value is None:
        return None
    return Session(
        sid,
        str(value["tenant"]),
        str(value["user"]),
        float(value["auth_time"]),
        tuple(value.get("amr", ["pwd"])),
    )


def for_tenant(ctx: Context, request: Request, tenant: Tenant) -> tuple[Session, User] | None:
    """The session and its user when both belong to ``tenant`` (a session is per tenant)."""
    session = load(ctx, request)
    if session is None or session.tenant != tenant.id:
        return None
    user = tenant.user(session.user)
    return (session, user) if user is not None else None


def end(ctx: Context, request: Request) -> None:
    sid = request.cookies.get(COOKIE)
    if sid and len(sid) <= 128:
        ctx.store.delete(KIND, sid)


def _cookie_flags(ctx: Context) -> dict[str, Any]:
    # Browsers drop SameSite=None cookies that are not Secure, so plain-HTTP test
    # runs use Lax; over HTTPS the cookie must survive the form_post cross-site POST.
    https = ctx.base_url.startswith("https://")
    return {"httponly": True, "secure": https, "samesite": "none" if https else "lax", "path": "/"}


def set_cookie(ctx: Context, response: Response, session: Session) -> None:
    response.set_cookie(COOKIE, session.sid, **_cookie_flags(ctx))


def clear_cookie(ctx: Context, response: Response) -> None:
    response.delete_cookie(COOKIE, **_cookie_flags(ctx))
