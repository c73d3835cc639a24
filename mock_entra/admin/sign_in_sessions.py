"""``POST /_admin/tenants/{tenant}/users/{user}/revokeSignInSessions``: Graph's action, on the mock.

Microsoft Graph's ``user: revokeSignInSessions`` "invalidates all the refresh tokens issued
to applications for a user (and session cookies in a user's browser)" and answers
``{"value": true}``. Here it revokes every refresh token of the user (the next refresh
answers ``invalid_grant`` AADSTS50173, "The provided grant has expired due to it being
revoked") and ends their browser sessions (the next ``prompt=none`` answers
``login_required``). Access tokens already issued stay valid until they expire, as
Entra's do without continuous access evaluation; the Graph doc says nothing of On-Behalf-Of
exchanges of such a token, so they keep working too.
https://learn.microsoft.com/graph/api/user-revokesigninsessions
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from mock_entra.admin.routes import PREFIX, AdminError
from mock_entra.context import Context, get_context
from mock_entra.records.refresh_tokens import RefreshToken
from mock_entra.records.sessions import SsoSession

# Who may call it is mock_entra.admin.access's, as for every /_admin path.
router = APIRouter(prefix=PREFIX, tags=["admin"])


@router.post("/tenants/{tenant}/users/{user}/revokeSignInSessions")
def revoke_sign_in_sessions(
    tenant: str, user: str, ctx: Context = Depends(get_context)
) -> dict[str, Any]:
    """Revoke the user's refresh tokens and end their sessions (user: UPN or object id)."""
    directory = ctx.tenant(tenant)  # an unknown tenant answers AADSTS90002
    found = directory.user(user)
    if found is None:
        raise AdminError(404, "not_found", f"no user {user[:64]} in {directory.domain}")
    refresh_tokens = RefreshToken.revoke_user(ctx.store, directory.id, found.oid, ctx.now())
    sessions = SsoSession.end_all_of(ctx.store, directory.id, found.oid, ctx.now())
    return {"value": True, "revoked": {"refresh_tokens": refresh_tokens, "sessions": sessions}}
