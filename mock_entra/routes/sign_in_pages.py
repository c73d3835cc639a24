"""The sign-in and consent pages of a pending authorize request, and their error texts.

Through a multi-tenant authority (``req.authority``: ``organizations`` or ``common``)
the sign-in page offers the users of every tenant and posts to ``<base>/<alias>/login``;
the user's tenant is known only once they signed in (``mock_entra.authorities``).
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.responses import Response

from mock_entra.authorize import flow, pages
from mock_entra.authorize.request import AuthorizeRequest
from mock_entra.context import Context
from mock_entra.tenant.model import Tenant, User


@dataclass(frozen=True)
class SignInFailure:
    """Why the sign-in form comes back: Entra's code, and the directory 50034 names.

    Its words are the page language's (``texts``: ``aadsts.<code>``), as on Entra's page.
    """

    code: int
    directory: str = ""


WRONG_PASSWORD = SignInFailure(50126)


def unknown_user(directory_name: str) -> SignInFailure:
    return SignInFailure(50034, directory_name)


def app_name(tenant: Tenant, req: AuthorizeRequest) -> str:
    app = tenant.app(req.client_id)
    return app.name if app else req.client_id


def tenant_name(tenant: Tenant) -> str:
    return tenant.display_name or tenant.domain


def sign_in_page(
    ctx: Context,
    tenant: Tenant,
    req: AuthorizeRequest,
    request_id: str,
    username: str = "",
    failure: SignInFailure | None = None,
) -> Response:
    """``tenant`` is the request's (the app's home tenant through an alias)."""
    headers = {pages.REQUEST_ID_HEADER: request_id}
    if failure is not None:
        headers[pages.ERROR_HEADER] = f"invalid_grant AADSTS{failure.code}"
    alias = req.authority
    users = [u for t in ctx.directory.tenants for u in t.users] if alias else tenant.users
    say = pages.translator(req.ui_locales)
    return pages.render(
        "sign_in.html",
        headers=headers,
        say=say,
        tenant_name="" if alias else tenant_name(tenant),
        app_name=app_name(tenant, req),
        action=ctx.endpoint(alias or tenant.id, "login"),
        request_id=request_id,
        users=users,
        username=username,
        error=say.aadsts(failure.code, directory=failure.directory) if failure else None,
        permissions=flow.permissions(tenant, req, say),
    )


def consent_page(
    ctx: Context, tenant: Tenant, req: AuthorizeRequest, request_id: str, user: User
) -> Response:
    """``tenant`` is the user's: consent is given in the user's tenant, as in Entra."""
    say = pages.translator(req.ui_locales)
    return pages.render(
        "consent.html",
        headers={pages.REQUEST_ID_HEADER: request_id},
        say=say,
        tenant_name=tenant_name(tenant),
        app_name=app_name(tenant, req),
        action=ctx.endpoint(tenant.id, "consent"),
        request_id=request_id,
        user_upn=user.upn,
        permissions=flow.permissions(tenant, req, say),
    )
