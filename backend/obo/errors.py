"""OBO failures as tool errors, and the ``entra_challenge`` contract of docs/CONTRACTS.md.

Entra's OBO error responses:
https://learn.microsoft.com/entra/identity-platform/v2-oauth2-on-behalf-of-flow#error-response-example
Claims challenges (50076/50079 with ``claims``):
https://learn.microsoft.com/entra/identity-platform/claims-challenge
"""

from __future__ import annotations

import json
import re
from typing import Any, Literal

ChallengeKind = Literal["consent_required", "interaction_required", "insufficient_scope"]

# Codes for which only the user can help (sign in again, do MFA, satisfy a policy).
INTERACTION_CODES = frozenset({50076, 50079, 50074, 50158, 53003, 50173, 700082, 50132})
CONSENT_CODES = frozenset({65001, 65004})
_AADSTS = re.compile(r"AADSTS(\d+)")


class OboError(Exception):
    """The exchange failed and the user can do nothing about it; the text is shown as is."""

    def __init__(self, message: str, aadsts: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.aadsts = aadsts


class EntraChallenge(OboError):
    """The user must act (consent, MFA, re-sign-in): rendered as the contract's JSON."""

    def __init__(
        self,
        error: ChallengeKind,
        message: str,
        *,
        scopes: list[str],
        aadsts: int | None = None,
        suberror: str | None = None,
        claims: str | None = None,
    ) -> None:
        super().__init__(message, aadsts)
        self.error = error
        self.scopes = scopes
        self.suberror = suberror
        self.claims = claims

    def to_json(self) -> str:
        body: dict[str, Any] = {
            "error": self.error,
            "aadsts": self.aadsts,
            "suberror": self.suberror,
            "claims": self.claims,
            "scopes": self.scopes,
            "message": self.message,
        }
        return json.dumps({"entra_challenge": body})


def aadsts_code(result: dict[str, Any]) -> int | None:
    codes = result.get("error_codes")
    if isinstance(codes, list) and codes and isinstance(codes[0], int):
        return codes[0]
    match = _AADSTS.search(str(result.get("error_description", "")))
    return int(match.group(1)) if match else None


def _codes(result: dict[str, Any]) -> set[int]:
    codes = result.get("error_codes")
    found = {c for c in codes if isinstance(c, int)} if isinstance(codes, list) else set()
    code = aadsts_code(result)
    return found | ({code} if code else set())


def from_entra_error(result: dict[str, Any], client_scopes: list[str]) -> OboError:
    """Map an MSAL error dict (Entra's body, unchanged) to what the tool reports.

    ``client_scopes`` is what the frontend should request again when the user must act.
    """
    error = str(result.get("error", ""))
    suberror = result.get("suberror") if isinstance(result.get("suberror"), str) else None
    claims = result.get("claims") if isinstance(result.get("claims"), str) else None
    codes = _codes(result)
    code = aadsts_code(result)
    if codes & CONSENT_CODES or suberror == "consent_required":
        return EntraChallenge(
            "consent_required",
            "Consent is required before this API can call the downstream service for you.",
            scopes=client_scopes,
            aadsts=code,
            suberror=suberror or "consent_required",
            claims=claims,
        )
    if error == "interaction_required" or codes & INTERACTION_CODES or claims:
        return EntraChallenge(
            "interaction_required",
            "Sign in again to satisfy the downstream service's requirements (e.g. MFA).",
            scopes=client_scopes,
            aadsts=code,
            suberror=suberror,
            claims=claims,
        )
    where = f" (AADSTS{code})" if code else ""
    if error in ("invalid_client", "unauthorized_client"):
        return OboError(f"The backend's own credential was rejected by Entra{where}.", code)
    if error == "invalid_grant":
        return OboError(f"Entra refused the on-behalf-of exchange for your token{where}.", code)
    if error in ("invalid_scope", "invalid_resource"):
        return OboError(f"The downstream scope is not available to this API{where}.", code)
    if error == "temporarily_unavailable":
        return OboError(f"The identity platform is temporarily unavailable{where}.", code)
    return OboError(f"The on-behalf-of exchange failed: {error or 'unknown error'}{where}.", code)
