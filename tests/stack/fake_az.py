"""A recording stand-in for the Azure CLI: ``python -m tests.stack.fake_az <az arguments>``.

The tests put an ``az`` first on PATH that runs this. It keeps a small directory (apps,
service principals, grants, identities) in ``$FAKE_AZ_STATE/state.json``, logs every call
to ``$FAKE_AZ_STATE/calls.jsonl``, and answers as the CLI does: JSON (or ``-o tsv``) on
show/list/create, exit 3 with ``ERROR: ...`` where the CLI finds nothing, exit 1 where
Graph refuses (a second service principal for one app, a duplicate app role assignment or
federated credential), exit 2 for an argument that ``az_surface.SURFACE`` does not list.
``$FAKE_AZ_FAIL``: ``;``-separated commands (``ad app permission grant``, ``rest POST``)
that fail as without the needed directory role.
"""

from __future__ import annotations

import json
import os
import re
import sys
import uuid
from pathlib import Path
from typing import Any

from tests.stack.az_surface import GLOBAL, GLOBAL_SWITCHES, SURFACE

TENANT = "72f988bf-0000-4000-8000-00000000f00d"
GRAPH = "00000003-0000-0000-c000-000000000000"
SEARCH = "880da380-985e-4198-81b9-e05b1cc53158"
# Microsoft's apps the stand-in knows: Graph has a service principal from the start,
# Azure AI Search only after ``az ad sp create`` (as in a tenant that never used it).
CATALOG = {
    GRAPH: {
        "displayName": "Microsoft Graph",
        "scopes": [
            "User.Read",
            "User.ReadBasic.All",
            "Mail.Read",
            "openid",
            "profile",
            "email",
            "offline_access",
        ],
        "roles": [],
    },
    SEARCH: {"displayName": "Azure AI Search", "scopes": ["user_impersonation"], "roles": []},
}
# Properties of https://learn.microsoft.com/graph/api/resources/application that may be PATCHed.
APP_PROPERTIES = {"api", "appRoles", "displayName", "groupMembershipClaims", "identifierUris",
                  "isFallbackPublicClient", "optionalClaims", "publicClient",
                  "requiredResourceAccess", "signInAudience", "spa", "web"}  # fmt: skip
FIC_PROPERTIES = {"name", "issuer", "subject", "audiences", "description"}


class AzError(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


Args = dict[str, list[str]]


def parse(argv: list[str]) -> tuple[str, Args]:
    words = [w for w in argv if not w.startswith("-")]
    name = next((" ".join(words[:n]) for n in range(len(words), 0, -1)
                 if " ".join(words[:n]) in SURFACE and argv[:n] == words[:n]), None)  # fmt: skip
    if name is None:
        raise AzError(2, f"'{' '.join(argv[:3])}' is misspelled or not recognized by the system.")
    command, args, rest = SURFACE[name], {}, argv[len(name.split()) :]
    i = 0
    while i < len(rest):
        flag = command.flags.get(rest[i]) or GLOBAL.get(rest[i])
        if flag is None:
            raise AzError(2, f"unrecognized arguments: {rest[i]}")
        values = []
        i += 1
        while i < len(rest) and not rest[i].startswith("-"):
            values.append(rest[i])
            i += 1
        if (flag in command.switches or flag in GLOBAL_SWITCHES) != (not values):
            raise AzError(2, f"argument {flag}: expected {'no' if values else 'one'} argument")
        args[flag] = values
    return name, args


def one(args: Args, flag: str) -> str:
    if flag not in args:
        raise AzError(2, f"the following arguments are required: {flag}")
    return " ".join(args[flag])


class Directory:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.data: dict[str, Any] = (
            json.loads(path.read_text()) if path.exists()
            else {"apps": [], "sps": [{"id": str(uuid.uuid4()), "appId": GRAPH}],
                  "grants": [], "assignments": [], "identities": []}
        )  # fmt: skip

    def save(self) -> None:
        self.path.write_text(json.dumps(self.data, indent=1, sort_keys=True))

    def app(self, ident: str) -> dict[str, Any]:
        found = next((a for a in self.data["apps"] if ident in (a["appId"], a["id"])), None)
        if found is None:
            raise AzError(3, f"Resource '{ident}' does not exist or one of its queried "
                             "reference-property objects are not present.")  # fmt: skip
        return found

    def sp(self, ident: str) -> dict[str, Any]:
        found = next((s for s in self.data["sps"] if ident in (s["appId"], s["id"])), None)
        if found is None:
            raise AzError(3, f"Service principal '{ident}' doesn't exist")
        return found

    def exposed(self, app_id: str, kind: str) -> list[dict[str, Any]]:
        """Scopes or app roles the resource app defines (ours as PATCHed, Microsoft's known)."""
        if app_id in CATALOG:
            key = "scopes" if kind == "scopes" else "roles"
            return [{"value": v, "id": v, "allowedMemberTypes": ["Application"]}
                    for v in CATALOG[app_id][key]]  # fmt: skip
        app = self.app(app_id)
        return list(app["api"]["oauth2PermissionScopes"] if kind == "scopes" else app["appRoles"])


def _new_app(name: str, audience: str) -> dict[str, Any]:
    return {"id": str(uuid.uuid4()), "appId": str(uuid.uuid4()), "displayName": name,
            "signInAudience": audience, "identifierUris": [], "appRoles": [],
            "api": {"requestedAccessTokenVersion": None, "oauth2PermissionScopes": []},
            "web": {"redirectUris": []}, "requiredResourceAccess": [],
            "passwordCredentials": [], "federatedIdentityCredentials": []}  # fmt: skip


def app_list(d: Directory, args: Args) -> Any:
    match = re.fullmatch(r"displayName eq '((?:[^']|'')*)'", one(args, "--filter"))
    if match is None:
        raise AzError(1, "the stand-in understands only --filter \"displayName eq '...'\"")
    name = match.group(1).replace("''", "'")
    return [a for a in d.data["apps"] if a["displayName"] == name]


def app_create(d: Directory, args: Args) -> Any:
    app = _new_app(one(args, "--display-name"), one(args, "--sign-in-audience"))
    d.data["apps"].append(app)
    return app


def sp_show(d: Directory, args: Args) -> Any:
    return d.sp(one(args, "--id"))


def sp_create(d: Directory, args: Args) -> Any:
    app_id = one(args, "--id")
    if app_id not in CATALOG:
        app_id = d.app(app_id)["appId"]
    if any(s["appId"] == app_id for s in d.data["sps"]):
        raise AzError(1, "Another object with the same value for property servicePrincipalNames "
                         "already exists.")  # fmt: skip
    sp = {"id": str(uuid.uuid4()), "appId": app_id}
    d.data["sps"].append(sp)
    return sp


def credential_list(d: Directory, args: Args) -> Any:
    return d.app(one(args, "--id"))["passwordCredentials"]


def credential_reset(d: Directory, args: Args) -> Any:
    app = d.app(one(args, "--id"))
    password = "fake" + uuid.uuid4().hex[:6] + "~" + uuid.uuid4().hex
    cred = {"keyId": str(uuid.uuid4()), "displayName": one(args, "--display-name"),
            "hint": password[:3], "years": one(args, "--years")}  # fmt: skip
    app["passwordCredentials"] = [*(app["passwordCredentials"] if "--append" in args else []), cred]
    return {"appId": app["appId"], "password": password, "tenant": TENANT}


def fic_show(d: Directory, args: Args) -> Any:
    wanted = one(args, "--federated-credential-id")
    app = d.app(one(args, "--id"))
    found = [f for f in app["federatedIdentityCredentials"] if wanted in (f["name"], f["id"])]
    if not found:
        raise AzError(3, 'Not Found({"error":{"code":"Request_ResourceNotFound"}})')
    return found[0]


def fic_create(d: Directory, args: Args) -> Any:
    app, body = d.app(one(args, "--id")), json.loads(one(args, "--parameters"))
    if not {"name", "issuer", "subject", "audiences"} <= set(body) <= FIC_PROPERTIES:
        raise AzError(1, f"Bad Request: federated credential properties {sorted(body)}")
    if any(f["name"] == body["name"] for f in app["federatedIdentityCredentials"]):
        raise AzError(1, f"FederatedIdentityCredential with name {body['name']} already exists.")
    app["federatedIdentityCredentials"].append({"id": str(uuid.uuid4()), **body})
    return app["federatedIdentityCredentials"][-1]


def grant(d: Directory, args: Args) -> Any:
    client, resource = d.sp(one(args, "--id")), d.sp(one(args, "--api"))
    scopes = one(args, "--scope").split()
    known = {s["value"] for s in d.exposed(resource["appId"], "scopes")}
    if not scopes or set(scopes) - known:
        raise AzError(1, f"Bad Request: scopes {sorted(set(scopes) - known)} are not defined")
    # The CLI deletes the client's grant on that resource, then creates the new one.
    d.data["grants"] = [g for g in d.data["grants"]
                        if (g["clientId"], g["resourceId"]) != (client["id"], resource["id"])]  # fmt: skip
    new = {"id": str(uuid.uuid4()), "clientId": client["id"], "consentType": "AllPrincipals",
           "principalId": None, "resourceId": resource["id"], "scope": " ".join(scopes)}  # fmt: skip
    d.data["grants"].append(new)
    return new


def list_grants(d: Directory, args: Args) -> Any:
    client = d.sp(one(args, "--id"))
    return [g for g in d.data["grants"] if g["clientId"] == client["id"]]


def identity(d: Directory, args: Args, create: bool) -> Any:
    key = (one(args, "--resource-group"), one(args, "--name"))
    found = next((i for i in d.data["identities"] if (i["resourceGroup"], i["name"]) == key), None)
    if found is None and not create:
        raise AzError(3, f"The Resource 'Microsoft.ManagedIdentity/userAssignedIdentities/"
                         f"{key[1]}' under resource group '{key[0]}' was not found.")  # fmt: skip
    if found is None:
        found = {"resourceGroup": key[0], "name": key[1], "id": f"/rg/{key[0]}/{key[1]}",
                 "clientId": str(uuid.uuid4()), "principalId": str(uuid.uuid4())}  # fmt: skip
        d.data["identities"].append(found)
    return found


GRAPH_V1 = "https://graph.microsoft.com/v1.0/"


def rest(d: Directory, args: Args) -> Any:
    method, uri = one(args, "--method").upper(), one(args, "--uri")
    body = json.loads(one(args, "--body")) if "--body" in args else None
    if not uri.startswith(GRAPH_V1):
        raise AzError(1, f"the stand-in serves only Microsoft Graph v1.0, not {uri}")
    path = uri.removeprefix(GRAPH_V1)
    if method == "PATCH" and (m := re.fullmatch(r"applications\(appId='([0-9a-f-]+)'\)", path)):
        return patch_application(d, d.app(m.group(1)), body or {})
    if method == "GET" and (
        m := re.fullmatch(r"servicePrincipals/([0-9a-f-]+)/appRoleAssignments", path)
    ):
        sp = d.sp(m.group(1))
        return {"value": [a for a in d.data["assignments"] if a["principalId"] == sp["id"]]}
    if method == "POST" and (
        m := re.fullmatch(r"servicePrincipals/([0-9a-f-]+)/appRoleAssignedTo", path)
    ):
        return assign_app_role(d, d.sp(m.group(1)), body or {})
    raise AzError(1, f"the stand-in does not serve {method} {path}")


def patch_application(d: Directory, app: dict[str, Any], body: dict[str, Any]) -> None:
    if set(body) - APP_PROPERTIES:
        raise AzError(
            1, f"Bad Request: unknown application properties {sorted(set(body) - APP_PROPERTIES)}"
        )
    for uri in body.get("identifierUris", []):
        # Entra's default app management policy: api://<appId> unless on a verified domain.
        if not uri.startswith(f"api://{app['appId']}"):
            raise AzError(1, f"Bad Request: HostNameNotOnVerifiedDomain: {uri}")
    for access in body.get("requiredResourceAccess", []):
        if not re.fullmatch(r"[0-9a-f-]{36}", access["resourceAppId"]):
            raise AzError(
                1, f"Bad Request: resourceAppId {access['resourceAppId']!r} is not a GUID"
            )
    app.update(body)  # PATCH: the properties sent replace the old ones, the rest stay
    return None


def assign_app_role(d: Directory, resource: dict[str, Any], body: dict[str, Any]) -> Any:
    if body.get("resourceId") != resource["id"] or not any(
        s["id"] == body.get("principalId") for s in d.data["sps"]
    ):
        raise AzError(1, "Bad Request: principalId or resourceId is not a service principal")
    roles = [r for r in d.exposed(resource["appId"], "roles") if r["id"] == body.get("appRoleId")]
    if not roles or "Application" not in roles[0]["allowedMemberTypes"]:
        raise AzError(1, "Bad Request: Permission being assigned was not found on application")
    if any(a["principalId"] == body["principalId"] and a["appRoleId"] == body["appRoleId"]
           for a in d.data["assignments"]):  # fmt: skip
        raise AzError(1, "Bad Request: Permission being assigned already exists on the object")
    new = {
        "id": str(uuid.uuid4()),
        **{k: body[k] for k in ("principalId", "resourceId", "appRoleId")},
    }
    d.data["assignments"].append(new)
    return new


HANDLERS = {
    "account show": lambda d, a: {"tenantId": TENANT, "id": "sub-0001", "user": {"type": "user"}},
    "ad app list": app_list, "ad app create": app_create,
    "ad sp show": sp_show, "ad sp create": sp_create,
    "ad app credential list": credential_list, "ad app credential reset": credential_reset,
    "ad app federated-credential show": fic_show, "ad app federated-credential create": fic_create,
    "ad app permission grant": grant, "ad app permission list-grants": list_grants,
    "identity show": lambda d, a: identity(d, a, create=False),
    "identity create": lambda d, a: identity(d, a, create=True),
    "rest": rest,
}  # fmt: skip

# The JMESPath forms the script uses: a.b, [0], [], [?key=='value'], in sequence.
_STEP = re.compile(r"\[\?(\w+)=='([^']*)'\]|\[(\d+)\]|\[\]|\.?(\w+)")


def query(value: Any, expression: str) -> Any:
    projected, pos = False, 0
    while pos < len(expression):
        m = _STEP.match(expression, pos)
        if m is None:
            raise AzError(2, f"the stand-in does not understand --query {expression!r}")
        key, wanted, index, name = m.groups()
        if name is not None:
            if projected:
                value = [
                    v.get(name) for v in value if isinstance(v, dict) and v.get(name) is not None
                ]
            else:
                value = value.get(name) if isinstance(value, dict) else None
        elif index is not None:
            value = (
                value[int(index)] if isinstance(value, list) and int(index) < len(value) else None
            )
            projected = False
        elif key is not None:
            value = [v for v in (value or []) if isinstance(v, dict) and v.get(key) == wanted]
            projected = True
        else:
            projected = True
        pos = m.end()
    return value


def tsv(value: Any) -> str:
    if value is None:
        return ""
    rows = value if isinstance(value, list) else [value]
    cells = [list(r.values()) if isinstance(r, dict) else [r] for r in rows]
    return "".join("\t".join("" if c is None else str(c) for c in row) + "\n" for row in cells)


def main(argv: list[str]) -> int:
    state = Path(os.environ["FAKE_AZ_STATE"])
    directory, code = Directory(state / "state.json"), 0
    try:
        name, args = parse(argv)
        label = f"rest {one(args, '--method').upper()}" if name == "rest" else name
        if label in os.environ.get("FAKE_AZ_FAIL", "").split(";"):
            raise AzError(1, "Insufficient privileges to complete the operation.")
        result = HANDLERS[name](directory, args)
        directory.save()
        if "--query" in args:
            result = query(result, one(args, "--query"))
        output = one(args, "--output") if "--output" in args else "json"
        if result is not None and output != "none":
            sys.stdout.write(
                tsv(result) if output == "tsv" else json.dumps(result, indent=2) + "\n"
            )
    except AzError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        code = exc.code
    with (state / "calls.jsonl").open("a") as log:
        log.write(json.dumps({"argv": argv, "exit": code}) + "\n")
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
