"""The API: ``GET /me`` and ``POST /notes``, each for a signed-in user with ``Notes.ReadWrite``.

Configuration from the environment (``MY_API_*``), so the same code runs against Entra
(``MY_API_AUTHORITY=https://login.microsoftonline.com``) and against the mock::

    MY_API_AUTHORITY=https://127.0.0.1:8443 MY_API_CA_BUNDLE=.state/mock-entra/tls/ca.pem \\
    uvicorn my_api.app:app --port 9000
"""

# No ``from __future__ import annotations``: FastAPI reads the dependencies below from
# the annotations at run time, and ``user`` is local to create_app.
import os
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Request
from fastapi.responses import JSONResponse

from my_api.auth import AuthSettings, Refused, SigningKeys, verify

TENANT_ID = "2080194f-4cc3-46ba-873f-4b59650b07fb"
CLIENT_ID = "bd04e81c-b350-43ac-a841-064304079bbb"
SCOPE = "Notes.ReadWrite"


def settings_from_environment() -> AuthSettings:
    return AuthSettings(
        authority=os.environ.get("MY_API_AUTHORITY", "https://login.microsoftonline.com"),
        tenant_id=os.environ.get("MY_API_TENANT_ID", TENANT_ID),
        client_id=os.environ.get("MY_API_CLIENT_ID", CLIENT_ID),
        scope=os.environ.get("MY_API_SCOPE", SCOPE),
        ca_bundle=os.environ.get("MY_API_CA_BUNDLE") or None,
    )


def _challenge(refused: Refused, scope: str) -> str:
    """RFC 6750 §3: no error code without credentials; the scope with insufficient_scope."""
    if not refused.error:
        return "Bearer"
    value = f'Bearer error="{refused.error}"'
    return value + (f', scope="{scope}"' if refused.error == "insufficient_scope" else "")


def create_app(settings: AuthSettings) -> FastAPI:
    app = FastAPI(title="My API")
    keys = SigningKeys(settings)

    def user(authorization: Annotated[str | None, Header()] = None) -> dict[str, Any]:
        return verify(authorization, settings, keys)

    @app.exception_handler(Refused)
    def refused(request: Request, exc: Refused) -> JSONResponse:
        status = 403 if exc.error == "insufficient_scope" else 401
        headers = {"WWW-Authenticate": _challenge(exc, settings.scope)}
        return JSONResponse({"error": exc.error or "unauthorized"}, status, headers=headers)

    @app.get("/me")
    def me(claims: Annotated[dict[str, Any], Depends(user)]) -> dict[str, Any]:
        return {"oid": claims["oid"], "name": claims.get("name")}

    @app.post("/notes", status_code=201)
    def add_note(
        note: dict[str, Any], claims: Annotated[dict[str, Any], Depends(user)]
    ) -> dict[str, Any]:
        return {"owner": claims["oid"], "text": str(note.get("text", ""))}

    return app


# ``uvicorn my_api.app:app``: nothing is fetched until the first request needs the keys.
app = create_app(settings_from_environment())
