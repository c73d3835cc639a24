"""Authorization codes (one-time, store kind ``code``) and the family their redemption began.

The code record's shape is a contract with the tests that drive the pages
(docs/CONTRACTS.md): ``tenant, client_id, redirect_uri, scope (as sent), user (oid),
nonce, code_challenge, code_challenge_method, auth_time, amr, sid, claims, issued``.
https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import ClassVar

from mock_entra.records.base import GrantSource, Record
from mock_entra.store.engine import Store

# Entra's codes start with a version marker ("0.A…"); keep the look, not the content.
CODE_PREFIX = "0.A"
# How long a replayed code can still revoke what its first redemption issued.
FAMILY_TTL = 3600.0


@dataclass(frozen=True)
class AuthorizationCode(GrantSource):
    """A code, keyed by itself: who signed in, for which client, with which PKCE binding."""

    KIND: ClassVar[str] = "code"

    redirect_uri: str
    scope: str
    user: str  # oid
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: float
    amr: tuple[str, ...]
    sid: str
    claims: str | None  # the authorize request's claims parameter (JSON text)
    issued: float

    @staticmethod
    def new_key() -> str:
        return CODE_PREFIX + secrets.token_urlsafe(48)

    @classmethod
    def tenant_of(cls, store: Store, code: str) -> str | None:
        """The tenant a code was issued in, whatever its state (no record built: a precheck)."""
        value = store.peek(cls.KIND, code)
        return str(value["tenant"]) if value else None

    def issued_family(self, store: Store) -> str | None:
        """The refresh-token family this code's first redemption began (RFC 6749 §10.5)."""
        family = CodeFamily.peek(store, self.key)
        return family.family if family else None


@dataclass(frozen=True)
class CodeFamily(Record):
    """Keyed by the code: the family of the refresh tokens its redemption issued."""

    KIND: ClassVar[str] = "code_family"

    family: str

    @classmethod
    def remember(cls, store: Store, code: str, family: str, now: float) -> None:
        cls(code, family).save(store, now + FAMILY_TTL)
