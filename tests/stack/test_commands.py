"""``python -m stack check | parity`` (export-entra: test_export_entra.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mock_entra.testing import Tokens
from stack import check, parity
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
