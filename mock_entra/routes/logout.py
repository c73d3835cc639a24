"""End-session endpoint (v2 ``/oauth2/v2.0/logout`` and v1 ``/oauth2/logout``).

Entra's v2 sign-out request: ``post_logout_redirect_uri`` "must match one of the redirect
URIs registered for your application"; without one (or with one that matches none; the
doc is silent on that case, and the mock, like the reports of Entra's generic "You signed
out of your account" page, shows its signed-out page and redirects nowhere) the user sees
a generic message. ``logout_hint`` is the ``login_hint`` optional claim's value and names
the account to sign out: the mock's browser holds one account, so a hint naming another
account leaves it signed in (nothing of the hinted account is here to end); a value that
is not a ``login_hint`` (a UPN, which the doc says not to send) is ignored. The client
comes from ``client_id`` or, unverified as Entra does for this purpose, the ``aud`` of
``id_token_hint``; with neither, any app of the tenant may own the URI (identity.flask
sends only post_logout_redirect_uri). A loopback URI matches on any port, as at authorize.
https://learn.microsoft.com/entra/identity-platform/v2-protocols-oidc#send-a-sign-out-request
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from entra_kit.jose import peek_claims
from mock_entra import authorities
from mock_entra.authorize import pages, redirect_uris, session
from mock_entra.authorize.params import read_params
from mock_entra.context import Context, get_context
from mock_entra.errors import OAuthError
from mock_entra.optional_claims import login_hint_user
from mock_entra.tenant.application import Application
from mock_entra.tenant.model import Tenant

router = APIRouter(tags=["logout"])


def hinted_client(id_token_hint: str | None) -> str | None:
    """The ``aud`` of an ID token, read without verifying it (only to pick the client)."""
    if not id_token_hint or id_token_hint.count(".") != 2:
        return None
    aud = peek_claims(id_token_hint).get("aud")
    return aud if isinstance(aud, str) else None


def allowed_post_logout(tenants: list[Tenant], uri: str | None, client_id: str | None) -> bool:
    """True when ``uri`` is a redirect URI of the client (or, no client named, of any app)."""
    if not uri:
        return False
    apps: list[Application] = [a for t in tenants for a in t.applications]
    if client_id:
        apps = [a for a in apps if a.client_id == client_id]
    return any(redirect_uris.registered(uri, a.redirect_uris) for a in apps)


def signs_out_this_browser(ctx: Context, request: Request, logout_hint: str | None) -> bool:
    """False only when ``logout_hint`` names an account other than the browser's."""
    hinted = login_hint_user(logout_hint) if logout_hint else None
    current = session.load(ctx, request)
    return hinted is None or current is None or hinted == (current.tenant, current.user)


def logout(
    ctx: Context, request: Request, tenant: Tenant | None, params: dict[str, str]
) -> Response:
    ends = signs_out_this_browser(ctx, request, params.get("logout_hint"))
    if ends:
        session.end(ctx, request)
    uri = params.get("post_logout_redirect_uri")
    client_id = params.get("client_id") or hinted_client(params.get("id_token_hint"))
    response: Response
    tenants = [tenant] if tenant is not None else list(ctx.directory.tenants)
    if uri is not None and allowed_post_logout(tenants, uri, client_id):
        state = params.get("state")
        target = uri + (("&" if "?" in uri else "?") + urlencode({"state": state}) if state else "")
        response = RedirectResponse(target, status_code=302)
    else:
        name = (tenant.display_name or tenant.domain) if tenant else ""
        response = pages.render("signed_out.html", tenant_name=name)
    if ends:
        session.clear_cookie(ctx, response)
    return response


async def _logout(tenant: str, request: Request, ctx: Context = Depends(get_context)) -> Response:
    """Sign the browser out of the mock (GET, or POST with a form as Entra allows)."""
    try:
        # /organizations, /common: the apps of every tenant of the file may own the URI.
        t = ctx.tenant(tenant) if authorities.alias(tenant) is None else None
        params = await read_params(request)
    except OAuthError as exc:
        return pages.error_page(ctx, exc)
    return await run_in_threadpool(logout, ctx, request, t, params)


for _path in ("/{tenant}/oauth2/v2.0/logout", "/{tenant}/oauth2/logout"):
    router.add_api_route(_path, _logout, methods=["GET", "POST"], include_in_schema=False)
