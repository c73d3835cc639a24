"""The device code flow over HTTP: the device authorization endpoint and the verification page.

- ``POST /{tenant}/oauth2/v2.0/devicecode`` (and the v1 ``/oauth2/devicecode``): JSON;
- ``GET /devicelogin``: "Enter code"; ``POST /devicelogin`` with ``otc`` (the field
  Entra's page names it by) answers the confirmation page;
- ``POST /{tenant}/deviceauth`` with ``request_id`` and ``decision`` = continue | cancel:
  the sign-in page (or SSO), then consent when needed, then the end page.

Framework-free decisions live in ``mock_entra.authorize.device`` and
``mock_entra.grants.device_code``; the sign-in itself is ``routes.authorize.start``'s.
https://learn.microsoft.com/entra/identity-platform/v2-oauth2-device-code
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from mock_entra import authorities
from mock_entra.authorize import device, flow, pages
from mock_entra.authorize.params import read_params
from mock_entra.context import Context, get_context
from mock_entra.errors import InvalidRequest, OAuthError, missing_parameter
from mock_entra.grants.device_code import device_authorization
from mock_entra.routes.authorize import flow_expired, start
from mock_entra.routes.responses import NoStoreJSON
from mock_entra.routes.token import read_form
from mock_entra.tenant.model import Tenant

router = APIRouter(tags=["device code"])


async def _device_authorization(
    tenant: str, request: Request, ctx: Context, *, v1: bool
) -> JSONResponse:
    name = authorities.alias(tenant)
    t = ctx.tenant(tenant) if name is None else None
    form = await read_form(request.scope, request.receive)
    if t is None:  # /organizations, /common: the app's home tenant until a user approves
        if not form.get("client_id"):
            raise missing_parameter("client_id")
        t = authorities.registration(ctx, str(name), form["client_id"]).home
    body = await run_in_threadpool(device_authorization, ctx, t, form, v1=v1, authority=name)
    return NoStoreJSON(body)


@router.post("/{tenant}/oauth2/v2.0/devicecode")
async def devicecode_v2(
    tenant: str, request: Request, ctx: Context = Depends(get_context)
) -> JSONResponse:
    return await _device_authorization(tenant, request, ctx, v1=False)


@router.post("/{tenant}/oauth2/devicecode")
async def devicecode_v1(
    tenant: str, request: Request, ctx: Context = Depends(get_context)
) -> JSONResponse:
    return await _device_authorization(tenant, request, ctx, v1=True)


def code_page(ctx: Context, code: str = "", error: OAuthError | None = None) -> Response:
    headers = {pages.ERROR_HEADER: f"{error.error} AADSTS{error.aadsts}"} if error else {}
    say = pages.translator()
    return pages.render(
        "device_login.html",
        say=say,
        status=200,
        headers=headers,
        action=device.verification_uri(ctx),
        code=code[:32],
        error=say.aadsts(error.aadsts, error.description) if error else None,
    )


def _app_name(tenant: Tenant, client_id: str) -> str:
    app = tenant.app(client_id)
    return app.name if app else client_id


def enter_code(ctx: Context, typed: str) -> Response:
    """The code the user typed: the app to confirm, or the code page again with why not."""
    try:
        found = device.device_for_code(ctx, typed)
        tenant = ctx.tenant(found.tenant)
    except OAuthError as exc:
        return code_page(ctx, typed, exc)
    req = device.sign_in_request(found)
    request_id = flow.save(ctx, req)
    return pages.render(
        "device_confirm.html",
        headers={pages.REQUEST_ID_HEADER: request_id},
        tenant_name=tenant.display_name or tenant.domain,
        app_name=_app_name(tenant, found.client_id),
        action=ctx.endpoint(tenant.id, "deviceauth"),
        request_id=request_id,
    )


def confirm(ctx: Context, request: Request, tenant: Tenant, form: dict[str, str]) -> Response:
    """Continue: sign in as for any authorize request; cancel: the device is declined."""
    name = tenant.display_name or tenant.domain
    pending = flow.load(ctx, form.get("request_id"), tenant)
    decision = form.get("decision")
    if pending is None or pending.request.device_code is None:
        return pages.error_page(ctx, flow_expired(), name)
    if decision not in ("continue", "cancel"):
        err = InvalidRequest(90100, "The decision parameter must be 'continue' or 'cancel'.")
        return pages.error_page(ctx, err, name)
    if not flow.finish(ctx, pending.request_id):
        return pages.error_page(
            ctx, InvalidRequest(90120, "The request was already authorized or declined."), name
        )
    if decision == "continue":
        return start(ctx, request, tenant, pending.request)
    try:
        device.decline(ctx, pending.request)
    except OAuthError as exc:
        return pages.error_page(ctx, exc, name)
    return pages.device_done(name, _app_name(tenant, pending.request.client_id), approved=False)


@router.get(device.VERIFICATION_PATH, include_in_schema=False)
def verification_page(ctx: Context = Depends(get_context)) -> Response:
    """Entra's "Enter code" page (``https://microsoft.com/devicelogin``)."""
    return code_page(ctx)


@router.post(device.VERIFICATION_PATH, include_in_schema=False)
async def verification_submit(request: Request, ctx: Context = Depends(get_context)) -> Response:
    try:
        form = await read_params(request)
    except OAuthError as exc:
        return code_page(ctx, error=exc)
    return await run_in_threadpool(enter_code, ctx, form.get("otc", ""))


@router.post("/{tenant}/deviceauth", include_in_schema=False)
async def device_confirm(
    tenant: str, request: Request, ctx: Context = Depends(get_context)
) -> Response:
    try:
        t = ctx.tenant(tenant)
        form = await read_params(request)
    except OAuthError as exc:
        return pages.error_page(ctx, exc)
    return await run_in_threadpool(confirm, ctx, request, t, form)
