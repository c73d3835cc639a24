"""The browser half of the multi-tenant authorities: ``/<alias>/oauth2/v2.0/authorize``
(and v1) and ``/<alias>/login``, for ``common``, ``organizations`` and ``consumers``.

The app is found in its home tenant and must be multi-tenant (``authorities.registration``:
AADSTS50194, and 9002332 on ``/consumers``); the sign-in page offers every tenant's
users; once one signs in, the request continues in the user's tenant: SSO, consent
(consent page or an admin grant there) and the code are that tenant's, as in Entra.
Included before ``routes.authorize`` so that these literal paths win over ``/{tenant}``.
https://learn.microsoft.com/entra/identity-platform/howto-convert-app-to-be-multi-tenant
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from mock_entra import authorities
from mock_entra.authorize import pages
from mock_entra.authorize.params import read_params
from mock_entra.authorize.request import Redirectable, Untrusted, validate
from mock_entra.context import Context, get_context
from mock_entra.errors import OAuthError
from mock_entra.records.pending import PendingAuthorization
from mock_entra.routes.authorize import flow_expired, sign_in, start

router = APIRouter(tags=["authorize"])

AliasAction = Callable[[Context, Request, str, dict[str, str]], Response]


def authorize(version: int) -> AliasAction:
    def action(ctx: Context, request: Request, name: str, params: dict[str, str]) -> Response:
        try:
            registration = authorities.registration(ctx, name, params.get("client_id") or "")
            req = validate(ctx.settings, registration.home, params, version)
        except OAuthError as exc:  # the client is not verified yet: a page, no redirect
            return pages.error_page(ctx, exc)
        except Untrusted as exc:
            return pages.error_page(ctx, exc.error)
        except Redirectable as exc:
            return pages.error_redirect(ctx, exc.target, exc.error)
        return start(ctx, request, registration.home, replace(req, authority=name))

    return action


def login(ctx: Context, request: Request, name: str, form: dict[str, str]) -> Response:
    """The alias sign-in page's form: the user may belong to any tenant."""
    rid = form.get("request_id") or ""
    pending = PendingAuthorization.find(ctx.store, rid, ctx.now()) if len(rid) <= 64 else None
    if pending is None or pending.request.authority != name:
        return pages.error_page(ctx, flow_expired())
    home = ctx.tenant(pending.request.tenant)
    return sign_in(ctx, request, home, pending, form, lambda n: authorities.user_anywhere(ctx, n))


def _route(action: AliasAction, name: str) -> Callable[..., object]:
    async def route(request: Request, ctx: Context = Depends(get_context)) -> Response:
        try:
            params = await read_params(request)
        except OAuthError as exc:
            return pages.error_page(ctx, exc)
        return await run_in_threadpool(action, ctx, request, name, params)

    return route


for _name in sorted(authorities.ALIASES):
    for _path, _methods, _action in (
        ("oauth2/v2.0/authorize", ["GET", "POST"], authorize(2)),
        ("oauth2/authorize", ["GET", "POST"], authorize(1)),
        ("login", ["POST"], login),
    ):
        router.add_api_route(
            f"/{_name}/{_path}", _route(_action, _name), methods=_methods, include_in_schema=False
        )
