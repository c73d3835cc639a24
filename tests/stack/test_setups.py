"""The lab's MCP set-ups (``MCP_SETUP``): what each sets, that it fits the shipped tenant."""

from __future__ import annotations

from pathlib import Path

import pytest

from entra_kit.settings import SettingsError
from mock_entra.tenant import load_directory
from stack import check
from stack.setups import (
    DIRECT_URL,
    MCP_CLIENT_ID,
    MCP_CLIENT_REDIRECT_URI,
    MCP_SERVER_API_URI,
    MCP_SERVER_CLIENT_ID,
    MCP_SERVER_SECRET,
    SETUPS,
    banner_lines,
    with_setup,
)

SHIPPED = load_directory().tenants[0]


def test_the_ids_are_the_shipped_tenants() -> None:
    server, client = SHIPPED.app(MCP_SERVER_CLIENT_ID), SHIPPED.app(MCP_CLIENT_ID)
    assert server is not None and client is not None
    assert {MCP_SERVER_API_URI, f"{DIRECT_URL}/mcp"} <= set(server.identifier_uris)
    assert server.requested_access_token_version == 2
    assert MCP_SERVER_SECRET in [s.value for s in server.secrets]
    assert client.public_client and MCP_CLIENT_REDIRECT_URI in client.redirect_uris


def test_make_run_defaults_to_the_proxy_and_what_is_set_wins() -> None:
    env = with_setup({}, mock_profile=True)
    assert env["BACKEND_MCP_AUTH"] == "proxy" and env["BACKEND_CLIENT_ID"] == MCP_SERVER_CLIENT_ID
    mine = with_setup({"BACKEND_CLIENT_ID": "mine"}, mock_profile=True)
    assert mine["BACKEND_CLIENT_ID"] == "mine"
    assert with_setup({"MCP_SETUP": "direct"}, mock_profile=False) == {"MCP_SETUP": "direct"}
    assert "MCP_SETUP=proxy" in banner_lines(env)[0]


def test_an_unknown_set_up_is_one_line_naming_the_variable() -> None:
    with pytest.raises(SettingsError, match=r"^stack settings: MCP_SETUP: must be one of"):
        with_setup({"MCP_SETUP": "sideways"}, mock_profile=True)


@pytest.mark.parametrize("setup", SETUPS)
def test_every_set_up_passes_stack_check(
    setup: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MCP_SETUP", setup)
    assert check.main() == 0, capsys.readouterr().out
    out = capsys.readouterr().out
    assert "settings are consistent" in out
    assert MCP_SERVER_SECRET not in out, "secrets are masked"
