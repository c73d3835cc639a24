"""The endpoints discovery names besides the protocol's own: every advertised URL answers.

- ``userinfo_endpoint`` (Entra's points at Microsoft Graph): the OIDC UserInfo response
  for a Graph access token this mock issued, ``sub`` as in the caller's ID tokens.
  https://learn.microsoft.com/entra/identity-platform/userinfo
- ``kerberos_endpoint``: Entra's Kerberos (cloud trust) endpoint takes Kerberos messages
  the mock cannot answer; it answers like an endpoint that refuses the request.
- ``check_session_iframe`` (v1): OpenID Connect Session Management's OP iframe. The mock
  has no script-readable session state, so the page always answers ``changed``: the
  relying party then asks ``prompt=none``, which the mock answers truthfully.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse

from entra_kit.jose import MalformedJwt, peek_jwt
from entra_kit.microsoft_apps import GRAPH_APP_ID, GRAPH_RESOURCE
from mock_entra.claims import pairwise_sub
from mock_entra.context import Context, get_context
from mock_entra.errors import InvalidRequest, OAuthError
from mock_entra.jwt import signature_problem

router = APIRouter(tags=["discovery"])

USERINFO_PATH = "/graph/oidc/userinfo"
_CHECK_SESSION = """<!DOCTYPE html><html><head><title>check session</title></head><body><script>
window.addEventListener("message", function (e) {
  if (typeof e.data === "string" && e.data.split(" ").length === 2) {
    e.source.postMessage("changed", e.origin);
  } else { e.source.postMessage("error", e.origin); }
});
</script></body></html>"""


def _graph_refusal(message: str) -> JSONResponse:
    """Graph's 401: ``InvalidAuthenticationToken`` with a Bearer challenge."""
    body = {"error": {"code": "InvalidAuthenticationToken", "message": message}}
    challenge = f'Bearer realm="", client_id="{GRAPH_APP_ID}"'
    return JSONResponse(body, status_code=401, headers={"WWW-Authenticate": challenge})


def _graph_token_claims(ctx: Context, token: str) -> dict[str, Any] | str:
    """The claims of a current Graph token signed by its tenant's key, or why it is refused."""
    try:
        header, claims = peek_jwt(token)
        tenant = ctx.tenant(str(claims.get("tid", "")))
    except (MalformedJwt, OAuthError):
        return "Access token is not a token of this identity platform."
    problem = signature_problem(ctx.ring(tenant.id), header, token, ctx.now())
    if problem:
        return f"Access token validation failure: {problem}"
    if claims.get("aud") not in (GRAPH_APP_ID, GRAPH_RESOURCE):
        return "Access token validation failure. Invalid audience."
    exp = claims.get("exp")
    if not isinstance(exp, int | float) or exp <= ctx.now():
        return "Lifetime validation failed, the token is expired."
    return claims


@router.api_route(USERINFO_PATH, methods=["GET", "POST"], include_in_schema=False)
def userinfo(request: Request, ctx: Context = Depends(get_context)) -> JSONResponse:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return _graph_refusal("Access token is empty.")
    claims = _graph_token_claims(ctx, token.strip())
    if isinstance(claims, str):
        return _graph_refusal(claims)
    tenant = ctx.tenant(str(claims["tid"]))
    user = tenant.user(str(claims.get("oid", "")))
    if user is None:
        return _graph_refusal("The user of this token does not exist in the directory.")
    client = str(claims.get("appid") or claims.get("azp") or "")
    info = {
        "sub": pairwise_sub(tenant.id, client, user.oid),
        "name": user.display_name,
        "family_name": user.surname,
        "given_name": user.given_name,
        "picture": f"https://{GRAPH_RESOURCE.removeprefix('https://')}/v1.0/me/photo/$value",
    }
    if user.mail or "@" in user.upn:
        info["email"] = user.mail or user.upn
    return JSONResponse(info)


@router.api_route("/{tenant}/kerberos", methods=["GET", "POST"], include_in_schema=False)
def kerberos(tenant: str, ctx: Context = Depends(get_context)) -> JSONResponse:
    ctx.tenant(tenant)
    raise InvalidRequest(
        90100, "The request is not a Kerberos message this identity platform can process."
    )


@router.get("/{tenant}/oauth2/checksession", include_in_schema=False)
def check_session(tenant: str, ctx: Context = Depends(get_context)) -> HTMLResponse:
    ctx.tenant(tenant)
    return HTMLResponse(_CHECK_SESSION, headers={"Cache-Control": "no-store"})
