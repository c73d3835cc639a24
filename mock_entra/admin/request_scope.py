"""What the current request is about: endpoint, tenant, client, user, grant, clock offset.

The control middleware fills this in once per request (a context variable, so
worker threads that serve the request see it too). Fault matching and the
per-tenant clock read it; the protocol code never does (it asks ``Context.controls``).
"""

from __future__ import annotations

from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from typing import Literal, get_args

Endpoint = Literal[
    "token",
    "authorize",
    "devicecode",
    "devicelogin",
    "discovery",
    "jwks",
    "logout",
    "managed_identity",
    "userinfo",
]
ENDPOINTS: tuple[Endpoint, ...] = get_args(Endpoint)


@dataclass
class RequestScope:
    endpoint: Endpoint
    tenant_id: str | None = None
    client_id: str | None = None
    # Every name the user is known by (oid and lower-case UPN), when the request names one.
    user_keys: frozenset[str] = frozenset()
    grant_type: str | None = None
    clock_offset: float = 0.0
    # Fault ids applied while serving this request (a fault counts once per request).
    applied: dict[str, dict[str, object]] = field(default_factory=dict)


_current: ContextVar[RequestScope | None] = ContextVar("mock_entra_request_scope", default=None)


def current() -> RequestScope | None:
    return _current.get()


def clock_offset() -> float:
    """Seconds the current request's tenant clock is moved by (0 outside a request)."""
    scope = _current.get()
    return scope.clock_offset if scope else 0.0


def enter(scope: RequestScope) -> Token[RequestScope | None]:
    return _current.set(scope)


def leave(token: Token[RequestScope | None]) -> None:
    _current.reset(token)
