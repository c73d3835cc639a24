"""/authorize (v2 and v1), the sign-in form (/login) and the consent form (/consent).

Routers only translate HTTP: the checks live in ``mock_entra.authorize.request``,
the decisions in ``.flow``, the HTML in ``.pages``. Nothing here answers with
JSON: a browser is on the other end, so errors are pages or redirects.
Form contract (docs/CONTRACTS.md): POST ``<base>/<tid>/login`` with ``request_id``,
``username``, ``password``; POST ``<base>/<tid>/consent`` with ``request_id``,
``decision`` = accept | decline.
https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import replace

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from mock_entra.authorize import device, flow, pages, session
from mock_entra.authorize.params import read_params
from mock_entra.authorize.request import AuthorizeRequest, Redirectable, Untrusted, validate
from mock_entra.consent import grant_user_consent
from mock_entra.context import Context, get_context
from mock_entra.errors import (
    AccessDenied,
    InteractionRequired,
    InvalidRequest,
    LoginRequired,
    OAuthError,
)
from mock_entra.records.pending import Auth, PendingAuthorization
from mock_entra.routes.sign_in_pages import (
    WRONG_PASSWORD,
    app_name,
    consent_page,
    sign_in_page,
    tenant_name,
    unknown_user,
)
from mock_entra.scopes import DEFAULT, parse_scopes
from mock_entra.tenant.model import Tenant, User

router = APIRouter(tags=["authorize"])

# What a browser-facing route does once the tenant and parameters are read.
BrowserAction = Callable[[Context, Request, Tenant, dict[str, str]], Response]


def flow_expired() -> InvalidRequest:
    return InvalidRequest(
        50089, "Authentication failed due to flow token expired. Sign in again from the app."
    )


async def _tenant_and_params(
    ctx: Context, request: Request, tenant: str
) -> tuple[Tenant, dict[str, str]] | Response:
    try:
        t = ctx.tenant(tenant)
    except OAuthError as exc:
        return pages.error_page(ctx, exc)
    try:
        return t, await read_params(request)
    except OAuthError as exc:
        return pages.error_page(ctx, exc, t.display_name)


# -- the flow ----------------------------------------------------------------------------
def _issue(ctx: Context, tenant: Tenant, req: AuthorizeRequest, auth: Auth) -> Response:
    if req.device_code is not None:  # the verification page: the device polls for tokens
        return _device_done(ctx, tenant, req, auth)
    code = flow.issue_code(ctx, tenant, req, auth)
    return pages.code_response(req.target, code, session.session_state(auth.sid))


def _device_done(
    ctx: Context, tenant: Tenant, req: AuthorizeRequest, auth: Auth | None
) -> Response:
    """Approve the device code for ``auth`` (None: decline it); the page that ends the sign-in."""
    try:
        if auth is None:
            device.decline(ctx, req)
        else:
            device.approve(ctx, req, auth)
    except OAuthError as exc:  # expired, or answered in another window meanwhile
        return pages.error_page(ctx, exc, tenant_name(tenant))
    return pages.device_done(
        tenant_name(tenant),
        app_name(tenant, req),
        approved=auth is not None,
        ui_locales=req.ui_locales,
    )


def _not_consented(tenant: Tenant, req: AuthorizeRequest) -> InteractionRequired:
    return InteractionRequired(
        65001,
        f"The user or administrator has not consented to use the application with ID "
        f"'{req.client_id}' named '{app_name(tenant, req)}'. Send an interactive "
        "authorization request for this user and resource.",
        suberror="consent_required",
    )


def after_sign_in(
    ctx: Context,
    tenant: Tenant,
    req: AuthorizeRequest,
    auth: Auth,
    user: User,
    pending: PendingAuthorization | None,
) -> Response:
    """Consent check in the user's ``tenant``, then the code (OIDC Core §3.1.2.4)."""
    req = replace(req, tenant=tenant.id)  # through an alias: the user's tenant from now on
    try:
        missing = flow.missing_consent(ctx, tenant, req, user)
    except OAuthError as exc:  # the resource is not in the user's tenant (AADSTS500011)
        return pages.error_redirect(ctx, req.target, exc)
    if missing or req.prompt == "consent":
        if req.prompt == "none":
            return pages.error_redirect(ctx, req.target, _not_consented(tenant, req))
        rid = flow.save(ctx, req, auth, pending)
        return consent_page(ctx, tenant, req, rid, user)
    if pending is not None and not flow.finish(ctx, pending.request_id):
        return pages.error_page(ctx, flow_expired(), tenant.display_name)
    return _issue(ctx, tenant, req, auth)


def start(ctx: Context, request: Request, tenant: Tenant, req: AuthorizeRequest) -> Response:
    """SSO when the session allows it (OIDC Core §3.1.2.3), else the sign-in page."""
    found = session.for_request(ctx, request, tenant, anywhere=req.authority is not None)
    if flow.needs_sign_in(req, (found[1], found[2]) if found else None, ctx.now()):
        if req.prompt == "none":
            return pages.error_redirect(
                ctx,
                req.target,
                LoginRequired(50058, "A silent sign-in request was sent but no user is signed in."),
            )
        rid = flow.save(ctx, req)
        selected = found[2].upn if found and req.prompt == "select_account" else ""
        return sign_in_page(ctx, tenant, req, rid, username=selected or req.login_hint or "")
    assert found is not None  # needs_sign_in is True without a session
    user_tenant, sess, user = found
    return after_sign_in(ctx, user_tenant, req, Auth.of(sess), user, None)


def authorize(version: int) -> BrowserAction:
    """The v1 or v2 authorization endpoint: the checks, then SSO or the sign-in page."""

    def action(ctx: Context, request: Request, tenant: Tenant, params: dict[str, str]) -> Response:
        try:
            req = validate(ctx.settings, tenant, params, version)
        except Untrusted as exc:
            return pages.error_page(ctx, exc.error, tenant.display_name)
        except Redirectable as exc:
            return pages.error_redirect(ctx, exc.target, exc.error)
        return start(ctx, request, tenant, req)

    return action


UserLookup = Callable[[str], tuple[Tenant, User] | None]


def sign_in(
    ctx: Context,
    request: Request,
    tenant: Tenant,
    pending: PendingAuthorization,
    form: dict[str, str],
    find_user: UserLookup,
) -> Response:
    """The sign-in form of ``pending`` (``tenant``: the request's); ``find_user`` names the user."""
    username = form.get("username", "")[:256]
    found = find_user(username)
    if found is None:
        directory = pending.request.authority or tenant.domain
        failure = unknown_user(directory)
        return sign_in_page(ctx, tenant, pending.request, pending.request_id, username, failure)
    user_tenant, user = found
    # Constant-time comparison: no timing oracle on the mock's passwords either.
    if not hmac.compare_digest(form.get("password", "").encode(), user.password.encode()):
        return sign_in_page(
            ctx, tenant, pending.request, pending.request_id, username, WRONG_PASSWORD
        )
    session.end(ctx, request)  # a fresh session id on every sign-in (no fixation)
    sess = session.create(ctx, user_tenant, user)
    response = after_sign_in(ctx, user_tenant, pending.request, Auth.of(sess), user, pending)
    session.set_cookie(ctx, response, sess)
    return response


def login(ctx: Context, request: Request, tenant: Tenant, form: dict[str, str]) -> Response:
    pending = flow.load(ctx, form.get("request_id"), tenant)
    if pending is None:
        return pages.error_page(ctx, flow_expired(), tenant.display_name)

    def in_tenant(username: str) -> tuple[Tenant, User] | None:
        user = flow.resolve_user(tenant, username)
        return (tenant, user) if user is not None else None

    return sign_in(ctx, request, tenant, pending, form, in_tenant)


def consent(ctx: Context, request: Request, tenant: Tenant, form: dict[str, str]) -> Response:
    """Accept records a user grant (then the code); decline is access_denied AADSTS65004 (A7)."""
    pending = flow.load(ctx, form.get("request_id"), tenant)
    if pending is None or pending.auth is None:
        return pages.error_page(ctx, flow_expired(), tenant.display_name)
    decision = form.get("decision")
    err: OAuthError
    if decision not in ("accept", "decline"):
        err = InvalidRequest(90100, "The decision parameter must be 'accept' or 'decline'.")
        return pages.error_page(ctx, err, tenant.display_name)
    req = pending.request
    user = tenant.user(pending.auth.user)
    if user is None or not flow.finish(ctx, pending.request_id):
        return pages.error_page(ctx, flow_expired(), tenant.display_name)
    if decision == "decline" and req.device_code is not None:
        return _device_done(ctx, tenant, req, None)
    if decision == "decline":
        err = AccessDenied(65004, "User declined to consent to access the app.")
        return pages.error_redirect(ctx, req.target, err)
    parsed = parse_scopes(tenant, req.scope)
    names = {n for n in parsed.names if n != DEFAULT}
    if parsed.resource is not None and names:
        grant_user_consent(ctx, tenant, req.client_id, parsed.resource, user, names)
    return _issue(ctx, tenant, req, pending.auth)


def _route(action: BrowserAction, doc: str) -> Callable[..., object]:
    """A browser-facing route: tenant and parameters read (errors as pages), then ``action``."""

    async def route(tenant: str, request: Request, ctx: Context = Depends(get_context)) -> Response:
        got = await _tenant_and_params(ctx, request, tenant)
        if isinstance(got, Response):
            return got
        return await run_in_threadpool(action, ctx, request, *got)

    route.__doc__ = doc
    return route


_ROUTES: tuple[tuple[str, list[str], BrowserAction, str], ...] = (
    (
        "/{tenant}/oauth2/v2.0/authorize",
        ["GET", "POST"],
        authorize(2),
        "The v2 authorization endpoint (GET, or POST with a form).",
    ),
    (
        "/{tenant}/oauth2/authorize",
        ["GET", "POST"],
        authorize(1),
        "The v1 authorization endpoint (GET, or POST with a form).",
    ),
    ("/{tenant}/login", ["POST"], login, "The sign-in form's target."),
    ("/{tenant}/consent", ["POST"], consent, "The consent form's target."),
)
for _path, _methods, _action, _doc in _ROUTES:
    router.add_api_route(_path, _route(_action, _doc), methods=_methods, include_in_schema=False)
