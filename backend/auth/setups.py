"""How MCP clients sign in to this server: the two documented set-ups, and what to tell the operator.

1. **direct** (Microsoft's recommended set-up): protected-resource metadata (RFC 9728)
   names the tenant's v2 authority; clients go to Entra themselves and send the RFC
   8707 ``resource`` = this server's URL. Entra accepts that only when the URL is,
   byte for byte, an identifier URI of the API app (AADSTS9010010 otherwise), so the
   app's identifier URI should be the server's canonical URL, and the scopes are then
   requested as ``<that URL>/<scope>``.
   https://learn.microsoft.com/entra/agent-id/secure-mcp-server-with-entra-id
2. **proxy**: FastMCP's OAuth proxy in front (``backend.auth.proxy``), for clients that
   need dynamic registration.

:func:`setup_advice` is what the server says at start when the set-up cannot work for
spec-following MCP clients on Entra (the ``mock-entra check-mcp`` command says the same
from outside).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from fastmcp.server.auth import AuthProvider

from backend.auth.mcp_auth import EntraAuthProvider, EntraTokenVerifier
from backend.auth.proxy import oauth_proxy
from backend.auth.validator import TokenValidator
from backend.settings import BackendSettings
from entra_kit.issuers import issuer_v2

MCP_PATH = "/mcp"


def mcp_auth(settings: BackendSettings, validator: TokenValidator) -> AuthProvider:
    """The auth provider of the MCP endpoint for the configured set-up."""
    verifier = EntraTokenVerifier(validator, required_scopes=[settings.backend_scope])
    if settings.backend_mcp_auth == "proxy":
        return oauth_proxy(settings, verifier)
    return EntraAuthProvider(
        verifier,
        issuer=issuer_v2(settings.entra_authority_host, settings.entra_tenant_id),
        base_url=settings.backend_url,
        mcp_path=MCP_PATH,
        scopes_supported=[settings.full_scope],
    )


def setup_advice(settings: BackendSettings) -> list[str]:
    """Why spec-following MCP clients would fail against Entra with these settings, and the fix."""
    if settings.backend_mcp_auth == "proxy":
        return []
    url, uri = settings.mcp_url, settings.backend_app_id_uri
    https = urlsplit(url).scheme == "https"
    no_http = "" if https else (
        f"; and {url} cannot be one: Entra takes https identifier URIs on a verified domain "
        "of the tenant only"
    )  # fmt: skip
    if uri == url:
        return [] if https else [f"BACKEND_APP_ID_URI is {url}{no_http}."]
    target = url if https else "https://<a verified domain>/mcp"
    serve = "" if https else "serve the server there (BACKEND_URL, BACKEND_TLS_CERT/KEY), "
    return [
        f"MCP clients that follow the spec send resource={url} with scopes of {uri}: Entra "
        f"refuses that pair with AADSTS9010010 unless {url} is also an identifier URI of the "
        f"API app{no_http}. Fix: {serve}add {target} to the app's identifier URIs and set "
        f"BACKEND_APP_ID_URI={target} (Microsoft's recommended set-up), or put FastMCP's OAuth "
        "proxy in front (BACKEND_MCP_AUTH=proxy)."
    ]
