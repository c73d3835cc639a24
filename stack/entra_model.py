"""The export plan's types and names: what ``export-entra`` creates, as data (no shell here).

``Ref`` marks a value the script learns at run time (a new app id, the tenant id);
``stack.entra_bash`` renders it as a shell variable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from entra_kit.microsoft_apps import FIRST_PARTY_APPS
from mock_entra.tenant import Application, Tenant

# Microsoft's own apps: present in every tenant (or added by ``az ad sp create --id``),
# referenced by app id, never created.
FIRST_PARTY = FIRST_PARTY_APPS

# Graph's delegated OpenID Connect permissions. MSAL always asks for openid, profile and
# offline_access, so they are requested and consented like any other scope; otherwise a
# tenant that restricts user consent shows "Need admin approval". Ids from
# https://learn.microsoft.com/graph/permissions-reference
OIDC_SCOPE_IDS = {
    "openid": "37f7f235-527c-4136-accd-4a02d197296e",
    "profile": "14dad69e-099b-42c9-810b-d002981feec1",
    "email": "64a6cdd6-aab1-4aaf-94b8-3cc8405e90d0",
    "offline_access": "7427e0e9-2fba-42fe-b0c0-848c9e6a8182",
}
LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class Ref:
    """A shell variable the script learns at run time, inside ``prefix`` and ``suffix``."""

    var: str
    prefix: str = ""
    suffix: str = ""


Text = str | Ref


@dataclass(frozen=True)
class AppPlan:
    name: str
    var: str  # APP_<NAME>: the real app (client) id
    sign_in_audience: str
    body: dict[str, Any]  # the Graph application PATCH body (values may be Refs)
    id_env: str  # where .env.entra keeps the app id
    secret_env: str | None  # where .env.entra keeps its client secret; None: no secret
    federated: list[dict[str, Any]] = field(default_factory=list)

    @property
    def sp_var(self) -> str:
        return "SP_" + self.var.removeprefix("APP_")


@dataclass(frozen=True)
class Principal:
    """A service principal the consent step needs: ours, or one of Microsoft's."""

    name: str
    app_id: Text
    var: str  # SP_<NAME>: its object id


@dataclass(frozen=True)
class DelegatedGrant:
    client: AppPlan
    resource: Principal
    scopes: tuple[str, ...]


@dataclass(frozen=True)
class RoleGrant:
    client: AppPlan
    resource: Principal
    role_id: str
    role: str


@dataclass(frozen=True)
class IdentityPlan:
    name: str
    var: str  # MI_<NAME>; the script sets <var>_CLIENT_ID and <var>_PRINCIPAL_ID


@dataclass
class Plan:
    tenant: Tenant
    identities: list[IdentityPlan]
    apps: list[AppPlan]
    principals: list[Principal]
    delegated: list[DelegatedGrant]
    roles: list[RoleGrant]
    env: list[tuple[str, Text]]  # what .env.entra needs besides app ids and secrets
    refused: list[str]


def shell_name(text: str) -> str:
    return re.sub(r"[^A-Z0-9]+", "_", text.upper()).strip("_")


def app_var(app: Application) -> str:
    return "APP_" + shell_name(app.name)


def is_ours(app: Application) -> bool:
    return app.client_id not in FIRST_PARTY


def identity_var(name: str) -> str:
    stem = shell_name(name)
    return stem if stem.startswith("MI_") else "MI_" + stem
