"""``python -m scenarios report``: a target that cannot run says so in one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from scenarios.__main__ import main


def test_a_running_target_that_is_not_running_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ENTRA_AUTHORITY_HOST", "https://127.0.0.1:9")
    monkeypatch.setenv("ENTRA_CA_BUNDLE", str(tmp_path / "ca.pem"))
    assert main(["report", "--target", "running", "--out", str(tmp_path / "out")]) == 1
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and f"CA bundle {tmp_path / 'ca.pem'} does not exist" in out
    assert not (tmp_path / "out").exists()


def test_the_entra_target_without_credentials_runs_nothing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ENTRA_AUTHORITY_HOST", "https://127.0.0.1:8443")
    assert main(["report", "--target", "entra"]) == 0
    assert "no real Entra credentials configured" in capsys.readouterr().out
