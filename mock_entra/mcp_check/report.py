"""The check's output: plain text a person pastes into a bug report, one block per behaviour."""

from __future__ import annotations

from mock_entra.mcp_check.server import ServerFacts
from mock_entra.mcp_check.verdicts import Registration, Verdict

_WIDTH = 34  # the longest label, "fails on Entra with AADSTS9010010", and a margin
_INDENT = "      "


def _header(facts: ServerFacts, reg: Registration, source: str) -> list[str]:
    tenant, client = reg.tenant, reg.client
    return [
        f"MCP server   {facts.url}  (HTTP {facts.status} without a token)",
        f"metadata     {facts.metadata_url}",
        f"  resource               {facts.resource}",
        f"  authorization_servers  {' '.join(facts.authorization_servers) or '-'}",
        f"  scopes_supported       {' '.join(facts.scopes_supported) or '-'}",
        f"  401 scope=             {facts.challenge.get('scope', '-')}",
        f"tenant       {tenant.domain} ({tenant.id}) from {source}; "
        f"resource parameter: {tenant.resource_parameter}",
        f"signed in as {client.name} ({client.client_id}), redirect {reg.redirect_uri}"
        if facts.authorization_server is None
        else "sign-ins     by the server's own authorization server (an OAuth proxy), to Entra: "
        "not visible from outside",
        "",
    ]


def _block(verdict: Verdict) -> list[str]:
    lines = [f"{verdict.label:<{_WIDTH}} {verdict.behaviour}"]
    lines += [f"{_INDENT}{line}" for line in verdict.detail.splitlines()]
    if not verdict.works and verdict.fix:
        who = "fix" if verdict.server_side else "a client limitation; remedy"
        lines.append(f"{_INDENT}{who}: {verdict.fix}")
    return lines


def render(facts: ServerFacts, reg: Registration, verdicts: list[Verdict], source: str) -> str:
    lines = _header(facts, reg, source)
    for verdict in verdicts:
        lines += _block(verdict)
    failing = [v for v in verdicts if not v.works]
    fixable = [v for v in failing if v.server_side]
    lines += ["", f"{len(verdicts)} behaviours: {len(failing)} fail on Entra, {len(fixable)} of "
              f"them fixable on the server (exit {1 if fixable else 0})"]  # fmt: skip
    return "\n".join(lines)
