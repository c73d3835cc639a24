"""The reading commands find the running mock's state, or say in one line where they looked;
they never create a CA and keys of their own. ``describe`` keeps its columns aligned."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
import yaml

from mock_entra.cli import main
from mock_entra.state_location import find_state, record_serving
from mock_entra.testing import API_SCOPE, SEARCH_RESOURCE, RunningMock
from tests.conftest import decode, write_tenant_file
from tests.mock_entra.test_cli_and_v1 import served_state


@pytest.fixture(autouse=True)
def own_records(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Serving records in the test's folder, and no state in the working directory."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("MOCK_ENTRA_STATE_DIR", raising=False)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


def test_outside_any_state_the_command_fails_in_one_line_and_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["describe", "--port", "18999"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no mock state found" in err and "port 18999" in err
    assert list((tmp_path / "work").iterdir()) == []
    assert main(["describe", "--state-dir", str(tmp_path / "nothing")]) == 2
    assert "no mock state in" in capsys.readouterr().err
    assert not (tmp_path / "nothing").exists()


def test_the_nearest_state_above_the_working_directory_is_found(tmp_path: Path) -> None:
    state = served_state(tmp_path / "project" / ".state" / "mock-entra")
    deep = tmp_path / "project" / "src" / "pkg"
    deep.mkdir(parents=True)
    assert find_state(None, 8443, cwd=deep) == state


def test_a_running_mock_is_found_from_anywhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def rename(data: dict[str, object]) -> None:
        data["tenants"][0]["domain"] = "served.onmicrosoft.com"  # type: ignore[index]

    config = write_tenant_file(tmp_path / "served.yaml", rename)
    state = served_state(tmp_path / "elsewhere")
    # This process "serves" it (its pid, a listening port): describe says that mock's URL,
    # CA and tenants; once the port stops answering, the record is stale and ignored.
    with socket.create_server(("127.0.0.1", 0)) as listening:
        port = listening.getsockname()[1]
        record_serving(port, state, f"https://127.0.0.1:{port}", config)
        assert main(["describe", "--port", str(port)]) == 0
        out = capsys.readouterr().out
    assert f"CA bundle: {(state / 'tls' / 'ca.pem').resolve()}" in out
    assert f"base URL:  https://127.0.0.1:{port}" in out
    assert "tenant served.onmicrosoft.com" in out
    assert main(["describe", "--port", str(port)]) == 2


def test_describe_columns_stay_aligned_for_long_app_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def rename(data: dict[str, object]) -> None:
        data["tenants"][0]["applications"][0]["name"] = (
            "A registration with a very long name indeed"  # type: ignore[index]
        )

    config = write_tenant_file(tmp_path / "tenant.yaml", rename)
    state = served_state(tmp_path / "state")
    assert main(["describe", "--config", str(config), "--state-dir", str(state)]) == 0
    first_tenant = capsys.readouterr().out.split("\ntenant ")[1]
    apps = [line for line in first_tenant.splitlines() if line.startswith("  app ")]
    assert len(apps) == 6 and len({line.index(" secret ") for line in apps}) == 1, "\n".join(apps)


def test_bad_token_command_prints_a_validly_signed_changed_token(
    mock_entra: RunningMock, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["bad-token", "other-audience", "--url", mock_entra.base_url,
            "--ca-bundle", str(mock_entra.ca_bundle), "--scope", API_SCOPE]  # fmt: skip
    assert main(args) == 0
    token = capsys.readouterr().out.strip()
    assert decode(token)["aud"] == SEARCH_RESOURCE
    changed = ["bad-token", "with-claims", "--claim", "tid=contoso", "--remove", "oid", *args[2:]]
    assert main(changed) == 0
    claims = decode(capsys.readouterr().out.strip())
    assert claims["tid"] == "contoso" and "oid" not in claims


def test_scenarios_is_a_subcommand(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "t.yaml"
    target.write_text(yaml.safe_dump({"base_url": "http://127.0.0.1:9",
                                      "app": {"client_id": "c", "token_version": 1,
                                              "tenant": "b63e68de-d8de-4919-b8c7-175cc63619fc"},
                                      "mock": {"ca_bundle": "ca.pem"}}))  # fmt: skip
    assert main(["scenarios", str(target), "--list", "-k", "D1", "-k", "A1-*"]) == 0
    out = capsys.readouterr().out
    assert "D1-no-token" in out and "runs" in out
    assert "A1-redirect-uri-attacker-host" in out and "n/a: does not call the API" in out
