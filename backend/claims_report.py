"""The seed's eight checks (aud, iss, tid, exp, nbf, appid/azp, oid, scp) as data.

``get_user_info`` shows them so a person can see *why* the token was accepted. Each
row recomputes its check from the validated claims and the policy (it is a report,
the verifier has already enforced every one of them).
"""

from __future__ import annotations

from typing import Any

from backend.auth.checks import TokenPolicy
from entra_kit.ids import is_guid


def _row(name: str, ok: bool, expected: Any, actual: Any) -> dict[str, Any]:
    return {"check": name, "ok": ok, "expected": expected, "actual": actual}


def eight_checks(
    claims: dict[str, Any], policy: TokenPolicy, required_scope: str, now: float
) -> list[dict[str, Any]]:
    version = str(claims.get("ver", ""))
    tid = str(claims.get("tid", ""))
    client_claim = "appid" if version == "1.0" else "azp"
    scopes = str(claims.get("scp", "")).split()
    exp, nbf = claims.get("exp"), claims.get("nbf")
    leeway = policy.leeway
    clients = sorted(policy.allowed_clients) or "any app of an allowed tenant"
    return [
        _row("aud", claims.get("aud") in policy.audiences, sorted(policy.audiences), claims.get("aud")),
        _row("iss", claims.get("iss") == policy.issuer(tid, version), policy.issuer(tid, version),
             claims.get("iss")),
        _row("tid", tid in policy.tenants, sorted(policy.tenants), tid),
        _row("exp", isinstance(exp, int | float) and now < exp + leeway,
             f"after now ({int(now)}) - {leeway}s leeway", exp),
        _row("nbf", isinstance(nbf, int | float) and nbf <= now + leeway,
             f"before now ({int(now)}) + {leeway}s leeway", nbf),
        _row(client_claim, is_guid(claims.get(client_claim)) and (
            not policy.allowed_clients or claims.get(client_claim) in policy.allowed_clients
        ), clients, claims.get(client_claim)),
        _row("oid", is_guid(claims.get("oid")), "a GUID", claims.get("oid")),
        _row("scp", required_scope in scopes, required_scope, claims.get("scp")),
    ]  # fmt: skip
