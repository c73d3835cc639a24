"""The token endpoint (v2 and the legacy v1 path): parse, authenticate, dispatch by grant."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from mock_entra.client_auth import authenticate
from mock_entra.context import Context, get_context
from mock_entra.errors import InvalidRequest, UnsupportedGrantType
from mock_entra.grants import GRANTS, authorization_code, refresh_token
from mock_entra.grants.common import TokenRequest

router = APIRouter(tags=["token"])

MAX_BODY = 64 * 1024
MAX_VALUE = 16 * 1024
_PUBLIC_GRANTS = {authorization_code.GRANT_TYPE, refresh_token.GRANT_TYPE}
_NO_STORE = {"Cache-Control": "no-store, no-cache", "Pragma": "no-cache"}


async def read_form(request: Request) -> dict[str, str]:
    """The urlencoded body, refusing oversized, duplicated or non-form input."""
    if int(request.headers.get("content-length") or 0) > MAX_BODY:
        raise InvalidRequest(90100, "The request body is too large.")
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype != "application/x-www-form-urlencoded":
        raise InvalidRequest(
            900144, "The request body must contain the following parameter: 'grant_type'."
        )
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
    t = ctx.tenant(tenant)
    params = await read_form(request)
    grant_type = params.get("grant_type")
    if not grant_type:
        raise InvalidRequest(
            900144, "The request body must contain the following parameter: 'grant_type'."
        )
    handler = GRANTS.get(grant_type)
    if handler is None:
        raise UnsupportedGrantType(
            70003, f"The app requested an unsupported grant type '{grant_type[:60]}'."
        )
    if v1 and "resource" in params and "scope" not in params:
        # The v1 endpoint names a resource; its v2 equivalent is <resource>/.default.
        params["scope"] = f"{params['resource'].rstrip('/')}/.default"
    path = "oauth2/token" if v1 else "oauth2/v2.0/token"

    def run() -> dict[str, object]:
        if grant_type == authorization_code.GRANT_TYPE:
            authorization_code.precheck(ctx, t, params)
        client = authenticate(
            ctx,
            t,
            params,
            request.headers.get("authorization"),
            token_endpoint=ctx.endpoint(t.id, path),
            allow_public=grant_type in _PUBLIC_GRANTS,
        )
        return handler(TokenRequest(ctx, t, client, params, v1=v1))

    return JSONResponse(await run_in_threadpool(run), headers=_NO_STORE)


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
