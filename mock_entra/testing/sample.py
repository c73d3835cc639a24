"""A small, complete tenant for ``PUT /_admin/tenants/{id}``: one per test or scenario.

Same shape as the shipped tenant, fresh ids each time: a web app (secret, redirect
URI), an API with a delegated scope and an app role, a daemon granted that role, a
public client (a CLI or desktop app: no secret, ``http://localhost`` on any port),
and two users; the web app and the public client have admin consent for the API scope.
"""

from __future__ import annotations

import uuid
from typing import Any

WEB_SECRET = "sample-web-secret-0001"
API_SECRET = "sample-api-secret-0001"
DAEMON_SECRET = "sample-daemon-secret-0001"
REDIRECT_URI = "http://localhost:5001/signin-oidc"
LOOPBACK_REDIRECT_URI = "http://localhost"


def _applications(label: str, web: str, api: str, daemon: str, cli: str) -> list[dict[str, Any]]:
    return [
        {
            "client_id": web,
            "name": f"{label} web",
            "requested_access_token_version": 2,
            "redirect_uris": [REDIRECT_URI],
            "secrets": [{"value": WEB_SECRET}],
        },
        {
            "client_id": api,
            "name": f"{label} api",
            "requested_access_token_version": 2,
            "identifier_uris": [f"api://{api}"],
            "secrets": [{"value": API_SECRET}],
            "scopes": [{"value": "access_as_user"}],
            "app_roles": [{"value": "Tools.Invoke", "allowed_member_types": ["Application"]}],
        },
        {
            "client_id": daemon,
            "name": f"{label} daemon",
            "requested_access_token_version": 2,
            "secrets": [{"value": DAEMON_SECRET}],
            "granted_app_roles": [{"resource": f"api://{api}", "roles": ["Tools.Invoke"]}],
        },
        {
            "client_id": cli,
            "name": f"{label} cli",
            "requested_access_token_version": 2,
            "public_client": True,
            "redirect_uris": [LOOPBACK_REDIRECT_URI],
            "required_resource_access": [
                {"resource": f"api://{api}", "scopes": ["access_as_user"]}
            ],
        },
    ]


def sample_tenant(label: str = "sample") -> dict[str, Any]:
    """A new tenant as JSON (:func:`app_ids` and :func:`public_client_id` name its apps)."""
    tid = str(uuid.uuid4())
    web, api, daemon, cli = (str(uuid.uuid4()) for _ in range(4))
    domain = f"{label}-{tid[:8]}.onmicrosoft.com"
    return {
        "id": tid,
        "domain": domain,
        "display_name": f"{label} (runtime)",
        "applications": _applications(label, web, api, daemon, cli),
        "users": [
            {
                "oid": str(uuid.uuid4()),
                "upn": f"{name}@{domain}",
                "display_name": name.title(),
                "password": f"{name}-password",
            }
            for name in ("alice", "bob")
        ],
        "consent_grants": [
            {"client": client, "resource": f"api://{api}", "scopes": ["access_as_user"]}
            for client in (web, cli)
        ],
    }


def app_ids(tenant: dict[str, Any]) -> tuple[str, str, str]:
    """(web, api, daemon) client ids of a :func:`sample_tenant`."""
    web, api, daemon = (a["client_id"] for a in tenant["applications"][:3])
    return web, api, daemon


def public_client_id(tenant: dict[str, Any]) -> str:
    """The client id of a :func:`sample_tenant`'s public client (``<label> cli``)."""
    return str(next(a["client_id"] for a in tenant["applications"] if a.get("public_client")))
