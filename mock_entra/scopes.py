"""Parse a v2 ``scope`` parameter into one resource and its scopes, as Entra does.

- ``openid profile email offline_access`` belong to the sign-in (OIDC).
- ``<resource>/<name>`` names a scope of the resource (client id or identifier URI);
  a bare ``User.Read`` is Microsoft Graph's.
- ``<resource>/.default`` means everything already consented (delegated) or granted
  (app roles, client credentials).
- One resource per request (AADSTS28000); unknown resources are AADSTS500011,
  unknown scopes AADSTS70011.
https://learn.microsoft.com/entra/identity-platform/scopes-oidc
"""

from __future__ import annotations

from dataclasses import dataclass, field

from entra_kit.microsoft_apps import GRAPH_RESOURCE
from mock_entra.errors import InvalidResource, InvalidScope
from mock_entra.tenant.application import Application
from mock_entra.tenant.model import OIDC_SCOPES, Tenant

DEFAULT = ".default"


@dataclass(frozen=True)
class RequestedScopes:
    """What a request asked for, resolved against a tenant."""

    resource: Application | None
    names: tuple[str, ...]  # resource-local scope names (``.default`` kept as such)
    oidc: tuple[str, ...]
    # The scope items as the client wrote them, echoed in ``scope`` so MSAL's cache hits.
    raw_resource_items: tuple[str, ...] = field(default=())

    @property
    def is_default(self) -> bool:
        return DEFAULT in self.names

    @property
    def wants_refresh_token(self) -> bool:
        return "offline_access" in self.oidc

    @property
    def wants_id_token(self) -> bool:
        return "openid" in self.oidc


def _split(item: str) -> tuple[str, str]:
    """``api://x/access_as_user`` -> (``api://x``, ``access_as_user``)."""
    if "/" not in item:
        return GRAPH_RESOURCE, item
    base, _, name = item.rpartition("/")
    return base, name


def parse_scopes(
    tenant: Tenant, scope: str | None, *, require_resource: bool = False
) -> RequestedScopes:
    items = [s for s in (scope or "").split() if s]
    if not items:
        raise InvalidScope(
            90014,
            "The required field 'scope' is missing from the credential. Ensure that you "
            "have all the necessary parameters for the login request.",
        )
    oidc = tuple(dict.fromkeys(i for i in items if i in OIDC_SCOPES))
    resource_items = [i for i in items if i not in OIDC_SCOPES]
    bases = {_split(i)[0].rstrip("/").lower() for i in resource_items}
    if len(bases) > 1:
        raise InvalidScope(
            28000,
            "Provided value for the input parameter scope is not valid because it "
            "contains more than one resource. Scope " + " ".join(items) + " is not valid.",
        )
    if not resource_items:
        if require_resource:
            raise InvalidScope(
                70011,
                f"The provided value for the input parameter 'scope' is not valid. The scope {scope} is not valid.",
            )
        return RequestedScopes(tenant.resource_app(GRAPH_RESOURCE), (), oidc)

    base = _split(resource_items[0])[0]
    app = tenant.resource_app(base)
    if app is None:
        raise InvalidResource(
            500011,
            f"The resource principal named {base} was not found in the tenant named "
            f"{tenant.display_name or tenant.domain}. This can happen if the application has "
            "not been installed by the administrator of the tenant or consented to by any user "
            "in the tenant. You might have sent your authentication request to the wrong tenant.",
        )
    names = tuple(dict.fromkeys(_split(i)[1] for i in resource_items))
    for name in names:
        if name != DEFAULT and app.scope(name) is None:
            raise InvalidScope(
                70011,
                f"The provided value for the input parameter 'scope' is not valid. "
                f"The scope {base}/{name} is not valid.",
            )
    if DEFAULT in names and len(names) > 1:
        raise InvalidScope(
            70011,
            "The provided value for the input parameter 'scope' is not valid. "
            ".default scope can't be combined with resource-specific scopes.",
        )
    return RequestedScopes(app, names, oidc, tuple(resource_items))


def granted_delegated(
    tenant: Tenant, client_id: str, req: RequestedScopes, consented: set[str]
) -> tuple[str, ...]:
    """The delegated scopes a token carries: the requested ones, or all consented for .default."""
    if req.resource is None:
        return ()
    if req.is_default:
        return tuple(s.value for s in req.resource.scopes if s.value in consented)
    return req.names


def response_scope(req: RequestedScopes, granted: tuple[str, ...]) -> str:
    """The ``scope`` field of a token response: every requested item, so MSAL's cache hits."""
    items = list(req.raw_resource_items) if not req.is_default else []
    if req.resource is not None and (req.is_default or not items):
        base = req.resource.primary_resource_uri
        items += [f"{base}/{g}" for g in granted]
    items += [o for o in req.oidc if o != "offline_access"]
    if req.wants_refresh_token:
        items.append("offline_access")
    return " ".join(dict.fromkeys(items))
