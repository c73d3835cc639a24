"""The signing-time hook: claim overrides and signing-key faults on issued tokens.

``claims.mint_*`` call :func:`apply_token_faults` just before signing. Outside an
HTTP request (``mock-entra token``) nothing applies: faults are a test tool for
what the endpoints answer.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Literal

from mock_entra.admin import scope
from mock_entra.admin.faults import TOKEN_EFFECTS
from mock_entra.keys import SigningKey, generate_key

if TYPE_CHECKING:
    from mock_entra.context import Context

TokenKind = Literal["access", "id"]

_unpublished: SigningKey | None = None
_unpublished_lock = threading.Lock()


def unpublished_key() -> SigningKey:
    """A real RSA key no JWKS lists (one per process: generating one takes a while)."""
    global _unpublished
    with _unpublished_lock:
        if _unpublished is None:
            _unpublished = generate_key("active", time.time(), "mock-entra unpublished")
        return _unpublished


def apply_token_faults(
    ctx: Context,
    kind: TokenKind,
    claims: dict[str, Any],
    key: SigningKey | None,
    *,
    tenant_id: str,
    client_id: str,
    user_keys: frozenset[str],
) -> tuple[dict[str, Any], SigningKey | None]:
    """The claims and key to sign with, after the faults that match this token."""
    current = scope.current()
    if current is None:
        return claims, key
    # Match on who the token is for, which the request alone may not tell (OBO, refresh).
    # ``applied`` stays shared: a fault spends one use per request, not per token.
    subject = replace(
        current,
        tenant_id=tenant_id,
        client_id=client_id,
        user_keys=user_keys or current.user_keys,
        applied=current.applied,
    )
    for fault in ctx.faults.take(subject, TOKEN_EFFECTS):
        if fault["token"] not in (kind, "both"):
            continue
        if fault["effect"] == "claims":
            claims = {k: v for k, v in claims.items() if k not in fault["remove_claims"]}
            claims.update(fault["set_claims"])
        elif fault["key"] == "none":
            key = None
        else:
            key = unpublished_key()
    return claims, key
