"""A fake Microsoft Graph: ``GET /v1.0/me``, the OIDC UserInfo ``GET|POST /oidc/userinfo``
and ``POST /v1.0/{me | users/{id}}/getMemberObjects`` (the groups overage lookup).

https://learn.microsoft.com/graph/api/user-get — ``/me`` is the signed-in user of a
delegated token (``User.Read`` or broader); app-only tokens get 400 in real Graph
("/me request is only valid with delegated authentication flow"). Errors use
Graph's body ``{"error": {"code", "message", "innerError"}}``.

Graph tokens carry a header ``nonce``: the signature covers the header with the
nonce replaced by its SHA-256, so ``graph_signed_form`` rewrites the token before the
standard signature check, as Graph itself does.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from fake_downstream.directory import FakeDirectory
from fake_downstream.guard import DownstreamGuard
from mock_entra.userinfo import userinfo_claims

Endpoint = Callable[[Request], Awaitable[JSONResponse]]

ME_SCOPES = frozenset({"User.Read", "User.ReadWrite", "User.ReadBasic.All", "User.Read.All"})
USERINFO_SCOPES = frozenset({"openid"})
# user: getMemberObjects names GroupMember.Read.All or Directory.Read.All (with a user-read
# permission; the fake checks only the group one).
MEMBER_OBJECTS_SCOPES = frozenset({"GroupMember.Read.All", "Directory.Read.All"})


def graph_error(status: int, code: str, message: str) -> dict[str, object]:
    if status == 403:
        code = "Authorization_RequestDenied"
    return {
        "error": {
            "code": code,
            "message": message,
            "innerError": {
                "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S"),
                "request-id": str(uuid.uuid4()),
            },
        }
    }


def member_objects_endpoint(guard: DownstreamGuard, directory: FakeDirectory) -> Endpoint:
    """``POST /v1.0/{me | users/{id}}/getMemberObjects`` over ``directory``."""

    async def member_objects(request: Request) -> JSONResponse:
        """https://learn.microsoft.com/graph/api/directoryobject-getmemberobjects: the ids of
        the groups the user is a member of (``{"value": [...]}``), what an app reads when
        a token carries the groups overage claim (access-token-claims-reference). The
        fake's groups are all security groups, so ``securityEnabledOnly`` changes nothing."""
        outcome = await guard.authenticate(request, MEMBER_OBJECTS_SCOPES)
        if isinstance(outcome, JSONResponse):
            return outcome
        user = request.path_params.get("user", outcome.oid)
        groups = directory.member_objects(outcome.tenant_id, user)
        if groups is None:
            message = (
                f"Resource '{user[:64]}' does not exist or one of its queried "
                "reference-property objects are not present."
            )
            return JSONResponse(graph_error(404, "Request_ResourceNotFound", message), 404)
        context = "https://graph.microsoft.com/v1.0/$metadata#Collection(Edm.String)"
        return JSONResponse({"@odata.context": context, "value": groups})

    return member_objects


def create_graph_app(guard: DownstreamGuard, directory: FakeDirectory) -> Starlette:
    member_objects = member_objects_endpoint(guard, directory)

    async def me(request: Request) -> JSONResponse:
        outcome = await guard.authenticate(request)
        if isinstance(outcome, JSONResponse):
            return outcome
        user = directory.user(outcome.tenant_id, outcome.oid)
        if user is None:
            return JSONResponse(
                graph_error(404, "Request_ResourceNotFound", "Resource does not exist."),
                status_code=404,
            )
        return JSONResponse(
            {
                "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users/$entity",
                "id": user.oid,
                "displayName": user.display_name,
                "givenName": user.given_name or None,
                "surname": user.surname or None,
                "jobTitle": user.job_title or None,
                "mail": user.mail or user.upn,
                "userPrincipalName": user.upn,
                "businessPhones": [],
                "officeLocation": None,
                "preferredLanguage": None,
                "mobilePhone": None,
            }
        )

    async def userinfo(request: Request) -> JSONResponse:
        """https://learn.microsoft.com/entra/identity-platform/userinfo: ``openid`` required."""
        outcome = await guard.authenticate(request, USERINFO_SCOPES)
        if isinstance(outcome, JSONResponse):
            return outcome
        user = directory.user(outcome.tenant_id, outcome.oid)
        if user is None:
            return JSONResponse(
                graph_error(401, "InvalidAuthenticationToken", "The user does not exist."),
                status_code=401,
            )
        return JSONResponse(
            userinfo_claims(user, outcome.tenant_id, outcome.client_id, set(outcome.scopes)),
            headers={"Cache-Control": "no-store"},
        )

    return Starlette(
        routes=[
            Route("/v1.0/me", me, methods=["GET"]),
            Route("/v1.0/me/getMemberObjects", member_objects, methods=["POST"]),
            Route("/v1.0/users/{user}/getMemberObjects", member_objects, methods=["POST"]),
            Route("/oidc/userinfo", userinfo, methods=["GET", "POST"]),
        ]
    )
