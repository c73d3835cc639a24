"""The sign-in and consent pages of a pending authorize request, and their error texts.

Through a multi-tenant authority (``req.authority``: ``organizations`` or ``common``)
the sign-in page offers the users of every tenant and posts to ``<base>/<alias>/login``;
the user's tenant is known only once they signed in (``mock_entra.authorities``).
"""

from __future__ import annotations

from starlette.responses import Response

from mock_entra.authorize import flow, pages
from mock_entra.authorize.request import AuthorizeRequest
from mock_entra.context import Context
from mock_entra.tenant.model import Tenant, User

WRONG_PASSWORD = (
    "AADSTS50126: Error validating credentials due to invalid username or password. "
    "Your account or password is incorrect."
)


def unknown_user(directory_name: str) -> str:
    return (
        f"AADSTS50034: The user account does not exist in the {directory_name} directory. "
        "To sign into this application, the account must be added to the directory."
    )


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
    error: str | None = None,
    code: int | None = None,
) -> Response:
    """``tenant`` is the request's (the app's home tenant through an alias)."""
    headers = {pages.REQUEST_ID_HEADER: request_id}
    if code is not None:
        headers[pages.ERROR_HEADER] = f"invalid_grant AADSTS{code}"
    alias = req.authority
    users = [u for t in ctx.directory.tenants for u in t.users] if alias else tenant.users
    return pages.render(
        "sign_in.html",
        headers=headers,
        tenant_name="" if alias else tenant_name(tenant),
        app_name=app_name(tenant, req),
        action=ctx.endpoint(alias or tenant.id, "login"),
        request_id=request_id,
        users=users,
        username=username,
        error=error,
        permissions=flow.permissions(tenant, req),
    )


def consent_page(
    ctx: Context, tenant: Tenant, req: AuthorizeRequest, request_id: str, user: User
) -> Response:
    """``tenant`` is the user's: consent is given in the user's tenant, as in Entra."""
    return pages.render(
        "consent.html",
        headers={pages.REQUEST_ID_HEADER: request_id},
        tenant_name=tenant_name(tenant),
        app_name=app_name(tenant, req),
        action=ctx.endpoint(tenant.id, "consent"),
        request_id=request_id,
        user_upn=user.upn,
        permissions=flow.permissions(tenant, req),
    )
