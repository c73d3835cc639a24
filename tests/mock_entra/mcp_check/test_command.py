"""``mock-entra check-mcp`` against the lab's backend in each set-up, and against nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from mock_entra.cli import main
from tests.mcp_clients.conftest import lab

pytestmark = pytest.mark.slow


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
    assert "works on Entra                     sign-in: a client that sends no resource" in out
    assert "fix: serve the server at an https URL on a verified domain" in out
    assert "2 of them fixable on the server (exit 1)" in out


def test_the_direct_set_up_works_and_names_what_only_clients_can_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out = _check(tmp_path, "direct", capsys)
    assert status == 0, out
    assert "works on Entra                     sign-in: the MCP python SDK" in out
    assert "fails on Entra with AADSTS9010010  silent refresh" in out
    assert "a client limitation; remedy: pre-register the client" in out
    assert "0 of them fixable on the server (exit 0)" in out


def test_the_proxy_set_up_offers_what_entra_lacks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out = _check(tmp_path, "proxy", capsys)
    assert status == 0, out
    assert "the server's own (an OAuth proxy)" in out
    assert "works on Entra                     clients that register themselves" in out
    assert "works on Entra                     clients that require code_challenge_methods" in out


def test_a_server_that_cannot_be_read_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-mcp", "http://127.0.0.1:9/mcp"]) == 2
    assert "cannot read the MCP server at http://127.0.0.1:9/mcp" in capsys.readouterr().err
