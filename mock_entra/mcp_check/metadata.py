"""The server's metadata against the app registration, and what Entra's own metadata lacks.

- ``resource`` must be the server's URL: clients compare them (RFC 9728 §3.3; the MCP
  python SDK refuses a mismatch) and send it as the RFC 8707 ``resource``.
- ``authorization_servers`` must name the tenant's v2 authority (``https://<host>/<tenant
  id or domain>/v2.0``: discovery is read from there, MCP-ENTRA.md), or an OAuth proxy.
- ``scopes_supported`` must be scopes of an app in the tenant, as ``<identifier URI>/<scope>``
  (else AADSTS500011 / 70011, as at Entra's ``/authorize``).
- Entra's discovery has no ``code_challenge_methods_supported`` (a strict 2025-11-25
  client refuses to go on: typescript-sdk#832, csharp-sdk#730) and Entra offers no
  dynamic registration; an OAuth proxy advertises both.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from mock_entra.errors import OAuthError
from mock_entra.mcp_check.server import ServerFacts, looks_like_entra
from mock_entra.mcp_check.verdicts import Verdict
from mock_entra.scopes import parse_scopes
from mock_entra.tenant.application import Application
from mock_entra.tenant.model import Tenant

PROXY_FIX = "put an OAuth proxy in front (FastMCP AzureProvider offers DCR and S256 to clients)"


def resource_verdict(facts: ServerFacts) -> Verdict:
    behaviour = "protected-resource metadata: resource is the server's URL"
    if facts.resource == facts.url:
        return Verdict(behaviour, True, facts.metadata_url)
    detail = f"resource={facts.resource!r}, server URL {facts.url!r}"
    return Verdict(behaviour, False, detail, "advertise the server's canonical URL as resource")


def authority_verdict(facts: ServerFacts, tenant: Tenant) -> Verdict:
    behaviour = "protected-resource metadata: the authorization server"
    servers = facts.authorization_servers
    if not servers:
        return Verdict(
            behaviour, False, "no authorization_servers", "list the tenant's v2 authority"
        )
    if not looks_like_entra(servers[0]):
        return Verdict(behaviour, True, f"{servers[0]}: the server's own (an OAuth proxy)")
    segment = urlsplit(servers[0]).path.strip("/").split("/")[0].lower()
    if segment in (tenant.id, *tenant.domains, "organizations", "common"):
        return Verdict(behaviour, True, f"{servers[0]}: the tenant's v2 authority")
    fix = f"https://login.microsoftonline.com/{tenant.id}/v2.0 (the tenant the API app is in)"
    return Verdict(behaviour, False, f"{servers[0]} names another tenant", fix)


def scopes_verdict(facts: ServerFacts, tenant: Tenant) -> tuple[Verdict, Application | None]:
    """Whether the advertised scopes are an app's of the tenant; that app."""
    behaviour = "protected-resource metadata: scopes_supported are scopes of the API app"
    scope = facts.challenge.get("scope") or " ".join(facts.scopes_supported)
    if not scope:
        return Verdict(
            behaviour, False, "no scopes advertised", "list <identifier URI>/<scope>"
        ), None
    try:
        parsed = parse_scopes(tenant, scope, require_resource=True)
    except OAuthError as exc:
        fix = "advertise <identifier URI>/<scope> of the API app's registration"
        return Verdict(behaviour, False, exc.description, fix, exc.aadsts), None
    owner = parsed.resource
    detail = f"{scope} -> {owner.name} ({owner.client_id})" if owner else scope
    return Verdict(behaviour, True, detail), owner


def entra_metadata_verdicts(facts: ServerFacts) -> list[Verdict]:
    """What clients need of the authorization server's own metadata (client-side limits)."""
    proxy = facts.authorization_server
    if proxy is not None:
        methods = proxy.get("code_challenge_methods_supported") or []
        return [
            Verdict("clients that require code_challenge_methods_supported (MCP 2025-11-25)",
                    "S256" in methods, f"{methods}", PROXY_FIX),
            Verdict("clients that register themselves (dynamic client registration)",
                    bool(proxy.get("registration_endpoint")), str(proxy.get("registration_endpoint")),
                    PROXY_FIX),
        ]  # fmt: skip
    return [
        Verdict("clients that require code_challenge_methods_supported (MCP 2025-11-25)", False,
                "Entra's discovery document has none", PROXY_FIX, server_side=False),
        Verdict("clients that register themselves (dynamic client registration)", False,
                "Entra offers no registration endpoint",
                f"pre-register the client in the tenant, or {PROXY_FIX}", server_side=False),
    ]  # fmt: skip
