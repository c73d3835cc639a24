"""``mock-entra check-mcp`` against the lab's backend in each set-up, and against nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from mock_entra.cli import main
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
