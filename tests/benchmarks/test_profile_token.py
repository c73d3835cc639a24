"""``python -m benchmarks.profile_token`` (what ``make profile`` samples) drives real token requests."""

from __future__ import annotations

import pytest

from benchmarks.profile_token import main


@pytest.mark.parametrize("grant", ["cc", "obo"])
def test_the_in_process_token_path_answers_200_and_prints_its_rate(
    grant: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--grant", grant, "--seconds", "0.2"]) == 0  # a non-200 answer raises
    assert "requests/s in process" in capsys.readouterr().out


def test_the_comparison_prints_a_ratio_to_signing_alone(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--compare", "--seconds", "1"]) == 0
    assert "ratio median" in capsys.readouterr().out
