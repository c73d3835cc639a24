"""A real tenant's app registrations, as Microsoft Graph exports them, turned into a tenant file.

``az ad app show --id <appId>`` prints one Graph ``application`` object, ``az ad app
list`` a list of them, and ``GET /v1.0/applications`` a ``{"value": [...]}`` page; each
of these is accepted (https://learn.microsoft.com/graph/api/resources/application).
Only what the check needs is read: ``appId``, ``displayName``, ``identifierUris``,
``api.oauth2PermissionScopes``, ``api.requestedAccessTokenVersion`` (null means v1,
https://learn.microsoft.com/entra/identity-platform/reference-microsoft-graph-app-manifest),
the redirect URIs of ``web``, ``spa`` and ``publicClient``, and ``isFallbackPublicClient``.

Entra accepted these identifier URIs when they were set, so the hosts of the ``https``
ones stand for the tenant's verified domains, and the pattern policy is not held
against them (``verified_domains_only``: apps older than it keep ``api://name`` URIs).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from entra_kit.ids import is_guid
from mock_entra.tenant import Directory
from mock_entra.tenant.application import Application, Scope
from mock_entra.tenant.model import Tenant

# The tenant id when the server names a multi-tenant authority (organizations, common).
UNNAMED_TENANT = "00000000-0000-0000-0000-00000000c4ec"


def read_graph_apps(path: Path) -> list[dict[str, Any]]:
    """The application objects in ``path``: one object, a list, or a Graph page."""
    data = json.loads(path.read_text())
    if isinstance(data, dict) and isinstance(data.get("value"), list):
        data = data["value"]
    apps = data if isinstance(data, list) else [data]
    if not apps or not all(isinstance(a, dict) and "appId" in a for a in apps):
        raise ValueError(f"{path}: not Microsoft Graph application objects (no appId)")
    return apps


def _application(app: dict[str, Any]) -> Application:
    api = app.get("api") or {}
    public = (app.get("publicClient") or {}).get("redirectUris") or []
    redirects = [*(app.get("web") or {}).get("redirectUris", []),
                 *(app.get("spa") or {}).get("redirectUris", []), *public]  # fmt: skip
    scopes = [Scope.model_validate({"value": s["value"], **({"id": s["id"]} if s.get("id") else {})})
              for s in api.get("oauth2PermissionScopes", []) if s.get("isEnabled", True)]  # fmt: skip
    return Application(
        client_id=app["appId"],
        name=app.get("displayName") or app["appId"],
        requested_access_token_version=2 if api.get("requestedAccessTokenVersion") == 2 else 1,
        public_client=bool(public) or bool(app.get("isFallbackPublicClient")),
        redirect_uris=redirects,
        identifier_uris=list(app.get("identifierUris") or []),
        scopes=scopes,
    )


def directory_of(apps: list[dict[str, Any]], tenant_id: str | None) -> Directory:
    """A one-tenant directory holding ``apps``; ``tenant_id`` None or not a GUID: a stand-in."""
    tid = tenant_id.lower() if tenant_id and is_guid(tenant_id) else UNNAMED_TENANT
    applications = [_application(a) for a in apps]
    hosts = sorted({urlsplit(u).hostname or "" for a in applications for u in a.identifier_uris
                    if u.startswith("https://")} - {""})  # fmt: skip
    tenant = Tenant(id=tid, domain="exported.onmicrosoft.com", display_name="exported tenant",
                    verified_domains=hosts, identifier_uri_policy="verified_domains_only",
                    applications=applications)  # fmt: skip
    return Directory(tenants=[tenant])
