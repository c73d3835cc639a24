"""Backend answers that ask the user to act, and the rule that keeps re-auth from looping.

Two shapes reach the frontend (docs/CONTRACTS.md, scenarios C10/C11, E5/E6):
an HTTP ``WWW-Authenticate`` challenge on the MCP endpoint itself
(403 ``insufficient_scope`` with ``scope=``, 401 ``insufficient_claims`` with
``claims=``), and a tool error whose text is ``{"entra_challenge": {...}}``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any

import httpx2

# How long a challenge that was already answered by a re-auth is not offered again.
RETRY_WINDOW_SECONDS = 600
_PARAM = re.compile(r'(\w+)="([^"]*)"')


@dataclass(frozen=True)
class Challenge:
    """What the user must do, in terms the sign-in code understands."""

    error: str  # consent_required | interaction_required | insufficient_scope | insufficient_claims
    scopes: tuple[str, ...] = ()
    claims: str | None = None
    message: str = ""
    aadsts: int | None = None

    @property
    def signature(self) -> str:
        """Identity of a challenge for the no-loop rule."""
        raw = json.dumps([self.error, sorted(self.scopes), self.claims])
        return hashlib.sha256(raw.encode()).hexdigest()[:16]

    @property
    def prompt(self) -> str | None:
        """The OIDC prompt that answers it: consent for consent, none otherwise."""
        return "consent" if self.error == "consent_required" else None

    def as_dict(self) -> dict[str, Any]:
        """For the browser: no tokens, only what to tell the user."""
        return {
            "error": self.error,
            "scopes": list(self.scopes),
            "aadsts": self.aadsts,
            "message": self.message,
        }


def _maybe_b64(value: str) -> str:
    """Entra sends ``claims=`` base64-encoded in WWW-Authenticate; JSON passes through."""
    if value.lstrip().startswith("{"):
        return value
    try:
        decoded = base64.b64decode(value + "=" * (-len(value) % 4), validate=False).decode()
    except (binascii.Error, UnicodeDecodeError):
        return value
    return decoded if decoded.lstrip().startswith("{") else value


def from_www_authenticate(status: int, header: str, default_scopes: list[str]) -> Challenge | None:
    """Read an RFC 6750 challenge; ``None`` for a plain invalid/missing token."""
    params = dict(_PARAM.findall(header or ""))
    error = params.get("error", "")
    if status == 403 and error == "insufficient_scope":
        scopes = tuple(params.get("scope", "").split()) or tuple(default_scopes)
        return Challenge(
            "insufficient_scope", scopes=scopes, message=params.get("error_description", "")
        )
    if status == 401 and error == "insufficient_claims" and params.get("claims"):
        return Challenge(
            "insufficient_claims",
            scopes=tuple(default_scopes),
            claims=_maybe_b64(params["claims"]),
            message=params.get("error_description", ""),
        )
    return None


def from_tool_error(text: str | None, default_scopes: list[str]) -> Challenge | None:
    """Parse the contract's ``{"entra_challenge": {...}}`` tool error text."""
    if not text or "entra_challenge" not in text:
        return None
    start = text.find("{")
    try:
        body = json.loads(text[start:]) if start >= 0 else None
    except ValueError:
        return None
    inner = body.get("entra_challenge") if isinstance(body, dict) else None
    if not isinstance(inner, dict) or not inner.get("error"):
        return None
    scopes = inner.get("scopes") or default_scopes
    claims = inner.get("claims")
    aadsts = inner.get("aadsts")
    return Challenge(
        str(inner["error"]),
        scopes=tuple(str(s) for s in scopes),
        claims=str(claims) if claims else None,
        message=str(inner.get("message") or ""),
        aadsts=int(aadsts) if isinstance(aadsts, int | str) and str(aadsts).isdigit() else None,
    )


@dataclass
class ChallengeRecorder:
    """An httpx2 response hook that remembers the last auth challenge from the backend.

    The MCP client turns an HTTP 401/403 into a bare ``MCPError`` and loses the
    header, so the frontend watches responses on its own client instead.
    """

    default_scopes: list[str]
    challenge: Challenge | None = None
    status: int | None = None

    async def hook(self, response: httpx2.Response) -> None:
        """Record a 401/403 and its challenge, if any."""
        if response.status_code in (401, 403):
            self.status = response.status_code
            found = from_www_authenticate(
                response.status_code,
                response.headers.get("www-authenticate", ""),
                self.default_scopes,
            )
            self.challenge = found or self.challenge


@dataclass
class AttemptLog:
    """Which challenges already led to a re-auth, and when (one try each, no loop)."""

    seen: dict[str, float] = field(default_factory=dict)

    def allow(self, challenge: Challenge, now: float | None = None) -> bool:
        """True the first time (within the window) a challenge is seen; records it."""
        now = time.time() if now is None else now
        last = self.seen.get(challenge.signature)
        if last is not None and now - last < RETRY_WINDOW_SECONDS:
            return False
        self.seen[challenge.signature] = now
        return True
