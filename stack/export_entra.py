"""``python -m stack export-entra``: the tenant YAML as Azure CLI steps for a real tenant.

It writes ``setup.sh`` (app registrations, scopes, roles, permissions, consent,
redirect URIs, secrets, federated credential, managed identity) and ``.env.entra``
(the entra profile, filled from the ids the script prints). Microsoft's own apps
(Graph, Azure AI Search, the token exchange app) already exist in every tenant and
are referenced, not created. Real ids differ from the mock's, so the script keeps
each new app id in a shell variable and later steps use those.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

from mock_entra.tenant import Application, Tenant, load_directory

# Apps Microsoft provides in every tenant: reference them by app id, never create them.
FIRST_PARTY = {
    "00000003-0000-0000-c000-000000000000",  # Microsoft Graph
    "880da380-985e-4198-81b9-e05b1cc53158",  # Azure AI Search
    "fb60f99c-7a34-4190-8149-302f77469936",  # AAD Token Exchange
}


def _var(app: Application) -> str:
    return "APP_" + re.sub(r"[^A-Z0-9]", "_", app.name.upper())


def _q(value: str) -> str:
    return shlex.quote(value)


def _app_ref(tenant: Tenant, resource: str) -> str:
    """Shell text for a resource's app id: a variable for ours, the literal for Microsoft's."""
    app = tenant.resource_app(resource)
    if app is None:
        return _q(resource)
    return _q(app.client_id) if app.client_id in FIRST_PARTY else f'"${_var(app)}"'


def _create(app: Application) -> list[str]:
    v = _var(app)
    lines = [f"# --- {app.name} ---"]
    cmd = f"{v}=$(az ad app create --display-name {_q(app.name)} --sign-in-audience {app.sign_in_audience}"
    if app.redirect_uris:
        cmd += " --web-redirect-uris " + " ".join(_q(u) for u in app.redirect_uris)
    lines.append(cmd + " --query appId -o tsv)")
    lines.append(f'az ad sp create --id "${v}" >/dev/null')
    if app.identifier_uris:
        lines.append(f'az ad app update --id "${v}" --identifier-uris "api://${v}"')
    api: dict[str, object] = {"requestedAccessTokenVersion": app.requested_access_token_version}
    if app.scopes:
        api["oauth2PermissionScopes"] = [
            {"id": s.id, "value": s.value, "type": "User", "isEnabled": True,
             "adminConsentDisplayName": s.description or s.value,
             "adminConsentDescription": s.description or s.value}
            for s in app.scopes
        ]  # fmt: skip
    # One "api" object: setting it replaces the whole object, token version included.
    lines.append(f'az ad app update --id "${v}" --set {_q("api=" + json.dumps(api))}')
    if app.app_roles:
        roles = [
            {"id": r.id, "value": r.value, "allowedMemberTypes": r.allowed_member_types,
             "displayName": r.value, "description": r.description or r.value, "isEnabled": True}
            for r in app.app_roles
        ]  # fmt: skip
        lines.append(f'az ad app update --id "${v}" --app-roles {_q(json.dumps(roles))}')
    if app.post_logout_redirect_uris:
        lines.append(
            f"# post-logout redirect (portal: Authentication): {app.post_logout_redirect_uris[0]}"
        )
    if app.secrets:
        lines.append(
            f'{v}_SECRET=$(az ad app credential reset --id "${v}" --append '
            f"--display-name mcp-lab --query password -o tsv)"
        )
    return lines


def _permissions(tenant: Tenant, app: Application) -> list[str]:
    v, lines = _var(app), []
    for access in app.required_resource_access:
        ref = _app_ref(tenant, access.resource)
        for scope in access.scopes:
            if scope in ("openid", "profile", "offline_access", "email"):
                continue
            lookup = f"$(az ad sp show --id {ref} --query \"oauth2PermissionScopes[?value=='{scope}'].id\" -o tsv)"
            lines.append(
                f'az ad app permission add --id "${v}" --api {ref} --api-permissions "{lookup}=Scope"'
            )
    for access in app.granted_app_roles:
        ref = _app_ref(tenant, access.resource)
        for role in access.roles:
            lookup = f"$(az ad sp show --id {ref} --query \"appRoles[?value=='{role}'].id\" -o tsv)"
            lines.append(
                f'az ad app permission add --id "${v}" --api {ref} --api-permissions "{lookup}=Role"'
            )
    if lines:
        lines.append(f'az ad app permission admin-consent --id "${v}"  # needs an admin')
    for fic in app.federated_credentials:
        params = {"name": fic.name, "issuer": "https://login.microsoftonline.com/${TENANT_ID}/v2.0",
                  "subject": "${MI_PRINCIPAL_ID}", "audiences": fic.audiences}  # fmt: skip
        lines.append(
            f'az ad app federated-credential create --id "${v}" --parameters "{json.dumps(params).replace(chr(34), chr(92) + chr(34))}"'
        )
    return lines


def script(tenant: Tenant) -> str:
    ours = [a for a in tenant.applications if a.client_id not in FIRST_PARTY]
    out = [
        "#!/usr/bin/env bash",
        f"# Recreate the mock tenant {tenant.domain} in a real tenant. Review before running;",
        "# run as a user allowed to create app registrations (admin consent needs an admin).",
        "set -euo pipefail",
        "TENANT_ID=$(az account show --query tenantId -o tsv)",
        "RESOURCE_GROUP=${RESOURCE_GROUP:?set RESOURCE_GROUP for the managed identity}",
        "",
    ]
    for identity in tenant.managed_identities:
        out += [
            f"# --- managed identity {identity.name} (attach it to the backend's host) ---",
            f'MI_CLIENT_ID=$(az identity create -g "$RESOURCE_GROUP" -n {_q(identity.name)} --query clientId -o tsv)',
            f'MI_PRINCIPAL_ID=$(az identity show -g "$RESOURCE_GROUP" -n {_q(identity.name)} --query principalId -o tsv)',
            "",
        ]
    for app in ours:
        out += [*_create(app), ""]
    for app in ours:
        out += _permissions(tenant, app)
    web = next((a for a in ours if a.redirect_uris), None)
    api = next((a for a in ours if a.scopes), None)
    out += ["", "cat > .env.entra <<EOF", *env_lines(web, api), "EOF", 'echo "wrote .env.entra"']
    return "\n".join(out) + "\n"


def env_lines(web: Application | None, api: Application | None) -> list[str]:
    lines = [
        "ENTRA_AUTHORITY_HOST=https://login.microsoftonline.com",
        "ENTRA_TENANT_ID=${TENANT_ID}",
        "ENTRA_CA_BUNDLE=",
        "ENTRA_INSTANCE_DISCOVERY=true",
    ]
    if web is not None:
        lines += [f"FRONTEND_CLIENT_ID=${{{_var(web)}}}",
                  f"FRONTEND_CLIENT_SECRET=${{{_var(web)}_SECRET}}",
                  "FRONTEND_SECRET_KEY=$(head -c 32 /dev/urandom | base64)"]  # fmt: skip
    if api is not None:
        lines += [
            f"BACKEND_CLIENT_ID=${{{_var(api)}}}",
            f"BACKEND_APP_ID_URI=api://${{{_var(api)}}}",
            "OBO_CREDENTIAL=secret",
            f"BACKEND_CLIENT_SECRET=${{{_var(api)}_SECRET}}",
            "# OBO_CREDENTIAL=managed_identity",
            "# MANAGED_IDENTITY_CLIENT_ID=${MI_CLIENT_ID:-}",
            "SERVE_FAKE_DOWNSTREAM=false",
            "GRAPH_ENDPOINT=https://graph.microsoft.com",
            "# SEARCH_ENDPOINT=https://<service>.search.windows.net",
        ]
    return lines


def main(config: Path | None, out: Path) -> int:
    directory = load_directory(config)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "setup.sh"
    path.write_text(script(directory.tenants[0]))
    path.chmod(0o755)
    print(f"wrote {path}: review it, then run it with the Azure CLI signed in to your tenant.")
    print("Reverse direction (real -> mock): README, 'Switching to real Entra'.")
    return 0
