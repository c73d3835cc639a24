"""Entra access-token checks as small named functions; the validator runs them as a table.

Each raises ``TokenRejected`` (401) or ``InsufficientScope`` (403). References:
- claims: https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference
- validation: https://learn.microsoft.com/entra/identity-platform/access-tokens#validate-tokens
- claims validation: https://learn.microsoft.com/entra/identity-platform/claims-validation
- JWT processing: RFC 7519 §7.2, RFC 8725 (JWT BCP) §3.1 (algorithm allow-list)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from backend.auth.errors import InsufficientScope, TokenRejected
from entra_kit.ids import is_guid
from entra_kit.issuers import issuer_v1, issuer_v2

ALGORITHM = "RS256"  # Entra signs access tokens with RS256 only; RFC 8725 §3.1


@dataclass(frozen=True)
class TokenPolicy:
    """What a resource server accepts. Built from settings; one per resource."""

    audiences: frozenset[str]
    tenants: frozenset[str]
    authority_host: str  # v2 issuer = <authority_host>/<tid>/v2.0
    versions: frozenset[str] = frozenset({"1.0", "2.0"})
    leeway: int = 60
    allowed_clients: frozenset[str] = field(default_factory=frozenset)  # empty: any

    def issuer(self, tid: str, version: str) -> str:
        if version == "1.0":
            return issuer_v1(tid)
        return issuer_v2(self.authority_host, tid)


def check_header(header: dict[str, Any]) -> str:
    """RS256 exactly (no ``none``, no HS256 key confusion: D5-D8) and a ``kid``; returns it."""
    if header.get("alg") != ALGORITHM:
        raise TokenRejected(f"algorithm {str(header.get('alg'))[:16]!r} is not accepted")
    if "crit" in header:  # RFC 7515 §4.1.11: we understand no extension, so refuse any
        raise TokenRejected("token header has critical extensions")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid or len(kid) > 128:
        raise TokenRejected("token header has no usable kid")
    return kid


def check_tenant(claims: dict[str, Any], policy: TokenPolicy) -> str:
    """``tid`` is a GUID of an allowed tenant (D17, D18, D22); returns it."""
    tid = claims.get("tid")
    if not is_guid(tid):
        raise TokenRejected("tid is missing or not a GUID")
    assert isinstance(tid, str)
    if tid not in policy.tenants:
        raise TokenRejected(f"tenant {tid} is not allowed")
    return tid


def _number(claims: dict[str, Any], name: str) -> float:
    value = claims.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TokenRejected(f"{name} is missing or not a number")
    return float(value)


def check_lifetime(claims: dict[str, Any], now: float, leeway: int) -> None:
    """``exp`` required and in the future; ``nbf`` and ``iat`` required, not in the future.

    Entra always sets all three; RFC 7519 §4.1.4/§4.1.5 allow ``leeway`` for skew.
    """
    exp, nbf, iat = (_number(claims, n) for n in ("exp", "nbf", "iat"))
    if now >= exp + leeway:
        raise TokenRejected("token has expired")
    if nbf > now + leeway:
        raise TokenRejected("token is not valid yet (nbf)")
    if iat > now + leeway:
        raise TokenRejected("token was issued in the future (iat)")


def check_version_and_issuer(claims: dict[str, Any], tid: str, policy: TokenPolicy) -> str:
    """``iss`` exactly as ``ver`` demands for ``tid`` (D16, D17); returns the version.

    v1: ``https://sts.windows.net/<tid>/``; v2: ``<authority>/<tid>/v2.0``. A literal
    ``{tenantid}`` or ``common`` never matches because ``tid`` is a checked GUID.
    """
    version = claims.get("ver")
    if version not in policy.versions:
        raise TokenRejected(f"token version {str(version)[:8]!r} is not accepted")
    assert isinstance(version, str)
    if claims.get("iss") != policy.issuer(tid, version):
        raise TokenRejected("issuer does not match the token's version and tenant")
    return version


def check_audience(claims: dict[str, Any], version: str, policy: TokenPolicy) -> str:
    """``aud`` names this resource (D15); v2 tokens always carry the client id (D16)."""
    aud = claims.get("aud")
    if not isinstance(aud, str) or aud not in policy.audiences:
        raise TokenRejected("token audience is not this resource")
    if version == "2.0" and not is_guid(aud):
        raise TokenRejected("a v2 token's audience must be the resource's client id")
    return aud


def check_subject(claims: dict[str, Any]) -> str:
    """``oid`` identifies the principal across apps: present and a GUID (D22)."""
    oid = claims.get("oid")
    if not is_guid(oid):
        raise TokenRejected("oid is missing or not a GUID")
    assert isinstance(oid, str)
    return oid


def check_client(claims: dict[str, Any], version: str, policy: TokenPolicy) -> str:
    """The calling app: ``appid`` (v1) or ``azp`` (v2); allow-listed when configured (D21)."""
    client = claims.get("appid" if version == "1.0" else "azp")
    if not is_guid(client):
        raise TokenRejected("calling application (appid/azp) is missing or not a GUID")
    assert isinstance(client, str)
    if policy.allowed_clients and client not in policy.allowed_clients:
        raise InsufficientScope(f"calling application {client} is not allowed")
    return client


def delegated_scopes(claims: dict[str, Any]) -> tuple[str, ...]:
    """``scp`` of a user token; an app-only token has none, whatever else it carries."""
    scp = claims.get("scp")
    if claims.get("idtyp") == "app" or not isinstance(scp, str):
        return ()
    return tuple(s for s in scp.split(" ") if s)


def app_roles(claims: dict[str, Any]) -> tuple[str, ...]:
    roles = claims.get("roles")
    if not isinstance(roles, list):
        return ()
    return tuple(r for r in roles if isinstance(r, str))
