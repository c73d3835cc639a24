"""The RFC 8707 ``resource`` parameter on the v2 authorize and token endpoints, as Entra treats it.

The v2 endpoints name the resource through the scopes (``<identifier URI>/<scope>``);
``resource`` is a v1 parameter. MCP clients send it anyway (the MCP authorization spec
requires it on both requests), and Entra answers by the tenant's
``resource_parameter`` policy:

- ``match_scopes`` (the default: Entra since early March 2026): accepted when it equals,
  byte for byte, one of the identifier URIs of the app that owns the requested scopes;
  anything else is ``invalid_target`` AADSTS9010010 "The resource parameter provided in
  the request doesn't match with the requested scopes." A trailing slash is enough to
  fail; OIDC-only scopes (``openid profile offline_access``) own no identifier URI, so
  any ``resource`` beside them fails.
- ``unsupported`` (before March 2026): any ``resource`` is ``invalid_request``
  AADSTS901002 "The 'resource' request parameter is not supported."
- ``ignored``: the parameter is dropped, as this mock did before; for experiments only.

What the public record verifies (MCP-ENTRA.md has the threads):

- at ``/authorize``, before sign-in, redirected with ``error``/``state``:
  the mismatch (anthropics/claude-code#73460, #52871; claude-ai-mcp#514, whose table
  also shows a bare Graph-style scope failing against every ``resource``),
  microsoft/azure-devops-mcp#1601 (a matching pair works), the older 901002
  (microsoft/vscode#254009, modelcontextprotocol/csharp-sdk#741);
- the values come from the identifier URIs, any of them, not the redirect URIs
  (a Microsoft engineer in anomalyco/opencode#12308);
- at ``/token``: a matching ``resource`` with the code redemption succeeds
  (claude-ai-mcp#894); a silent request with a mismatched one fails with 9010010
  (claude-ai-mcp#851); a refresh that sends ``resource`` but no ``scope`` fails with it
  (modelcontextprotocol/python-sdk#2578, csharp-sdk#1587), which the rule explains: with
  no scope the refresh asks for the sign-in scopes only.

What is not verified, and chosen here: that the token endpoint applies exactly the
authorize endpoint's rule (the code's scopes stand in when the redemption names none);
that the client id (a GUID) is not accepted as ``resource`` on v2; that the check comes
after client authentication and before the grant uses its code or refresh token (so a
client may retry without ``resource``, as python-sdk#2853 does).
"""

from __future__ import annotations

from mock_entra.errors import InvalidRequest, InvalidTarget
from mock_entra.scopes import parse_scopes
from mock_entra.tenant.model import Tenant

MISMATCH = "The resource parameter provided in the request doesn't match with the requested scopes."
UNSUPPORTED = "The 'resource' request parameter is not supported."


def check_resource(tenant: Tenant, resource: str | None, scope: str | None) -> None:
    """Refuse ``resource`` the way the tenant's policy says; ``scope`` as the request resolves it.

    A request without ``resource`` passes. ``scope`` None means the grant cannot tell
    yet (an unknown code): its own error follows.
    """
    if resource is None or tenant.resource_parameter == "ignored":
        return
    if tenant.resource_parameter == "unsupported":
        raise InvalidRequest(901002, UNSUPPORTED)
    if scope is None:
        return
    requested = parse_scopes(tenant, scope)
    owner = requested.resource
    if owner is None or not requested.names or not owner.identified_by(resource):
        raise InvalidTarget(9010010, MISMATCH)
