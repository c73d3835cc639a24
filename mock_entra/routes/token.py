"""The token endpoint (v2 and the legacy v1 path): read the form, answer with the grant's body.

It is the mock's hot path, so POSTs are answered by the lean paths in front of the
router (``routes.lean``): no route matching over every path, no dependency
injection, no second parse of the form the control middleware already read, and
no hop to a worker thread (nothing in a grant waits on anything but the store).
The FastAPI routes below put the endpoint in the OpenAPI schema and make the router
answer other methods with Entra's 405; they serve POSTs only in an app built
without the lean paths (``create_app`` always installs them), with the same code.
Everything else (which grant, its prechecks, client authentication) is
``grants.endpoint.token_response``'s.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from mock_entra import authorities
from mock_entra.context import Context, get_context
from mock_entra.errors import InvalidRequest, missing_parameter
from mock_entra.form import FORM_TYPE, MAX_BODY, content_type, declared_length, form_of, header
from mock_entra.grants.endpoint import alias_tenant, token_response
from mock_entra.routes.responses import NoStoreJSON

router = APIRouter(tags=["token"])

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]

MAX_FIELDS = 64
MAX_VALUE = 16 * 1024


async def read_form(scope: Scope, receive: Receive) -> dict[str, str]:
    """The urlencoded body, refusing oversized, duplicated or non-form input."""
    length = declared_length(scope)
    if length is not None and length > MAX_BODY:
        raise InvalidRequest(90100, "The request body is too large.")
    if content_type(scope) != FORM_TYPE:
        raise missing_parameter("grant_type")
    form = await form_of(scope, receive)
    if form is None:  # a body without a length that grew past the limit
        raise InvalidRequest(90100, "The request body is too large.")
    if len(form.pairs) > MAX_FIELDS:
        raise InvalidRequest(90100, "The request is malformed.")
    params: dict[str, str] = {}
    for key, value in form.pairs:
        if len(value) > MAX_VALUE:
            raise InvalidRequest(90100, f"The parameter '{key[:40]}' is malformed or too long.")
        if key in params:
            raise InvalidRequest(
                9000411,
                f"The request is not properly formatted. The parameter '{key[:40]}' is duplicated.",
            )
        params[key] = value
    return params


async def answer(
    ctx: Context, tenant: str, scope: Scope, receive: Receive, *, v1: bool
) -> JSONResponse:
    """The token response for one request; an ``OAuthError`` for any refusal.

    ``tenant`` is the path's segment: a tenant, or an alias (``/organizations``,
    ``/common``, ``/consumers``) whose tenant comes from the request (``alias_tenant``).
    """
    alias = authorities.alias(tenant)
    if alias is None:
        t = ctx.tenant(tenant)  # an unknown tenant is AADSTS90002 before the form is read
    form = await read_form(scope, receive)
    authorization = header(scope, b"authorization")
    if alias is not None:
        t = alias_tenant(ctx, alias, form, authorization)
    body = token_response(ctx, t, form, authorization, v1=v1, authority=alias or "")
    return NoStoreJSON(body)


@router.post("/{tenant}/oauth2/v2.0/token")
async def token_v2(
    tenant: str, request: Request, ctx: Context = Depends(get_context)
) -> JSONResponse:
    return await answer(ctx, tenant, request.scope, request.receive, v1=False)


@router.post("/{tenant}/oauth2/token")
async def token_v1(
    tenant: str, request: Request, ctx: Context = Depends(get_context)
) -> JSONResponse:
    return await answer(ctx, tenant, request.scope, request.receive, v1=True)
