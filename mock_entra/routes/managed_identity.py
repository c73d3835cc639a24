"""HTTP side of the managed identity endpoints (App Service and IMDS shapes)."""

from __future__ import annotations

import hmac
from collections.abc import Callable, Mapping
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from mock_entra.context import Context, get_context
from mock_entra.errors import OAuthError
from mock_entra.managed_identity import (
    IdentityNotFound,
    IdentityToken,
    app_service_body,
    identity_token,
    imds_body,
)

router = APIRouter(tags=["managed identity"])

APP_SERVICE_PATH = "/msi/token"
IMDS_PATH = "/metadata/identity/oauth2/token"


def _error(status: int, error: str, description: str) -> JSONResponse:
    return JSONResponse({"error": error, "error_description": description}, status_code=status)


def _token_answer(
    ctx: Context, params: Mapping[str, str], body: Callable[[IdentityToken, float], dict[str, Any]]
) -> JSONResponse:
    """The token in the protocol's shape, or the protocol's error body."""
    try:
        token = identity_token(ctx, params)
    except IdentityNotFound as exc:
        return _error(400, "invalid_request", str(exc))
    except OAuthError as exc:
        return _error(400, exc.error, exc.description)
    return JSONResponse(body(token, ctx.now()))


@router.get(APP_SERVICE_PATH)
def app_service_token(request: Request, ctx: Context = Depends(get_context)) -> JSONResponse:
    header = request.headers.get("x-identity-header", "")
    if not hmac.compare_digest(header.encode(), ctx.settings.identity_header.encode()):
        return _error(401, "unauthorized", "The X-IDENTITY-HEADER header is missing or wrong.")
    if request.query_params.get("api-version") != "2019-08-01":
        return _error(400, "invalid_request", "api-version must be 2019-08-01.")
    return _token_answer(ctx, request.query_params, app_service_body)


@router.get(IMDS_PATH)
def imds_token(request: Request, ctx: Context = Depends(get_context)) -> JSONResponse:
    if request.headers.get("metadata", "").lower() != "true":
        return _error(400, "invalid_request", "Required metadata header not specified")
    if not request.query_params.get("api-version"):
        return _error(400, "invalid_request", "Required query variable 'api-version' is missing")
    return _token_answer(ctx, request.query_params, imds_body)
