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

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from mock_entra.authorize import flow, pages, session
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
from mock_entra.scopes import DEFAULT, parse_scopes
from mock_entra.tenant.model import Tenant, User

router = APIRouter(tags=["authorize"])

WRONG_PASSWORD = (
    "AADSTS50126: Error validating credentials due to invalid username or password. "
    "Your account or password is incorrect."
)


def _unknown_user(tenant: Tenant) -> str:
    return (
        f"AADSTS50034: The user account does not exist in the {tenant.domain} directory. "
        "To sign into this application, the account must be added to the directory."
    )


def _flow_expired() -> InvalidRequest:
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


# -- pages -----------------------------------------------------------------------------
def _app_name(tenant: Tenant, req: AuthorizeRequest) -> str:
    app = tenant.app(req.client_id)
    return app.name if app else req.client_id


def sign_in_page(
    ctx: Context,
    tenant: Tenant,
    req: AuthorizeRequest,
    request_id: str,
    username: str = "",
    error: str | None = None,
    code: int | None = None,
) -> Response:
    headers = {pages.REQUEST_ID_HEADER: request_id}
    if code is not None:
        headers[pages.ERROR_HEADER] = f"invalid_grant AADSTS{code}"
    return pages.render(
        "sign_in.html",
        headers=headers,
        tenant_name=tenant.display_name or tenant.domain,
        app_name=_app_name(tenant, req),
        action=ctx.endpoint(tenant.id, "login"),
        request_id=request_id,
        users=tenant.users,
        username=username,
        error=error,
        permissions=flow.permissions(tenant, req),
    )


def consent_page(
    ctx: Context, tenant: Tenant, req: AuthorizeRequest, request_id: str, user: User
) -> Response:
    return pages.render(
        "consent.html",
        headers={pages.REQUEST_ID_HEADER: request_id},
        tenant_name=tenant.display_name or tenant.domain,
        app_name=_app_name(tenant, req),
        action=ctx.endpoint(tenant.id, "consent"),
        request_id=request_id,
        user_upn=user.upn,
        permissions=flow.permissions(tenant, req),
    )


# -- the flow ----------------------------------------------------------------------------
def _issue(ctx: Context, tenant: Tenant, req: AuthorizeRequest, auth: flow.Auth) -> Response:
    code = flow.issue_code(ctx, tenant, req, auth)
    return pages.code_response(req.target, code, session.session_state(auth.sid))


def after_sign_in(
    ctx: Context,
    tenant: Tenant,
    req: AuthorizeRequest,
    auth: flow.Auth,
    user: User,
    pending: flow.Pending | None,
) -> Response:
    """Consent check, then the code (OIDC Core §3.1.2.4)."""
    missing = flow.missing_consent(ctx, tenant, req, user)
    if missing or req.prompt == "consent":
        if req.prompt == "none":
            return pages.error_redirect(
                ctx,
                req.target,
                InteractionRequired(
                    65001,
                    f"The user or administrator has not consented to use the application "
                    f"with ID '{req.client_id}' named '{_app_name(tenant, req)}'. Send an "
                    "interactive authorization request for this user and resource.",
                    suberror="consent_required",
                ),
            )
        rid = (
            flow.save(ctx, req, auth, pending.request_id, pending.created)
            if pending is not None
            else flow.save(ctx, req, auth)
        )
        return consent_page(ctx, tenant, req, rid, user)
    if pending is not None and not flow.finish(ctx, pending.request_id):
        return pages.error_page(ctx, _flow_expired(), tenant.display_name)
    return _issue(ctx, tenant, req, auth)


def start(ctx: Context, request: Request, tenant: Tenant, req: AuthorizeRequest) -> Response:
    """SSO when the session allows it (OIDC Core §3.1.2.3), else the sign-in page."""
    found = session.for_tenant(ctx, request, tenant)
    if flow.needs_sign_in(req, found, ctx.now()):
        if req.prompt == "none":
            return pages.error_redirect(
                ctx,
                req.target,
                LoginRequired(50058, "A silent sign-in request was sent but no user is signed in."),
            )
        rid = flow.save(ctx, req)
        selected = found[1].upn if found and req.prompt == "select_account" else ""
        return sign_in_page(ctx, tenant, req, rid, username=selected or req.login_hint or "")
    assert found is not None  # needs_sign_in is True without a session
    sess, user = found
    return after_sign_in(ctx, tenant, req, flow.Auth.of(sess), user, None)


def _authorize_handler(version: int) -> Callable[..., object]:
    async def handler(
        tenant: str, request: Request, ctx: Context = Depends(get_context)
    ) -> Response:
        got = await _tenant_and_params(ctx, request, tenant)
        if isinstance(got, Response):
            return got
        t, params = got
        try:
            req = validate(ctx.settings, t, params, version)
        except Untrusted as exc:
            return pages.error_page(ctx, exc.error, t.display_name)
        except Redirectable as exc:
            return pages.error_redirect(ctx, exc.target, exc.error)
        return await run_in_threadpool(start, ctx, request, t, req)

    handler.__doc__ = f"The v{version} authorization endpoint (GET, or POST with a form)."
    return handler


router.add_api_route(
    "/{tenant}/oauth2/v2.0/authorize",
    _authorize_handler(2),
    methods=["GET", "POST"],
    include_in_schema=False,
)
router.add_api_route(
    "/{tenant}/oauth2/authorize",
    _authorize_handler(1),
    methods=["GET", "POST"],
    include_in_schema=False,
)


def login(ctx: Context, request: Request, tenant: Tenant, form: dict[str, str]) -> Response:
    pending = flow.load(ctx, form.get("request_id"), tenant)
    if pending is None:
        return pages.error_page(ctx, _flow_expired(), tenant.display_name)
    username = form.get("username", "")
    user = flow.resolve_user(tenant, username)
    if user is None:
        return sign_in_page(
            ctx,
            tenant,
            pending.request,
            pending.request_id,
            username[:256],
            _unknown_user(tenant),
            50034,
        )
    # Constant-time comparison: no timing oracle on the mock's passwords either.
    if not hmac.compare_digest(form.get("password", "").encode(), user.password.encode()):
        return sign_in_page(
            ctx, tenant, pending.request, pending.request_id, username[:256], WRONG_PASSWORD, 50126
        )
    session.end(ctx, request)  # a fresh session id on every sign-in (no fixation)
    sess = session.create(ctx, tenant, user)
    response = after_sign_in(ctx, tenant, pending.request, flow.Auth.of(sess), user, pending)
    session.set_cookie(ctx, response, sess)
    return response


@router.post("/{tenant}/login", include_in_schema=False)
async def login_route(
    tenant: str, request: Request, ctx: Context = Depends(get_context)
) -> Response:
    """The sign-in form's target."""
    got = await _tenant_and_params(ctx, request, tenant)
    if isinstance(got, Response):
        return got
    return await run_in_threadpool(login, ctx, request, *got)


def consent(ctx: Context, tenant: Tenant, form: dict[str, str]) -> Response:
    """Accept records a user grant (then the code); decline is access_denied AADSTS65004 (A7)."""
    pending = flow.load(ctx, form.get("request_id"), tenant)
    if pending is None or pending.auth is None:
        return pages.error_page(ctx, _flow_expired(), tenant.display_name)
    decision = form.get("decision")
    err: OAuthError
    if decision not in ("accept", "decline"):
        err = InvalidRequest(90100, "The decision parameter must be 'accept' or 'decline'.")
        return pages.error_page(ctx, err, tenant.display_name)
    req = pending.request
    user = tenant.user(pending.auth.user)
    if user is None or not flow.finish(ctx, pending.request_id):
        return pages.error_page(ctx, _flow_expired(), tenant.display_name)
    if decision == "decline":
        err = AccessDenied(65004, "User declined to consent to access the app.")
        return pages.error_redirect(ctx, req.target, err)
    parsed = parse_scopes(tenant, req.scope)
    names = {n for n in parsed.names if n != DEFAULT}
    if parsed.resource is not None and names:
        grant_user_consent(ctx, tenant, req.client_id, parsed.resource, user, names)
    return _issue(ctx, tenant, req, pending.auth)


@router.post("/{tenant}/consent", include_in_schema=False)
async def consent_route(
    tenant: str, request: Request, ctx: Context = Depends(get_context)
) -> Response:
    """The consent form's target."""
    got = await _tenant_and_params(ctx, request, tenant)
    if isinstance(got, Response):
        return got
    t, form = got
    return await run_in_threadpool(consent, ctx, t, form)
