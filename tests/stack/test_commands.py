"""``python -m stack check | export-entra | parity``."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from backend.settings import BackendSettings
from frontend.settings import FrontendSettings
from mock_entra.testing import Tokens
from stack import check, export_entra, parity
from tests.conftest import decode


def test_check_passes_for_the_default_mock_profile(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert check.main() == 0
    out = capsys.readouterr().out
    assert "settings are consistent" in out
    assert "mock-web-secret-0001" not in out, "secrets are masked"


def test_check_names_an_unregistered_redirect_uri(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FRONTEND_URL", "http://localhost:5999")
    assert check.main() == 1
    assert (
        "redirect URI http://localhost:5999/signin-oidc is not registered"
        in capsys.readouterr().out
    )


def test_check_flags_mock_secrets_in_the_entra_profile(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ENTRA_AUTHORITY_HOST", "https://login.microsoftonline.com")
    monkeypatch.setenv("ENTRA_CA_BUNDLE", "")
    monkeypatch.setenv("FRONTEND_CLIENT_SECRET", "mock-web-secret-0001")
    assert check.main() == 1
    assert "FRONTEND_CLIENT_SECRET is still the mock's value" in capsys.readouterr().out


def test_export_writes_a_valid_script_whose_env_the_services_accept(tmp_path: Path) -> None:
    assert export_entra.main(None, tmp_path) == 0
    script = (tmp_path / "setup.sh").read_text()
    subprocess.run(["bash", "-n", str(tmp_path / "setup.sh")], check=True)
    assert "az ad app create --display-name 'MCP Backend API'" in script
    assert "az ad app federated-credential create" in script
    assert "00000003-0000-0000-c000-000000000000" in script, "Graph is referenced, not created"
    assert "--display-name 'Microsoft Graph'" not in script
    env_block = script.split("cat > .env.entra <<EOF\n")[1].split("\nEOF")[0]
    guid = "11111111-2222-3333-4444-555555555555"
    values = {}
    for line in env_block.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            if "$" in value:
                value = guid if "SECRET" not in name else "a-real-looking-secret"
                value = f"api://{guid}" if name == "BACKEND_APP_ID_URI" else value
            values[name.lower()] = value
    backend = {k: v for k, v in values.items() if k in BackendSettings.model_fields}
    frontend = {k: v for k, v in values.items() if k in FrontendSettings.model_fields}
    assert BackendSettings(_env_file=None, **backend).backend_client_id == guid  # type: ignore[call-arg]
    assert FrontendSettings(_env_file=None, **frontend).frontend_client_id == guid  # type: ignore[call-arg]


def test_parity_finds_no_difference_between_the_mock_and_itself(entra_tokens: Tokens) -> None:
    signed_in = entra_tokens.sign_in("bob")
    captured = {"id_token": signed_in["id_token"], "delegated": signed_in["access_token"],
                "app_only": entra_tokens.app_token()["access_token"]}  # fmt: skip
    mocked = {**captured, "obo": ""}
    other = entra_tokens.sign_in("carol")
    mocked |= {"id_token": other["id_token"], "delegated": other["access_token"]}
    assert parity.report(captured, mocked) == []


def test_parity_reports_what_a_real_tenant_does_differently(entra_tokens: Tokens) -> None:
    token = entra_tokens.sign_in("alice")["access_token"]
    real = decode(token)
    real = {k: v for k, v in real.items() if k != "rh"} | {
        "iss": f"https://login.microsoftonline.com/{real['tid']}/v2.0", "ver": "2.0",
        "xms_cc": ["cp1"], "roles": ["Admin"],
    }  # fmt: skip
    diffs = parity.compare("delegated", parity.decode_token({"claims": real}),
                           parity.decode_token(token))  # fmt: skip
    where = {d.where for d in diffs}
    assert {"claim rh", "claim xms_cc", "claim ver value", "issuer form", "scp/roles"} <= where


def test_parity_refuses_a_file_it_cannot_read(tmp_path: Path) -> None:
    bad = tmp_path / "captured.json"
    bad.write_text(json.dumps({"id_token": "not-a-jwt"}))
    assert parity.main(bad) == 2
    bad.write_text(json.dumps({"refresh": "x.y.z"}))
    assert parity.main(bad) == 2
