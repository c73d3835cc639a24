"""The discovery document's ``userinfo_endpoint`` and ``kerberos_endpoint``, answered.

``GET|POST <base>/graph/oidc/userinfo`` is Microsoft Graph's UserInfo (``mock_entra.userinfo``),
with Graph's error body (``{"error": {"code", "message", "innerError"}}``).

``<base>/<tenant>/kerberos`` is, in Entra, the Kerberos KDC proxy (MS-KKDCP) behind
Windows Hello for Business cloud Kerberos trust; the docs describe no answer a client
would read. The mock has no Kerberos: a POST answers 400 ``invalid_request`` saying so,
and other methods 405 (unverified: what Entra answers a non-Kerberos request is unknown).
https://learn.microsoft.com/entra/identity-platform/userinfo
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from mock_entra import authorities
from mock_entra.context import Context, get_context
from mock_entra.errors import InvalidRequest
from mock_entra.userinfo import (
    GRAPH_CHALLENGE,
    Refused,
    check_graph_token,
    graph_error,
    userinfo_claims,
)

router = APIRouter(tags=["userinfo"])
USERINFO_PATH = "/graph/oidc/userinfo"


def _graph_error(ctx: Context, refused: Refused) -> JSONResponse:
    body = graph_error(refused.code, refused.message, ctx.now_dt())
    return JSONResponse(body, status_code=refused.status, headers=GRAPH_CHALLENGE)


def userinfo(ctx: Context, authorization: str) -> JSONResponse:
    scheme, _, token = authorization.partition(" ")
    try:
        if scheme.lower() != "bearer" or not token.strip():
            raise Refused(401, "InvalidAuthenticationToken", "Access token is empty.")
        tenant, claims = check_graph_token(ctx, token.strip())
        user = tenant.user(str(claims.get("oid", "")))
        if user is None:
            raise Refused(401, "InvalidAuthenticationToken", "The user does not exist.")
    except Refused as refused:
        return _graph_error(ctx, refused)
    client = str(claims.get("appid") or claims.get("azp") or "")
    body: dict[str, Any] = userinfo_claims(user, tenant.id, client, set(str(claims["scp"]).split()))
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


# One route per method: a two-method api_route gives both the same OpenAPI operation id.
@router.get(USERINFO_PATH)
async def userinfo_get(request: Request, ctx: Context = Depends(get_context)) -> JSONResponse:
    """Microsoft Graph's OIDC UserInfo for a delegated Graph token with ``openid``."""
    return await run_in_threadpool(userinfo, ctx, request.headers.get("authorization", ""))


@router.post(USERINFO_PATH)
async def userinfo_post(request: Request, ctx: Context = Depends(get_context)) -> JSONResponse:
    """The same, POSTed (the OIDC UserInfo endpoint takes both)."""
    return await run_in_threadpool(userinfo, ctx, request.headers.get("authorization", ""))


@router.post("/{tenant}/kerberos", include_in_schema=False)
def kerberos(tenant: str, ctx: Context = Depends(get_context)) -> JSONResponse:
    if authorities.alias(tenant) is None:
        ctx.tenant(tenant)  # an unknown tenant is AADSTS90002, as at every tenant endpoint
    raise InvalidRequest(
        90100, "The mock identity platform serves no Kerberos (KDC proxy) requests."
    )
