"""The Azure CLI surface ``setup.sh`` may use: each command, its flags, and the page documenting them.

Checked against the Azure CLI reference (https://learn.microsoft.com/cli/azure, CLI 2.91)
and its source (Azure/azure-cli ``command_modules/role/_params.py`` for ``az ad``,
``command_modules/util/_params.py`` for ``az rest``). The stand-in ``fake_az`` refuses
anything not listed here, as the CLI refuses an unknown argument (exit 2), and the tests
check every call the script made against this table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

DOCS = "https://learn.microsoft.com/cli/azure"

# Global arguments every command takes: https://learn.microsoft.com/cli/azure/use-azure-cli-successfully-query
GLOBAL = {"--output": "--output", "-o": "--output", "--query": "--query",
          "--only-show-errors": "--only-show-errors", "--debug": "--debug",
          "--verbose": "--verbose"}  # fmt: skip
GLOBAL_SWITCHES = frozenset({"--only-show-errors", "--debug", "--verbose"})


@dataclass(frozen=True)
class Command:
    doc: str
    flags: Mapping[str, str]  # flag or alias -> its long name
    switches: frozenset[str] = field(default_factory=frozenset)  # flags without a value


def _flags(*names: str, **aliases: str) -> dict[str, str]:
    """Long names, plus short aliases given as ``g="--resource-group"``."""
    table = {n: n for n in names}
    table.update({f"-{short}": long for short, long in aliases.items()})
    return table


def _rest_flags() -> dict[str, str]:
    """``--uri``/``--url`` and ``--uri-parameters``/``--url-parameters`` are one argument each."""
    table = _flags("--method", "--uri", "--body", "--headers", "--uri-parameters", "--resource",
                   "--output-file", "--skip-authorization-header",
                   m="--method", u="--uri", b="--body")  # fmt: skip
    return table | {"--url": "--uri", "--url-parameters": "--uri-parameters"}


SURFACE: dict[str, Command] = {
    "account show": Command(
        f"{DOCS}/account#az-account-show", _flags("--name", "--subscription", n="--name")
    ),
    "ad app list": Command(
        f"{DOCS}/ad/app#az-ad-app-list",
        _flags(
            "--all", "--app-id", "--display-name", "--filter", "--identifier-uri", "--show-mine"
        ),
        frozenset({"--all", "--show-mine"}),
    ),
    "ad app create": Command(
        f"{DOCS}/ad/app#az-ad-app-create",
        _flags(
            "--display-name",
            "--sign-in-audience",
            "--app-roles",
            "--identifier-uris",
            "--is-fallback-public-client",
            "--optional-claims",
            "--public-client-redirect-uris",
            "--required-resource-accesses",
            "--web-home-page-url",
            "--web-redirect-uris",
            "--enable-access-token-issuance",
            "--enable-id-token-issuance",
        ),
    ),
    "ad sp show": Command(f"{DOCS}/ad/sp#az-ad-sp-show", _flags("--id")),
    "ad sp create": Command(f"{DOCS}/ad/sp#az-ad-sp-create", _flags("--id")),
    "ad app credential list": Command(
        f"{DOCS}/ad/app/credential#az-ad-app-credential-list",
        _flags("--id", "--cert"),
        frozenset({"--cert"}),
    ),
    "ad app credential reset": Command(
        f"{DOCS}/ad/app/credential#az-ad-app-credential-reset",
        _flags(
            "--id",
            "--append",
            "--cert",
            "--create-cert",
            "--display-name",
            "--end-date",
            "--keyvault",
            "--years",
        ),
        frozenset({"--append", "--create-cert"}),
    ),
    "ad app federated-credential show": Command(
        f"{DOCS}/ad/app/federated-credential#az-ad-app-federated-credential-show",
        _flags("--id", "--federated-credential-id"),
    ),
    "ad app federated-credential create": Command(
        f"{DOCS}/ad/app/federated-credential#az-ad-app-federated-credential-create",
        _flags("--id", "--parameters"),
    ),
    "ad app permission grant": Command(
        f"{DOCS}/ad/app/permission#az-ad-app-permission-grant",
        _flags("--id", "--api", "--scope", "--consent-type", "--principal-id"),
    ),
    "ad app permission list-grants": Command(
        f"{DOCS}/ad/app/permission#az-ad-app-permission-list-grants",
        _flags("--id", "--filter", "--show-resource-name"),
    ),
    "identity show": Command(
        f"{DOCS}/identity#az-identity-show",
        _flags(
            "--name",
            "--resource-group",
            "--ids",
            "--subscription",
            n="--name",
            g="--resource-group",
        ),
    ),
    "identity create": Command(
        f"{DOCS}/identity#az-identity-create",
        _flags(
            "--name",
            "--resource-group",
            "--location",
            "--tags",
            n="--name",
            g="--resource-group",
            l="--location",
        ),
    ),
    "rest": Command(
        f"{DOCS}/reference-index#az-rest",
        _rest_flags(),
        frozenset({"--skip-authorization-header"}),
    ),
}
