"""Identifier URIs as Entra allows them, and the tenant file's one-line refusal (issue 12)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mock_entra.tenant import TenantFileError, load_directory
from mock_entra.tenant.identifier_uris import Registration, identifier_uri_problem
from tests.conftest import app_entry, write_tenant_file

APP = "92d1c054-f6a7-4c19-9fb1-c3c766564cd4"
TENANT = "b63e68de-d8de-4919-b8c7-175cc63619fc"
REG = Registration(APP, TENANT, ("contoso.onmicrosoft.com", "contoso.com"))


@pytest.mark.parametrize(
    "uri",
    [
        f"api://{APP}",
        f"api://{TENANT}/{APP}",
        f"api://{TENANT}/productsapi",
        f"api://productapi/{APP}",
        "api://contoso.com/productsapi",
        "api://mcp.contoso.com/productsapi",
        "https://contoso.onmicrosoft.com/productsapi",
        "https://contoso.com/productsapi",
        "https://product.contoso.com",
        "https://product.contoso.com/productsapi",
        "https://mcp.contoso.com:8443/mcp",
    ],
)
def test_the_secure_patterns_are_accepted(uri: str) -> None:
    """The table of learn.microsoft.com/entra/identity-platform/identifier-uri-restrictions."""
    assert identifier_uri_problem(uri, REG) is None


@pytest.mark.parametrize(
    ("uri", "why"),
    [
        ("https://contoso.com/productsapi/", "must not end with a slash"),
        ("http://contoso.com/mcp", "scheme 'http'"),
        ("https://mcp.example.net/mcp", "not a verified domain"),
        ("https://evilcontoso.com/api", "not a verified domain"),
        ("https://contoso.com", "needs a path"),
        ("https://contoso.com/api?x=1", "query"),
        ("api://my-api", "must be api://<appId>"),
        ("api://00000000-0000-0000-0000-000000000001", "neither this app's id"),
        (f"api://{TENANT}", "needs /<appId>"),
        ("urn:contoso:api", "not an absolute URI"),
    ],
)
def test_what_entra_refuses_is_refused_with_the_reason(uri: str, why: str) -> None:
    problem = identifier_uri_problem(uri, REG)
    assert problem is not None and why in problem


def test_with_the_secure_pattern_policy_off_only_https_domains_are_held() -> None:
    relaxed = Registration(APP, TENANT, REG.domains, "verified_domains_only")
    assert identifier_uri_problem("api://my-api", relaxed) is None
    assert identifier_uri_problem("https://mcp.example.net/mcp", relaxed) is not None


API = "fe5f360b-4f1f-4029-b90b-f832bcb0412c"  # the shipped tenant's MCP Backend API
WEB = "276c44e0-30c1-44f5-8680-e817fc8185bb"


def _add_uris(uris: dict[str, list[str]], **tenant: Any) -> Any:
    """A tenant-file edit: ``uris`` added to the apps they are keyed by, ``tenant`` set."""

    def edit(data: dict[str, Any]) -> None:
        data["tenants"][0].update(tenant)
        for client_id, extra in uris.items():
            app = app_entry(data, client_id)
            app["identifier_uris"] = [*app.get("identifier_uris", []), *extra]

    return edit


def test_a_refused_identifier_uri_stops_the_tenant_file_with_one_line_naming_its_path(
    tmp_path: Path,
) -> None:
    path = write_tenant_file(tmp_path / "t.yaml", _add_uris({API: ["https://mcp.example.net/mcp"]}))
    with pytest.raises(TenantFileError) as caught:
        load_directory(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: tenants.0: applications.1.identifier_uris.1: ")
    assert (
        "'https://mcp.example.net/mcp' host 'mcp.example.net' is not a verified domain" in message
    )


def test_declaring_the_domain_verified_lets_the_uri_in(tmp_path: Path) -> None:
    edit = _add_uris(
        {API: ["https://mcp.example.net/mcp"]}, verified_domains=["localhost", "example.net"]
    )
    directory = load_directory(write_tenant_file(tmp_path / "t.yaml", edit))
    assert directory.tenants[0].resource_app("https://mcp.example.net/mcp") is not None


def test_two_apps_cannot_share_an_identifier_uri(tmp_path: Path) -> None:
    shared = {API: ["https://mcp.example.net/mcp"], WEB: ["https://mcp.example.net/mcp"]}
    edit = _add_uris(shared, verified_domains=["localhost", "example.net"])
    with pytest.raises(TenantFileError, match="already another app's identifier URI"):
        load_directory(write_tenant_file(tmp_path / "t.yaml", edit))


def test_microsofts_own_apps_keep_their_uris_without_a_flag(tmp_path: Path) -> None:
    """Graph's service principal in a tenant file: its https URI is Microsoft's, not refused."""
    directory = load_directory(write_tenant_file(tmp_path / "t.yaml", lambda data: None))
    graph = directory.tenants[0].resource_app("https://graph.microsoft.com")
    assert graph is not None and graph.foreign
    assert not any(a.registered_elsewhere for a in directory.tenants[0].applications)
