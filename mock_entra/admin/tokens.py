"""The token hook: claim overrides and signing-key faults on issued tokens.

``AdminControls.before_signing`` calls :func:`apply_token_faults` just before a
token is signed. Outside an HTTP request nothing applies: faults are a test tool
for what the endpoints answer.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace

from mock_entra.admin import request_scope
from mock_entra.admin.faults import TOKEN_EFFECTS, FaultStore
from mock_entra.controls import UnsignedToken
from mock_entra.keys import SigningKey, generate_key

_unpublished: SigningKey | None = None
_unpublished_lock = threading.Lock()


def unpublished_key() -> SigningKey:
    """A real RSA key no JWKS lists (one per process: generating one takes a while)."""
    global _unpublished
    with _unpublished_lock:
        if _unpublished is None:
            _unpublished = generate_key("active", time.time(), "mock-entra unpublished")
        return _unpublished


def apply_token_faults(faults: FaultStore, token: UnsignedToken) -> UnsignedToken:
    """The token to sign, after the faults that match who it is for."""
    current = request_scope.current()
    if current is None or faults.none_known():
        return token  # nothing to match, nothing to spend
    # Match on who the token is for, which the request alone may not tell (OBO, refresh).
    # ``applied`` stays shared: a fault spends one use per request, not per token.
    subject = replace(
        current,
        tenant_id=token.tenant_id,
        client_id=token.client_id,
        user_keys=token.user_keys or current.user_keys,
        applied=current.applied,
    )
    claims, key = token.claims, token.key
    for fault in faults.take(subject, TOKEN_EFFECTS):
        if fault["token"] not in (token.kind, "both"):
            continue
        if fault["effect"] == "claims":
            claims = {k: v for k, v in claims.items() if k not in fault["remove_claims"]}
            claims.update(fault["set_claims"])
        elif fault["key"] == "none":
            key = None
        else:
            key = unpublished_key()
    return replace(token, claims=claims, key=key)
