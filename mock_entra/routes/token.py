"""The token endpoint (v2 and the legacy v1 path): read the form, answer with the grant's body.

Everything else (which grant, its prechecks, client authentication) is
``grants.endpoint.token_response``'s.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from mock_entra import authorities
from mock_entra.context import Context, get_context
from mock_entra.errors import InvalidRequest, missing_parameter
from mock_entra.grants.endpoint import token_response, token_tenant

router = APIRouter(tags=["token"])

MAX_BODY = 64 * 1024
MAX_VALUE = 16 * 1024
NO_STORE = {"Cache-Control": "no-store, no-cache", "Pragma": "no-cache"}


async def read_form(request: Request) -> dict[str, str]:
    """The urlencoded body, refusing oversized, duplicated or non-form input."""
    if int(request.headers.get("content-length") or 0) > MAX_BODY:
        raise InvalidRequest(90100, "The request body is too large.")
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype != "application/x-www-form-urlencoded":
        raise missing_parameter("grant_type")
    form = await request.form(max_files=0, max_fields=64)
    params: dict[str, str] = {}
    for key, value in form.multi_items():
        if not isinstance(value, str) or len(value) > MAX_VALUE:
            raise InvalidRequest(90100, f"The parameter '{key[:40]}' is malformed or too long.")
        if key in params:
            raise InvalidRequest(
                9000411,
                f"The request is not properly formatted. The parameter '{key[:40]}' is duplicated.",
            )
        params[key] = value
    return params


async def _token(tenant: str, request: Request, ctx: Context, *, v1: bool) -> JSONResponse:
    if authorities.alias(tenant) is None:
        ctx.tenant(tenant)  # an unknown tenant is AADSTS90002 before the form is read
    form = await read_form(request)
    authorization = request.headers.get("authorization")
    t, authority = await run_in_threadpool(token_tenant, ctx, tenant, form, authorization)
    body = await run_in_threadpool(
        token_response, ctx, t, form, authorization, v1=v1, authority=authority
    )
    return JSONResponse(body, headers=NO_STORE)


@router.post("/{tenant}/oauth2/v2.0/token")
async def token_v2(
    tenant: str, request: Request, ctx: Context = Depends(get_context)
) -> JSONResponse:
    return await _token(tenant, request, ctx, v1=False)


@router.post("/{tenant}/oauth2/token")
async def token_v1(
    tenant: str, request: Request, ctx: Context = Depends(get_context)
) -> JSONResponse:
    return await _token(tenant, request, ctx, v1=True)
