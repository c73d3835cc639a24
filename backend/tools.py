"""The MCP tools (names and result shapes: docs/CONTRACTS.md).

Every tool runs behind the verifier and FastMCP's scope check; the caller comes from
the validated token (``get_access_token``), never from tool arguments. A failure the
user can fix is a tool error whose text is the ``entra_challenge`` JSON; any other
failure is a tool error with a short human message (no stack trace, no token).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

from fastmcp import FastMCP
from fastmcp.exceptions import ToolError
from fastmcp.server.dependencies import get_access_token

from backend.auth.checks import TokenPolicy
from backend.claims_report import eight_checks
from backend.downstream.client import DownstreamClient, DownstreamError
from backend.obo import Caller, EntraChallenge, OboError, OboExchanger, OboToken
from backend.settings import BackendSettings
from entra_kit.jose import peek_jwt
from entra_kit.microsoft_apps import GRAPH_RESOURCE, SEARCH_RESOURCE

SEARCH_SCOPE = f"{SEARCH_RESOURCE}/.default"
_HEADER_FIELDS = ("alg", "kid", "typ", "x5t")
GRAPH_SCOPES = [f"{GRAPH_RESOURCE}/User.Read"]


@dataclass
class Services:
    settings: BackendSettings
    policy: TokenPolicy
    exchanger: OboExchanger
    downstream: DownstreamClient


def _caller(settings: BackendSettings) -> tuple[Caller, dict[str, Any]]:
    """The validated user of this request and its claims; app-only tokens stop here (D20)."""
    token = get_access_token()
    claims = (token.claims or {}) if token else {}
    if token is None or not token.scopes or claims.get("idtyp") == "app":
        raise ToolError(
            EntraChallenge(
                "insufficient_scope",
                "This tool needs a delegated user token with the API's scope.",
                scopes=[settings.full_scope],
            ).to_json()
        )
    caller = Caller(str(claims["tid"]), str(claims["oid"]), token.token, tuple(token.scopes))
    return caller, claims


def _user_summary(claims: dict[str, Any]) -> dict[str, Any]:
    return {
        "oid": claims.get("oid"),
        "tid": claims.get("tid"),
        "name": claims.get("name"),
        "username": claims.get("upn") or claims.get("preferred_username"),
    }


async def _obo(services: Services, caller: Caller, scopes: list[str]) -> OboToken:
    try:
        return await services.exchanger.token_for(caller, scopes)
    except EntraChallenge as exc:
        raise ToolError(exc.to_json()) from exc
    except OboError as exc:
        raise ToolError(exc.message) from exc


async def _downstream(call: Awaitable[dict[str, Any]]) -> dict[str, Any]:
    """The downstream service's answer, or a tool error with its (token-free) refusal."""
    try:
        return await call
    except DownstreamError as exc:
        raise ToolError(exc.message) from exc


def register_tools(mcp: FastMCP, services: Services) -> None:
    settings = services.settings

    @mcp.tool
    async def secure_ping() -> dict[str, Any]:
        """Check that the backend accepts your token; returns who you are."""
        caller, claims = _caller(settings)
        return {"ok": True, "message": "pong", "user": _user_summary(claims),
                "tenant_id": caller.tenant_id, "server_time": int(time.time())}  # fmt: skip

    @mcp.tool
    async def get_user_info() -> dict[str, Any]:
        """Your validated token claims and the eight checks the backend applied."""
        _, claims = _caller(settings)
        checks = eight_checks(claims, services.policy, settings.backend_scope, time.time())
        return {"user": _user_summary(claims), "token_version": claims.get("ver"),
                "claims": claims, "checks": checks,
                "all_checks_passed": all(c["ok"] for c in checks)}  # fmt: skip

    @mcp.tool
    async def get_azure_ai_search_token() -> dict[str, Any]:
        """Exchange your token (OBO) for an Azure AI Search token and show its header and claims."""
        caller, _ = _caller(settings)
        token = await _obo(services, caller, [SEARCH_SCOPE])
        demo = settings.backend_demo_return_raw_tokens
        # The header names no secret (alg, kid, typ, x5t): the inspector shows it.
        header = {k: v for k, v in peek_jwt(token.access_token)[0].items() if k in _HEADER_FIELDS}
        return {"scope": SEARCH_SCOPE, "expires_on": token.expires_on,
                "from_cache": token.from_cache, "header": header, "claims": token.claims,
                "access_token": token.access_token if demo else None,
                "raw_token_returned": demo}  # fmt: skip

    @mcp.tool
    async def search_documents(query: str) -> dict[str, Any]:
        """Search the documents index as yourself (results trimmed to what you may see)."""
        caller, _ = _caller(settings)
        token = await _obo(services, caller, [SEARCH_SCOPE])
        answer = await _downstream(
            services.downstream.search(settings.search_index, query, token.access_token)
        )
        results = [r for r in answer.get("value", []) if isinstance(r, dict)]
        return {"query": query, "index": settings.search_index, "count": len(results),
                "results": results, "as_user": caller.oid}  # fmt: skip

    @mcp.tool
    async def get_my_profile() -> dict[str, Any]:
        """Your Microsoft Graph profile (/v1.0/me), fetched on your behalf (OBO)."""
        caller, _ = _caller(settings)
        token = await _obo(services, caller, GRAPH_SCOPES)
        profile = await _downstream(services.downstream.me(token.access_token))
        return {"profile": profile, "as_user": caller.oid}
