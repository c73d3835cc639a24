"""The legacy v1 token endpoint and the ``mock-entra`` command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from mock_entra.cli import main
from mock_entra.context import Context
from mock_entra.jwt import verify_rs256
from mock_entra.settings import MockSettings
from mock_entra.tenant import load_directory
from mock_entra.testing import (
    API_APP_ID_URI,
    DAEMON_CLIENT_ID,
    DAEMON_CLIENT_SECRET,
    WEB_CLIENT_ID,
    RunningMock,
)
from mock_entra.tls import ensure_tls
from tests.conftest import decode


def test_the_v1_token_endpoint_takes_a_resource(mock_entra: RunningMock) -> None:
    with mock_entra.http() as http:
        answer = http.post(
            f"/{mock_entra.tenant_id}/oauth2/token",
            data={"grant_type": "client_credentials", "client_id": DAEMON_CLIENT_ID,
                  "client_secret": DAEMON_CLIENT_SECRET, "resource": API_APP_ID_URI},
        )  # fmt: skip
    assert answer.status_code == 200, answer.text
    claims = decode(answer.json()["access_token"])
    assert claims["aud"] == API_APP_ID_URI and claims["roles"] == ["Tools.Invoke"]


def test_token_command_mints_a_token_signed_by_the_tenant_key(
    mock_entra: RunningMock, capsys: object
) -> None:
    args = ["token", "--state-dir", str(mock_entra.state_dir), "--user", "alice",
            "--app", WEB_CLIENT_ID, "--resource", API_APP_ID_URI]  # fmt: skip
    assert main(args) == 0
    token = capsys.readouterr().out.strip()  # type: ignore[attr-defined]
    claims = decode(token)
    assert claims["scp"] == "access_as_user" and claims["upn"] == "alice@contoso.onmicrosoft.com"
    key = mock_entra.ctx.ring(mock_entra.tenant_id).signing_key(mock_entra.ctx.now())
    assert verify_rs256(token, key.verify_key), "same key as the endpoints"


def served_state(path: Path) -> Path:
    """What ``mock-entra serve`` creates before it listens: the store, the keys, the CA."""
    settings = MockSettings(state_dir=path)
    Context.create(settings, load_directory(None))
    ensure_tls(path)
    return path


def test_token_command_names_what_it_does_not_know(tmp_path: Path) -> None:
    served_state(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "mock_entra", "token", "--state-dir", str(tmp_path),
         "--user", "zed", "--app", WEB_CLIENT_ID, "--resource", API_APP_ID_URI],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    assert "unknown user 'zed'" in result.stderr


def test_describe_json_lists_authority_ca_apps_and_users(tmp_path: Path) -> None:
    served_state(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "mock_entra", "describe", "--json", "--state-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    info = json.loads(result.stdout)
    tenant = info["tenants"][0]
    assert Path(info["ca_bundle"]).is_file()
    assert tenant["authority"].endswith(tenant["id"])
    assert any(
        u["upn"] == "alice@contoso.onmicrosoft.com" and u["password"] for u in tenant["users"]
    )
    assert any(a["client_id"] == WEB_CLIENT_ID and a["secrets"] for a in tenant["applications"])


def test_a_bad_tenant_file_fails_with_one_line_naming_file_and_path(tmp_path: Path) -> None:
    bad = tmp_path / "tenant.yaml"
    bad.write_text("tenants:\n  - id: not-a-guid\n    domain: x.example\n")
    result = subprocess.run(
        [sys.executable, "-m", "mock_entra", "describe", "--config", str(bad),
         "--state-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(bad) in lines[0] and "tenants.0.id" in lines[0]
