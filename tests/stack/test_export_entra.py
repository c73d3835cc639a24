"""``export-entra``'s setup.sh, run by bash against a recording stand-in for ``az`` (fake_az).

No tenant is reachable here, so the proof is offline: the real generated script runs twice
against a directory that answers like the CLI does; the second run must change nothing and
fail nowhere; a consent step that fails must leave ``.env.entra`` written; every command
and flag the script used must be in ``az_surface.SURFACE`` (the documented CLI surface).
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from dotenv import dotenv_values

from mock_entra.tenant import load_directory
from stack import export_entra
from stack.entra_model import is_ours
from tests.stack.az_surface import SURFACE
from tests.stack.fake_az import SEARCH, TENANT, parse

REPO = Path(__file__).resolve().parents[2]
# What the script registers for the shipped tenant: its own apps and its consent grants.
SHIPPED = load_directory().tenants[0]
SHIPPED_APPS = [a for a in SHIPPED.applications if is_ours(a)]
# Commands that create or add something: none may run when nothing is missing.
CREATING = {"ad app create", "ad sp create", "ad app credential reset", "identity create",
            "ad app federated-credential create", "ad app permission grant", "rest POST"}  # fmt: skip


@dataclass
class FakeAz:
    """A working directory with ``az`` first on PATH, its directory state and call log."""

    root: Path

    @property
    def state_dir(self) -> Path:
        return self.root / "az-state"

    def run(self, script: Path, **env: str) -> subprocess.CompletedProcess[str]:
        base = {k: v for k, v in os.environ.items() if k not in ("RESOURCE_GROUP", "ENV_FILE")}
        full = base | {
            "PATH": f"{self.root / 'bin'}{os.pathsep}{os.environ['PATH']}",
            "FAKE_AZ_STATE": str(self.state_dir), "RETRY_DELAY": "0", "RETRY_ATTEMPTS": "2",
        } | env  # fmt: skip
        return subprocess.run(["bash", str(script)], cwd=self.root, env=full,
                              capture_output=True, text=True, timeout=120)  # fmt: skip

    def calls(self) -> list[dict[str, Any]]:
        log = self.state_dir / "calls.jsonl"
        return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []

    def directory(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.state_dir / "state.json").read_text())
        return data

    def env(self) -> dict[str, str]:
        return {k: v or "" for k, v in dotenv_values(self.root / ".env.entra").items()}


@pytest.fixture
def az(tmp_path: Path) -> FakeAz:
    (tmp_path / "bin").mkdir()
    (tmp_path / "az-state").mkdir()
    wrapper = tmp_path / "bin" / "az"
    wrapper.write_text(f'#!/bin/sh\nPYTHONPATH="{REPO}" exec "{sys.executable}" '
                       '-m tests.stack.fake_az "$@"\n')  # fmt: skip
    wrapper.chmod(0o755)
    return FakeAz(tmp_path)


def _export(tmp_path: Path, config: Path | None = None) -> Path:
    assert export_entra.main(config, tmp_path / "entra-setup") == 0
    return tmp_path / "entra-setup" / "setup.sh"


def _label(argv: list[str]) -> str:
    name, args = parse(argv)
    return f"rest {args['--method'][0].upper()}" if name == "rest" else name


def _app(directory: dict[str, Any], name: str) -> dict[str, Any]:
    return next(a for a in directory["apps"] if a["displayName"] == name)


def _sp(directory: dict[str, Any], app_id: str) -> str:
    return str(next(s["id"] for s in directory["sps"] if s["appId"] == app_id))


def test_the_script_sets_up_the_tenant_and_a_second_run_changes_nothing(az: FakeAz) -> None:
    script = _export(az.root)
    first = az.run(script, RESOURCE_GROUP="rg-lab")
    assert first.returncode == 0, first.stderr[-2000:]
    d = az.directory()
    web, api, daemon = (_app(d, n) for n in ("MCP Demo Web", "MCP Backend API", "MCP Daemon"))
    assert api["identifierUris"] == [f"api://{api['appId']}"]
    assert api["api"]["oauth2PermissionScopes"][0]["id"] == "4cd50ebf-e3e2-4eb8-b28c-201e33057e67"
    assert "http://localhost:5001/" in web["web"]["redirectUris"], "post-logout URL registered"
    assert [len(a["passwordCredentials"]) for a in (web, api, daemon)] == [1, 1, 1]
    assert any(s["appId"] == SEARCH for s in d["sps"]), "Azure AI Search's SP was created"
    grants = {(g["clientId"], g["resourceId"]): g["scope"] for g in d["grants"]}
    graph = _sp(d, "00000003-0000-0000-c000-000000000000")
    assert grants[(_sp(d, web["appId"]), graph)] == "User.Read openid profile offline_access"
    assert grants[(_sp(d, api["appId"]), _sp(d, SEARCH))] == "user_impersonation"
    assert [(a["principalId"], a["resourceId"]) for a in d["assignments"]] == [
        (_sp(d, daemon["appId"]), _sp(d, api["appId"]))
    ]
    fic = api["federatedIdentityCredentials"][0]
    assert fic["issuer"] == f"https://login.microsoftonline.com/{TENANT}/v2.0"
    assert fic["subject"] == d["identities"][0]["principalId"]
    env = az.env()
    assert env["BACKEND_APP_ID_URI"] == f"api://{api['appId']}"
    assert env["MCP_DAEMON_CLIENT_ID"] == daemon["appId"] and env["MCP_DAEMON_CLIENT_SECRET"]
    assert stat.S_IMODE((az.root / ".env.entra").stat().st_mode) == 0o600

    before, env_text, calls = d, (az.root / ".env.entra").read_text(), len(az.calls())
    second = az.run(script, RESOURCE_GROUP="rg-lab")
    assert second.returncode == 0, second.stderr[-2000:]
    again = [_label(c["argv"]) for c in az.calls()[calls:]]
    assert not CREATING & set(again), f"the second run created: {CREATING & set(again)}"
    assert all(c["exit"] in (0, 3) for c in az.calls()[calls:]), "3 is 'not found' for a look-up"
    assert az.directory() == before
    assert (az.root / ".env.entra").read_text() == env_text


def test_a_failing_consent_step_still_leaves_env_entra_written_and_a_rerun_finishes(
    az: FakeAz,
) -> None:
    script = _export(az.root)
    failed = az.run(script, FAKE_AZ_FAIL="ad app permission grant;rest POST")
    assert failed.returncode == 0, failed.stderr[-2000:]
    assert "Admin consent was NOT granted" in failed.stderr
    assert "Enterprise applications" in failed.stderr and "Grant admin consent" in failed.stderr
    env = az.env()
    for name in ("FRONTEND_CLIENT_ID", "FRONTEND_CLIENT_SECRET", "BACKEND_CLIENT_ID",
                 "BACKEND_CLIENT_SECRET", "ENTRA_TENANT_ID", "FRONTEND_SECRET_KEY"):  # fmt: skip
        assert env.get(name), f"{name} missing from .env.entra"
    assert az.directory()["grants"] == []
    finished = az.run(script)
    assert finished.returncode == 0 and "NOT granted" not in finished.stderr
    assert len(az.directory()["grants"]) == len(SHIPPED.consent_grants)
    assert len(az.directory()["assignments"]) == 1
    assert az.env()["FRONTEND_CLIENT_SECRET"] == env["FRONTEND_CLIENT_SECRET"], "secret kept"


def test_a_run_stopped_half_way_is_finished_by_running_it_again(az: FakeAz) -> None:
    script = _export(az.root)
    stopped = az.run(script, FAKE_AZ_FAIL="ad app credential reset")
    assert stopped.returncode != 0
    assert az.env()["BACKEND_CLIENT_ID"], "ids written before the failure are kept"
    done = az.run(script)
    assert done.returncode == 0, done.stderr[-2000:]
    assert len(az.directory()["apps"]) == len(SHIPPED_APPS), "no second registration of any app"


@pytest.fixture(scope="module")
def complete_run(tmp_path_factory: pytest.TempPathFactory) -> FakeAz:
    """One full run (managed identity included), then a second one."""
    az = FakeAz(tmp_path_factory.mktemp("complete"))
    (az.root / "bin").mkdir()
    az.state_dir.mkdir()
    wrapper = az.root / "bin" / "az"
    wrapper.write_text(f'#!/bin/sh\nPYTHONPATH="{REPO}" exec "{sys.executable}" '
                       '-m tests.stack.fake_az "$@"\n')  # fmt: skip
    wrapper.chmod(0o755)
    script = _export(az.root)
    for _ in range(2):
        assert az.run(script, RESOURCE_GROUP="rg-lab").returncode == 0
    return az


def test_every_az_command_and_flag_used_is_in_the_documented_surface(complete_run: FakeAz) -> None:
    used: set[str] = set()
    for call in complete_run.calls():
        assert call["exit"] != 2, f"az refused its arguments: {call['argv']}"
        name, _ = parse(call["argv"])  # raises on a command or flag not in SURFACE
        used.add(name)
        assert SURFACE[name].doc.startswith("https://learn.microsoft.com/cli/azure/")
    assert used == set(SURFACE), f"listed but never used (drop them): {set(SURFACE) - used}"


def test_the_written_env_loads_in_both_services_and_passes_stack_check(
    complete_run: FakeAz, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    from backend.settings import load_settings as backend_settings
    from frontend.settings import load_settings as frontend_settings
    from stack import check

    shutil.copy(complete_run.root / ".env.entra", tmp_path / ".env")
    values = complete_run.env()
    for name in values:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    backend, frontend = backend_settings(), frontend_settings()
    assert backend.backend_client_id == values["BACKEND_CLIENT_ID"]
    assert backend.backend_client_secret == values["BACKEND_CLIENT_SECRET"]
    assert backend.entra_ca_bundle is None and backend.entra_instance_discovery
    assert frontend.frontend_client_secret.get_secret_value() == values["FRONTEND_CLIENT_SECRET"]
    assert frontend.expected_tid == TENANT
    assert check.main() == 0, capsys.readouterr().out
    out = capsys.readouterr().out
    assert "settings are consistent" in out
    assert values["BACKEND_CLIENT_SECRET"] not in out, "secrets are masked"


def _shellcheck(script: Path) -> subprocess.CompletedProcess[str]:
    if shutil.which("shellcheck") is None:
        pytest.skip(
            "shellcheck is not installed (Debian: apt-get install shellcheck; .ci/run does)"
        )
    return subprocess.run(["shellcheck", "--severity=style", str(script)],
                          capture_output=True, text=True, timeout=60)  # fmt: skip


def test_the_generated_script_is_shellcheck_clean(tmp_path: Path) -> None:
    result = _shellcheck(_export(tmp_path))
    assert result.returncode == 0, result.stdout


CLI_APP = "5b1d8e0c-6a34-4c2e-9d55-0f3c1a2b7e91"
HOSTILE = 'Use `id` and $(touch pwned) with "quotes" and a \\ backslash'


def _unusual_tenant(tmp_path: Path) -> Path:
    """The shipped tenant plus every field the exporter must carry or refuse."""
    import yaml

    data = yaml.safe_load((REPO / "mock_entra" / "default_tenant.yaml").read_text())
    tenant = data["tenants"][0]
    tenant["verified_domains"] = [*tenant.get("verified_domains", []), "contoso.example"]
    apps = {a["name"]: a for a in tenant["applications"]}
    api, web = apps["MCP Backend API"], apps["MCP Demo Web"]
    api["scopes"][0] |= {"admin_consent_required": True, "description": HOSTILE}
    api |= {"optional_claims": ["idtyp"], "group_membership_claims": "SecurityGroup"}
    web["optional_claims"] = [
        {
            "name": "upn",
            "token": "id",
            "additional_properties": ["include_externally_authenticated_upn"],
        }
    ]
    api["federated_credentials"] += [
        {"name": "github-deploy", "issuer": "https://token.actions.githubusercontent.com",
         "subject": "repo:contoso/mcp:ref:refs/heads/main"},
        {"name": "mock-only", "issuer": "https://127.0.0.1:8443/elsewhere/v2.0", "subject": "x"},
    ]  # fmt: skip
    web["required_resource_access"].append(
        {"resource": "https://vault.azure.net", "scopes": ["user_impersonation"]}
    )
    tenant["applications"].append({
        "client_id": CLI_APP, "name": "MCP CLI", "public_client": True,
        "redirect_uris": ["http://localhost"], "identifier_uris": ["https://contoso.example/cli"],
        "certificates": [{"pem": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"}],
        "required_resource_access": [{"resource": api["identifier_uris"][0],
                                      "scopes": ["access_as_user"]}],
    })  # fmt: skip
    tenant["managed_identities"].append({"name": "mi-second", "client_id": str(_uuid(1)),
                                         "principal_id": str(_uuid(2))})  # fmt: skip
    tenant["consent_grants"].append({"client": web["client_id"], "principal": "alice@contoso.onmicrosoft.com",
                                     "resource": "https://graph.microsoft.com", "scopes": ["User.Read"]})  # fmt: skip
    path = tmp_path / "unusual.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def _uuid(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


def test_tenant_file_fields_are_carried_or_clearly_refused(
    az: FakeAz, capsys: pytest.CaptureFixture[str]
) -> None:
    script = _export(az.root, _unusual_tenant(az.root))
    said = capsys.readouterr().out
    for refused in ("'https://vault.azure.net'", "certificate credentials", "'mock-only'",
                    "consent of one user", "'https://contoso.example/cli'"):  # fmt: skip
        assert refused in said and refused in script.read_text(), refused
    assert _shellcheck(script).returncode == 0
    result = az.run(script, RESOURCE_GROUP="rg-lab")
    assert result.returncode == 0, result.stderr[-2000:]
    d = az.directory()
    api, cli, web, server = (
        _app(d, n) for n in ("MCP Backend API", "MCP CLI", "MCP Demo Web", "MCP Server")
    )
    scope = api["api"]["oauth2PermissionScopes"][0]
    assert scope["type"] == "Admin" and scope["adminConsentDescription"] == HOSTILE
    assert not (az.root / "pwned").exists(), "tenant-file text is never run by the shell"
    assert api["optionalClaims"]["accessToken"] == [{"name": "idtyp", "essential": False}]
    assert api["groupMembershipClaims"] == "SecurityGroup"
    assert web["optionalClaims"] == {
        "accessToken": [], "saml2Token": [],
        "idToken": [{"name": "upn", "essential": False,
                     "additionalProperties": ["include_externally_authenticated_upn"]}],
    }  # fmt: skip
    assert cli["isFallbackPublicClient"] and cli["publicClient"]["redirectUris"] == [
        "http://localhost"
    ]
    assert cli["web"]["redirectUris"] == [] and cli["identifierUris"] == [f"api://{cli['appId']}"]
    assert cli["passwordCredentials"] == [], "no secret for an app that had none"
    assert {i["name"] for i in d["identities"]} == {"mi-mcp-backend", "mi-second"}
    fics = {f["name"]: f for f in api["federatedIdentityCredentials"]}
    assert set(fics) == {"backend-managed-identity", "github-deploy"}
    assert fics["github-deploy"]["issuer"] == "https://token.actions.githubusercontent.com"
    assert fics["github-deploy"]["subject"] == "repo:contoso/mcp:ref:refs/heads/main"
    resources = {r["resourceAppId"] for r in web["requiredResourceAccess"]}
    assert resources == {"00000003-0000-0000-c000-000000000000", api["appId"], server["appId"]}


def test_without_resource_group_the_managed_identities_are_skipped_not_fatal(az: FakeAz) -> None:
    result = az.run(_export(az.root))
    assert result.returncode == 0, result.stderr[-2000:]
    assert "RESOURCE_GROUP is not set" in result.stderr
    d = az.directory()
    assert (
        d["identities"] == [] and _app(d, "MCP Backend API")["federatedIdentityCredentials"] == []
    )
    assert "MANAGED_IDENTITY_CLIENT_ID" not in az.env()


def test_export_names_an_unknown_tenant(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert export_entra.main(None, tmp_path, tenant="nowhere.example") == 2
    assert "contoso.onmicrosoft.com" in capsys.readouterr().err
    assert export_entra.main(None, tmp_path, tenant="fabrikam.onmicrosoft.com") == 0
    assert "'Fabrikam Web'" in (tmp_path / "setup.sh").read_text()
