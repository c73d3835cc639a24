"""Decoding tokens for display, and the comparison that makes the inspector a lesson.

Nothing here verifies a signature: these tokens were received from the identity
platform over TLS (or from our own backend) and are only shown to their owner.
Resource servers verify; the inspector explains.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from entra_kit.jose import MalformedJwt, peek_jwt
from frontend.i18n import relative_time

# Claims that the inspector explains, in display order.
IMPORTANT_CLAIMS = (
    "aud",
    "iss",
    "scp",
    "roles",
    "appid",
    "azp",
    "oid",
    "tid",
    "ver",
    "exp",
)
# Claims whose change from phase to phase is the point of the article.
PHASE_CLAIMS = ("aud", "iss", "scp", "roles", "appid", "azp", "ver", "idtyp")
# NumericDate claims (RFC 7519 §4.1.4-6): seconds since the epoch, shown as times too.
TIME_CLAIMS = ("exp", "nbf", "iat")


def fingerprint(token: str) -> str:
    """A short, safe-to-log reference to a token: never the whole token."""
    return f"{token[:8]}…({len(token)} chars)"


def time_left(exp: Any, now: float | None = None) -> tuple[int, str]:
    """Seconds until ``exp`` and a compact ``1h 02m 03s`` text (negative: expired)."""
    if not isinstance(exp, int | float):
        return 0, "?"
    seconds = int(exp - (time.time() if now is None else now))
    sign = "-" if seconds < 0 else ""
    rest = abs(seconds)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{hours}h {minutes:02d}m {secs:02d}s" if hours else f"{minutes}m {secs:02d}s"
    return seconds, sign + text


@dataclass
class TokenView:
    """One token as the inspector shows it."""

    key: str  # id | graph | backend | obo
    present: bool
    header: dict[str, Any] = field(default_factory=dict)
    claims: dict[str, Any] = field(default_factory=dict)
    error: str = ""
    changed: frozenset[str] = frozenset()
    expires_in: int = 0
    expires_text: str = ""
    raw_length: int = 0

    @property
    def important(self) -> list[str]:
        """The explained claims this token actually carries."""
        return [c for c in IMPORTANT_CLAIMS if c in self.claims]

    @property
    def names(self) -> list[str]:
        """Every claim, sorted for a stable display (the "all claims" list and its count)."""
        return sorted(self.claims)


@dataclass(frozen=True)
class Moment:
    """A NumericDate claim as a person reads it: a local time, and how long from now."""

    epoch: int
    local: str  # in the server's time zone; the page's script redraws it in the browser's
    relative: str  # "in 42 min" / "5 min ago", in the page's language


def moment(value: Any, lang: str, now: float | None = None) -> Moment | None:
    """The time a claim value names, or ``None`` when it is not a plausible NumericDate."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        stamp = datetime.fromtimestamp(value).astimezone()
    except (OverflowError, OSError, ValueError):
        return None
    seconds = value - (time.time() if now is None else now)
    return Moment(int(value), stamp.strftime("%Y-%m-%d %H:%M:%S %Z"), relative_time(seconds, lang))


def view_from_jwt(key: str, token: str | None, now: float | None = None) -> TokenView:
    """Build a view of a raw JWT (or an absent one)."""
    if not token:
        return TokenView(key=key, present=False)
    try:
        header, claims = peek_jwt(token)
    except MalformedJwt as exc:
        return TokenView(key=key, present=False, error=str(exc))
    return view_from_claims(key, header, claims, raw_length=len(token), now=now)


def view_from_claims(
    key: str,
    header: dict[str, Any] | None,
    claims: dict[str, Any],
    *,
    raw_length: int = 0,
    now: float | None = None,
) -> TokenView:
    """Build a view from already-decoded parts (the backend's OBO tool answers that way)."""
    seconds, text = time_left(claims.get("exp"), now)
    return TokenView(
        key=key,
        present=True,
        header=dict(header or {}),
        claims=dict(claims),
        expires_in=seconds,
        expires_text=text,
        raw_length=raw_length,
    )


def mark_changes(views: list[TokenView]) -> list[TokenView]:
    """Flag, on each token, the phase claims that differ from the previous present token.

    The chain ID → Graph → backend → OBO is the story of the article: the audience,
    the client (appid/azp), the scopes and the issuer change at each hop while the
    user (oid, tid) stays the same.
    """
    previous: TokenView | None = None
    for view in views:
        if not view.present:
            continue
        if previous is not None:
            view.changed = frozenset(
                c
                for c in PHASE_CLAIMS
                if (c in view.claims or c in previous.claims)
                and view.claims.get(c) != previous.claims.get(c)
            )
        previous = view
    return views


def as_json(value: Any, indent: int | None = None) -> str:
    """A tool's arguments or result as the chat shows them (strings as they are).

    Compact on one line, as the page's script writes it live (``JSON.stringify``), so a
    reloaded history reads exactly like the turn did.
    """
    if isinstance(value, str):
        return value
    compact = (",", ":") if indent is None else None
    return json.dumps(value, ensure_ascii=False, indent=indent, separators=compact)


def display_value(value: Any) -> str:
    """Render a claim value compactly (lists joined, objects as JSON)."""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
