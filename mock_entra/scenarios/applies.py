"""Which catalog rows a target can run, read from the rows themselves.

A row needs what it does: a ``setup.backend`` needs a backend started with those
settings, a ``frontend`` call needs the lab's frontend, a ``prm`` call an MCP server,
a ``tool`` call the lab's MCP tools, and a row that never calls the API tests the
identity platform instead (only the lab's targets run those). A target lists what it provides
(:attr:`mock_entra.scenarios.stack.Stack.provides`); :func:`missing` names the first
need it lacks, in words for the report. Nothing here runs a row.
"""

from __future__ import annotations

import json
from typing import Any

# capability -> what a row needing it does (the report's reason when a target lacks it)
CAPABILITIES = {
    "platform_only": "does not call the API: it tests the identity platform",
    "backend_settings": "starts a backend with settings of its own (setup.backend)",
    "own_tenant": "needs a tenant of its own and a backend started for it (setup.tenant)",
    "lab_frontend": "drives the lab's frontend",
    "mcp": "needs an MCP server (mcp: in the target)",
    "lab_tools": "calls the lab's MCP tools and reads its downstream fakes",
    "tenant_keys": "re-signs a token with a tenant's private key (the in-process mock only)",
    "v1_tokens": "is written for an API with v1 access tokens",
    "v2_tokens": "is written for an API with v2 access tokens",
}


def _written(scenario: Any) -> list[dict[str, Any]]:
    return [step.written() for step in scenario.steps]


def needs(scenario: Any) -> list[str]:
    """The capabilities ``scenario`` needs, in :data:`CAPABILITIES` order."""
    steps = _written(scenario)
    calls = [next(iter(s["call"])) for s in steps if "call" in s]
    text = json.dumps(steps, default=str)
    found = {
        "platform_only": not {"mcp", "prm", "tool", "downstream"} & set(calls),
        "backend_settings": scenario.setup.backend is not None,
        "own_tenant": scenario.setup.tenant is not None,
        "lab_frontend": scenario.setup.frontend is not None
        or "frontend" in calls or any("frontend_sign_in" in s for s in steps),
        "mcp": bool({"prm", "tool"} & set(calls)),
        "lab_tools": bool({"tool", "downstream"} & set(calls)) or '"downstream"' in text,
        "tenant_keys": '"sign": "trusted"' in text or '"trusted":' in text,
        "v1_tokens": scenario.access_token_version == 1,
        "v2_tokens": scenario.access_token_version == 2,
    }  # fmt: skip
    return [name for name in CAPABILITIES if found[name]]


def missing(scenario: Any, provides: frozenset[str]) -> str | None:
    """Why a target providing ``provides`` cannot run ``scenario``, or None."""
    lacking = [name for name in needs(scenario) if name not in provides]
    if not lacking:
        return None
    reason = CAPABILITIES[lacking[0]]
    return f"{reason} ({scenario.layer})" if lacking[0] == "platform_only" else reason
