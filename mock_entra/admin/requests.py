"""Which endpoint a request hits, and for which tenant, client and user.

Read-only peeks, for fault matching and the request log: the grants do the real
work and the real checks. Nothing here trusts what it reads (an unverified
assertion's ``oid`` is only used to pick a fault, never to issue anything).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from entra_kit.jose import peek_claims
from mock_entra.admin.request_scope import Endpoint, RequestScope
from mock_entra.client_auth.credentials import basic_credentials
from mock_entra.errors import OAuthError
from mock_entra.grants import authorization_code, on_behalf_of, refresh_token
from mock_entra.records.codes import AuthorizationCode
from mock_entra.records.device_codes import DeviceAuthorization
from mock_entra.records.pending import PendingAuthorization
from mock_entra.records.refresh_tokens import RefreshToken
from mock_entra.tenant.model import Tenant

if TYPE_CHECKING:
    from mock_entra.admin.controls import AdminControls
    from mock_entra.context import Context

_ROUTE_TABLE: tuple[tuple[str, Endpoint], ...] = (
    (r"^/([^/]+)/oauth2/(?:v2\.0/)?token$", "token"),
    (r"^/([^/]+)/oauth2/(?:v2\.0/)?authorize$", "authorize"),
    (r"^/([^/]+)/(?:login|consent)$", "authorize"),
    (r"^/([^/]+)/(?:v2\.0/)?\.well-known/openid-configuration$", "discovery"),
    (r"^/([^/]+)/discovery/(?:v2\.0/)?keys$", "jwks"),
    (r"^/([^/]+)/oauth2/(?:v2\.0/)?logout$", "logout"),
    # The device authorization request (RFC 8628 §3.1); its polls are token requests.
    (r"^/([^/]+)/oauth2/(?:v2\.0/)?devicecode$", "devicecode"),
    # The verification pages: "Enter code" (no tenant in its path, as microsoft.com/
    # devicelogin) and its confirmation; the sign-in they lead to is ``authorize``'s.
    (r"^()/devicelogin$", "devicelogin"),
    (r"^/([^/]+)/deviceauth$", "devicelogin"),
    # Microsoft Graph's UserInfo (the discovery document's userinfo_endpoint).
    (r"^()/graph/oidc/userinfo$", "userinfo"),
    (r"^()/msi/token$", "managed_identity"),
    (r"^()/metadata/identity/oauth2/token$", "managed_identity"),
)
_ROUTES = tuple((re.compile(pattern), endpoint) for pattern, endpoint in _ROUTE_TABLE)
_MI_SELECTORS = ("client_id", "object_id", "principal_id")


def classify(path: str) -> tuple[Endpoint, str] | None:
    """(endpoint, tenant path segment) for the protocol endpoints; None for the rest."""
    if path.startswith("/_admin"):
        return None
    for pattern, endpoint in _ROUTES:
        match = pattern.match(path)
        if match:
            return endpoint, match.group(1)
    return None


def peek_params(query: bytes, form: tuple[tuple[str, str], ...] = ()) -> dict[str, str]:
    """Query and urlencoded form fields together, leniently (first value wins); never raises.

    The routes parse strictly (``authorize.params.parse_urlencoded``, the token form)
    and refuse what is malformed; this only picks the scope and the log's fields.
    """
    params: dict[str, str] = {}
    try:
        pairs = parse_qsl(query.decode("utf-8", "replace"), keep_blank_values=True)
    except ValueError:
        pairs = []
    for key, value in (*pairs, *form):
        params.setdefault(key, value)
    return params


def _basic_client(authorization: str | None) -> str | None:
    try:
        basic = basic_credentials(authorization)
    except ValueError:  # the token endpoint refuses it; no client to name
        return None
    return basic[0] if basic and basic[0] else None


def _client(params: Mapping[str, str], authorization: str | None) -> str | None:
    if params.get("client_id"):
        return params["client_id"]
    basic = _basic_client(authorization)
    if basic:
        return basic
    assertion = peek_claims(params.get("client_assertion", ""))
    return str(assertion["sub"]) if assertion.get("sub") else None


def _user_hint(ctx: Context, endpoint: Endpoint, params: Mapping[str, str]) -> str | None:
    """The user a request is about, as named by its parameters or the records they point to."""
    if endpoint == "authorize":
        return params.get("username") or params.get("login_hint")
    if endpoint != "token":
        return None
    grant = params.get("grant_type")
    if grant == authorization_code.GRANT_TYPE and params.get("code"):
        code = AuthorizationCode.peek(ctx.store, params["code"][:4096])
        return code.user if code else None
    if grant == refresh_token.GRANT_TYPE and params.get("refresh_token"):
        token = RefreshToken.peek(ctx.store, params["refresh_token"][:4096])
        return token.user if token else None
    if grant == on_behalf_of.GRANT_TYPE:
        claims = peek_claims(params.get("assertion", ""))
        return str(claims.get("oid") or claims.get("upn") or "") or None
    return params.get("username")


def _authreq_client(ctx: Context, params: Mapping[str, str]) -> str | None:
    """The client of a pending sign-in (the login and consent forms name only its id)."""
    request_id = params.get("request_id", "")
    if not request_id or len(request_id) > 64:
        return None
    pending = PendingAuthorization.find(ctx.store, request_id, ctx.now())
    return pending.request.client_id if pending and pending.request.client_id else None


def _managed_identity_tenant(
    ctx: Context, params: Mapping[str, str]
) -> tuple[Tenant | None, str | None]:
    selector = next((params[k].lower() for k in _MI_SELECTORS if params.get(k)), None)
    for tenant in ctx.directory.tenants:
        for identity in tenant.managed_identities:
            if selector in (None, identity.client_id, identity.principal_id):
                return tenant, identity.client_id
    return None, selector


def _bearer_claims(authorization: str | None) -> dict[str, Any]:
    """The claims of a bearer token, unverified (UserInfo checks it; this only scopes)."""
    scheme, _, token = (authorization or "").partition(" ")
    return peek_claims(token.strip()[:16384]) if scheme.lower() == "bearer" else {}


def _known_tenant(ctx: Context, segment: str) -> Tenant | None:
    try:
        return ctx.tenant(segment) if segment else None
    except OAuthError:
        return None


def _device_code_of(ctx: Context, params: Mapping[str, str]) -> DeviceAuthorization | None:
    """The pending authorization the "Enter code" form's ``otc`` names."""
    typed = params.get("otc", "")
    if not typed or len(typed) > 64:
        return None
    return DeviceAuthorization.by_user_code(ctx.store, typed, ctx.now())


def scope_of(
    admin: AdminControls,
    endpoint: Endpoint,
    segment: str,
    params: Mapping[str, str],
    authorization: str | None,
) -> RequestScope:
    """The request's scope for fault matching, the per-tenant clock and the log."""
    ctx = admin.ctx
    tenant: Tenant | None = None
    client: str | None
    hint: str | None = None
    if endpoint == "managed_identity":
        tenant, client = _managed_identity_tenant(ctx, params)
    elif endpoint == "userinfo":  # the Graph token names its tenant, app and user
        claims = _bearer_claims(authorization)
        tenant = _known_tenant(ctx, str(claims.get("tid", "")))
        client = str(claims.get("appid") or claims.get("azp") or "") or None
        hint = str(claims.get("oid") or "") or None
    else:
        tenant = _known_tenant(ctx, segment)
        client = _client(params, authorization)
        if client is None and endpoint in ("authorize", "devicelogin"):
            client = _authreq_client(ctx, params)
        device = _device_code_of(ctx, params) if endpoint == "devicelogin" else None
        if device is not None:
            tenant, client = _known_tenant(ctx, device.tenant), device.client_id
        hint = _user_hint(ctx, endpoint, params)
    user_keys: frozenset[str] = frozenset()
    if hint and tenant is not None:
        user = tenant.user(hint) or tenant.user(f"{hint}@{tenant.domain}")
        user_keys = frozenset({user.oid, user.upn.lower()}) if user else frozenset({hint.lower()})
    return RequestScope(
        endpoint=endpoint,
        tenant_id=tenant.id if tenant else None,
        client_id=client.lower()[:128] if client else None,
        user_keys=user_keys,
        grant_type=params.get("grant_type") if endpoint == "token" else None,
        clock_offset=admin.clock_offsets.get(tenant.id) if tenant else 0.0,
    )
