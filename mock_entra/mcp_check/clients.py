"""What stock MCP clients put in the authorize request, from what the server advertised.

- a spec-following client (MCP authorization spec 2025-06-18 / 2025-11-25): ``resource``
  = the metadata's ``resource``; ``scope`` = the 401's ``scope=``, else every
  ``scopes_supported``; ``offline_access`` added when the authorization server lists it
  (SEP-2207; Entra's discovery does);
- the MCP python SDK, when installed (imported only here, only then): its own choice,
  from its own helpers, quirks included (pydantic's ``AnyHttpUrl`` gives a bare host a
  trailing slash: modelcontextprotocol/python-sdk#2578);
- a client that sends no ``resource`` (VS Code's Microsoft sign-in, mcp-remote's
  ``--disable-resource-parameter``): the same scopes.
"""

from __future__ import annotations

from dataclasses import dataclass

from mock_entra.mcp_check.server import ServerFacts

ENTRA_SCOPES = ("openid", "profile", "email", "offline_access")  # Entra's scopes_supported


@dataclass(frozen=True)
class ClientRequest:
    """What one kind of client sends to ``/authorize`` (None: that client cannot be modelled)."""

    client: str
    resource: str | None
    scope: str


def _challenged_scope(facts: ServerFacts) -> str:
    scope = facts.challenge.get("scope") or " ".join(facts.scopes_supported)
    return scope if "offline_access" in scope.split() else f"{scope} offline_access".strip()


def spec_client(facts: ServerFacts) -> ClientRequest:
    resource = facts.resource or facts.url
    return ClientRequest("a spec-following MCP client", resource, _challenged_scope(facts))


def no_resource_client(facts: ServerFacts) -> ClientRequest:
    return ClientRequest(
        "a client that sends no resource (VS Code, mcp-remote --disable-resource-parameter)",
        None,
        _challenged_scope(facts),
    )


def _server_metadata(facts: ServerFacts) -> dict[str, object]:
    """The authorization server's metadata as the SDK would read it (Entra's scopes_supported)."""
    if facts.authorization_server is not None:
        return facts.authorization_server
    issuer = facts.authorization_servers[0] if facts.authorization_servers else facts.url
    return {
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}/authorize",
        "token_endpoint": f"{issuer}/token",
        "scopes_supported": list(ENTRA_SCOPES),
    }


def python_sdk(facts: ServerFacts) -> ClientRequest | None:
    """The MCP python SDK's own request, or None when the SDK is not installed."""
    try:
        from importlib.metadata import version

        import httpx2
        from mcp.client.auth.oauth2 import OAuthContext
        from mcp.client.auth.utils import extract_scope_from_www_auth, get_client_metadata_scopes
        from mcp.shared.auth import OAuthClientMetadata, OAuthMetadata, ProtectedResourceMetadata
    except ImportError:
        return None
    prm = ProtectedResourceMetadata.model_validate(facts.prm)
    metadata = OAuthClientMetadata.model_validate({"redirect_uris": ["http://localhost/callback"]})
    context = OAuthContext(facts.url, metadata, None, None, None)  # type: ignore[arg-type]
    context.protected_resource_metadata = prm
    header = ", ".join(f'{k}="{v}"' for k, v in facts.challenge.items())
    challenge = httpx2.Response(401, headers={"WWW-Authenticate": f"Bearer {header}"})
    server = OAuthMetadata.model_validate(_server_metadata(facts))
    grants = ["authorization_code", "refresh_token"]
    scope = get_client_metadata_scopes(extract_scope_from_www_auth(challenge), prm, server, grants)
    name = f"the MCP python SDK {version('mcp')}"
    return ClientRequest(name, context.get_resource_url(), scope or "")
