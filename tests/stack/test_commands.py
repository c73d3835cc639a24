"""``python -m stack check | parity`` (export-entra: test_export_entra.py)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from dotenv import dotenv_values

from mock_entra.testing import Tokens
from stack import check, parity
from stack.setups import MCP_SERVER_SECRET
from tests.conftest import decode

REPO = Path(__file__).resolve().parents[2]
GUID = "11111111-2222-3333-4444-555555555555"


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


def test_check_names_every_placeholder_of_the_shipped_entra_example(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(REPO / ".env.entra.example", tmp_path / ".env")
    monkeypatch.chdir(tmp_path)
    for name in dotenv_values(tmp_path / ".env"):
        monkeypatch.delenv(name, raising=False)
    assert check.main() == 1
    out = capsys.readouterr().out
    for name in ("ENTRA_TENANT_ID", "FRONTEND_CLIENT_ID", "FRONTEND_CLIENT_SECRET",
                 "FRONTEND_SECRET_KEY", "BACKEND_CLIENT_ID", "BACKEND_APP_ID_URI",
                 "BACKEND_CLIENT_SECRET"):  # fmt: skip
        assert f"problem: {name} is still a placeholder" in out, name
    assert "FRONTEND_EXPECTED_TID must be set" not in out, "a consequence, not the cause"
    assert "settings are consistent" not in out


def test_check_catches_a_placeholder_and_an_empty_secret_in_the_entra_profile(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text(
        "ENTRA_AUTHORITY_HOST=https://login.microsoftonline.com\nENTRA_CA_BUNDLE=\n"
        f"ENTRA_TENANT_ID={GUID}\nFRONTEND_CLIENT_ID=your-web-app-id\n"
        f"FRONTEND_CLIENT_SECRET=\nBACKEND_CLIENT_ID={GUID}\nBACKEND_APP_ID_URI=api://{GUID}\n"
        "BACKEND_CLIENT_SECRET=a-real-looking-secret\nGRAPH_ENDPOINT=https://graph.microsoft.com\n"
    )
    assert check.main() == 1
    out = capsys.readouterr().out
    assert "problem: FRONTEND_CLIENT_ID is still a placeholder: 'your-web-app-id'" in out
    (tmp_path / ".env").write_text(
        (tmp_path / ".env").read_text().replace("your-web-app-id", GUID.replace("1", "7"))
    )
    assert check.main() == 1
    assert "problem: FRONTEND_CLIENT_SECRET is empty" in capsys.readouterr().out


def test_check_masks_secrets_only(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert check.main() == 0
    out = capsys.readouterr().out
    assert re.search(r"BACKEND_DEMO_RETURN_RAW_TOKENS\s+False$", out, re.MULTILINE)
    # The default set-up's backend secret (MCP_SETUP=proxy: the MCP Server app's).
    masked = rf"BACKEND_CLIENT_SECRET\s+moc…\({len(MCP_SERVER_SECRET)} chars\)$"
    assert re.search(masked, out, re.MULTILINE)
    assert re.search(r"FRONTEND_CLIENT_SECRET\s+moc…\(20 chars\)$", out, re.MULTILINE)


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
