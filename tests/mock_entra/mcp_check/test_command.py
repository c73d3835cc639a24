"""``mock-entra check-mcp`` against the lab's backend in each set-up, and against nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mock_entra.cli import main
from mock_entra.mcp_check.graph_apps import read_graph_apps
from stack.setups import MCP_CLIENT_ID, MCP_CLIENT_REDIRECT_URI, MCP_SERVER_CLIENT_ID
from tests.mcp_clients.conftest import lab

pytestmark = pytest.mark.slow
WORKS = "works on Entra                     "  # the label column


def _check(tmp_path: Path, setup: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with lab(tmp_path, setup) as running:
        args = ["check-mcp", running.backend.mcp_url, "--config", str(tmp_path / "tenant.yaml"),
                "--ca-bundle", str(running.mock.ca_bundle)]  # fmt: skip
        status = main(args)
    return status, capsys.readouterr().out


def test_the_api_uri_set_up_fails_with_aadsts9010010_and_says_the_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out = _check(tmp_path, "api-uri", capsys)
    assert status == 1
    failing = [
        line for line in out.splitlines() if line.startswith("fails on Entra with AADSTS9010010")
    ]
    assert any("the MCP python SDK" in line for line in failing)
    assert any("a spec-following MCP client" in line for line in failing)
    assert f"{WORKS}sign-in: a client that sends no resource" in out
    assert "fix: serve the server at an https URL on a verified domain" in out
    assert "2 of them fixable on the server (exit 1)" in out


@pytest.mark.parametrize(
    ("setup", "said"),
    [
        # Direct: clients connect; what only clients can change is listed, not counted.
        ("direct", [f"{WORKS}sign-in: the MCP python SDK",
                    "fails on Entra with AADSTS9010010  silent refresh",
                    "a client limitation; remedy: pre-register the client",
                    "0 of them fixable on the server (exit 0)"]),
        # The proxy offers what Entra lacks.
        ("proxy", ["the server's own (an OAuth proxy)",
                   f"{WORKS}clients that register themselves",
                   f"{WORKS}clients that require code_challenge_methods"]),
    ],
)  # fmt: skip
def test_the_set_ups_that_work_on_entra_exit_0_and_say_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], setup: str, said: list[str]
) -> None:
    status, out = _check(tmp_path, setup, capsys)
    assert status == 0, out
    assert all(line in out for line in said), out


def test_a_server_that_cannot_be_read_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-mcp", "http://127.0.0.1:9/mcp"]) == 2
    assert "cannot read the MCP server at http://127.0.0.1:9/mcp" in capsys.readouterr().err


def _graph_apps(server_uri: str) -> dict[str, object]:
    """The MCP Server and MCP Client apps as ``GET /v1.0/applications`` returns them."""
    server = {"appId": MCP_SERVER_CLIENT_ID, "displayName": "MCP Server",
              "identifierUris": [server_uri, f"api://{MCP_SERVER_CLIENT_ID}"],
              "api": {"requestedAccessTokenVersion": 2, "oauth2PermissionScopes": [
                  {"value": "access_as_user", "id": "0e8cb7a6-1f5f-4e3e-9f0e-2d1c5b7a9c01",
                   "isEnabled": True}]},
              "web": {"redirectUris": []}}  # fmt: skip
    client = {"appId": MCP_CLIENT_ID, "displayName": "MCP Client", "isFallbackPublicClient": True,
              "publicClient": {"redirectUris": [MCP_CLIENT_REDIRECT_URI]}}  # fmt: skip
    return {"value": [server, client]}


def test_a_real_tenants_app_registrations_from_graph_json_stand_for_the_tenant(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exported = tmp_path / "apps.json"
    with lab(tmp_path, "direct") as running:
        url = running.backend.mcp_url
        exported.write_text(json.dumps(_graph_apps(url)))
        status = main(["check-mcp", url, "--app-registration", str(exported),
                       "--ca-bundle", str(running.mock.ca_bundle)])  # fmt: skip
    out = capsys.readouterr().out
    assert status == 0, out
    assert f"from {exported} (Graph app registrations)" in out
    assert f"{WORKS}sign-in: the MCP python SDK" in out
    assert f"{WORKS}protected-resource metadata: scopes_supported are scopes of the API app" in out


def test_a_file_that_is_not_graph_applications_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "not-apps.json"
    path.write_text(json.dumps({"value": [{"id": "x"}]}))
    with pytest.raises(ValueError, match="not Microsoft Graph application objects"):
        read_graph_apps(path)
