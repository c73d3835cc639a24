"""What a user needs to point any app at the mock: authority, CA, apps, users (``mock-entra describe``)."""

from __future__ import annotations

from typing import Any

from entra_kit.issuers import issuer_v1, issuer_v2
from mock_entra.settings import MockSettings
from mock_entra.tenant import Directory


def client_setup(settings: MockSettings, directory: Directory, ca_bundle: str) -> dict[str, Any]:
    base = settings.base_url
    return {
        "base_url": base,
        "ca_bundle": ca_bundle,
        "tenants": [
            {
                "id": t.id,
                "domain": t.domain,
                "authority": f"{base}/{t.id}",
                "issuer_v2": issuer_v2(base, t.id),
                "issuer_v1": issuer_v1(t.id),
                "discovery": f"{base}/{t.id}/v2.0/.well-known/openid-configuration",
                "jwks_uri": f"{base}/{t.id}/discovery/v2.0/keys",
                "applications": [
                    {
                        "name": a.name,
                        "client_id": a.client_id,
                        "secrets": [s.value for s in a.secrets],
                        "redirect_uris": a.redirect_uris,
                        "identifier_uris": a.identifier_uris,
                        "scopes": [s.value for s in a.scopes],
                        "app_roles": [r.value for r in a.app_roles],
                        "access_token_version": a.requested_access_token_version,
                    }
                    for a in t.applications
                ],
                "users": [
                    {
                        "upn": u.upn,
                        "oid": u.oid,
                        "display_name": u.display_name,
                        "password": u.password,
                        "groups": u.groups,
                    }
                    for u in t.users
                ],
                "managed_identities": [m.model_dump() for m in t.managed_identities],
            }
            for t in directory.tenants
        ],
    }
