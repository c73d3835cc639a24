"""The OAuth proxy set-up: FastMCP's ``AzureProvider`` in front of Entra, for MCP clients
that need dynamic client registration (Entra offers none: MCP Inspector, Claude...).

The proxy is an authorization server to MCP clients (RFC 8414 metadata, DCR, PKCE) and a
confidential client to Entra: it signs users in with this API's own app registration
(``BACKEND_CLIENT_ID``/``BACKEND_CLIENT_SECRET``, redirect URI ``<BACKEND_URL>/auth/callback``),
drops the ``resource`` parameter Entra would refuse, prefixes the scopes with the
identifier URI, and hands the client a FastMCP token that stands for the Entra one.
``base_authority`` points it at the mock (``127.0.0.1:8443``) or at Entra
(``login.microsoftonline.com``); nothing else changes. The API app must take v2 tokens:
``AzureProvider`` validates the upstream token against the v2 issuer.
https://gofastmcp.com/integrations/azure

Bearer tokens straight from Entra (the lab's frontend, pre-registered clients) still
work: ``MultiAuth`` tries them with this API's own strict verifier after the proxy.
Its refusals are all 401 here (``MultiAuth`` does not pass a verifier's 403 on).
Registrations and tokens the proxy holds live in memory: a restart makes MCP clients
register and sign in again.
"""

from __future__ import annotations

from fastmcp.server.auth import MultiAuth
from fastmcp.server.auth.providers.azure import AzureProvider
from key_value.aio.stores.memory import MemoryStore

from backend.auth.mcp_auth import EntraTokenVerifier
from backend.settings import BackendSettings

# The path FastMCP's proxy receives Entra's redirect on (registered on the app).
CALLBACK_PATH = "/auth/callback"


def oauth_proxy(settings: BackendSettings, verifier: EntraTokenVerifier) -> MultiAuth:
    """FastMCP's Azure OAuth proxy, then this API's verifier for tokens straight from Entra."""
    proxy = AzureProvider(
        client_id=settings.backend_client_id,
        client_secret=settings.backend_client_secret,
        tenant_id=settings.entra_tenant_id,
        required_scopes=[settings.backend_scope],
        base_url=settings.backend_url,
        identifier_uri=settings.backend_app_id_uri,
        redirect_path=CALLBACK_PATH,
        base_authority=settings.identity_host,
        require_authorization_consent=settings.backend_proxy_consent,
        client_storage=MemoryStore(),
    )
    return MultiAuth(server=proxy, verifiers={"entra": verifier})
