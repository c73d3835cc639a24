"""The runner can fail: a deliberately wrong expectation fails, a bad file is one clear line,
and a scenario that checks nothing is refused (no test that cannot fail)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from mock_entra.scenarios.mutations import mutate
from mock_entra.scenarios.runner import ScenarioFailed, run_scenario
from mock_entra.scenarios.schema import CATALOG, Scenario, ScenarioFileError, load_scenario
from scenarios.lab import shared_stack


def _catalog(name: str) -> Scenario:
    return load_scenario(next(CATALOG.rglob(f"{name}.yaml")))


def _with_expect(scenario: Scenario, index: int, **expect: object) -> Scenario:
    data = scenario.model_dump(exclude_unset=True, by_alias=True)
    data["steps"][index]["expect"] = expect
    return Scenario.model_validate(data)


@pytest.mark.parametrize(
    ("name", "index", "wrong"),
    [
        ("D1-no-token", 0, {"status": 200}),
        ("D5-alg-none-mixed-case", 2, {"status": 200}),
        ("D11-jku-attacker-url", 2, {"attacker_requests": 1}),
        ("B3-wrong-verifier", 1, {"aadsts": 70008}),
        ("A2-unknown-client", 0, {"error": "invalid_request"}),
        ("E8-wrong-middle-tier-secret", 1, {"downstream": [{"service": "search", "count": 1}]}),
        ("C2-no-login-started", 0, {"signed_in": True}),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_a_wrong_expectation_makes_the_scenario_fail(
    name: str, index: int, wrong: dict[str, object]
) -> None:
    scenario = _with_expect(_catalog(name), index, **wrong)
    with pytest.raises(ScenarioFailed) as caught:
        run_scenario(shared_stack(), scenario)
    assert scenario.id in str(caught.value) and f"step {index + 1}" in str(caught.value)


def test_a_bad_file_is_one_line_naming_file_and_path(tmp_path: Path) -> None:
    data = yaml.safe_load(next(CATALOG.rglob("D1-no-token.yaml")).read_text())
    data["steps"][0]["expect"]["statuss"] = 401
    path = tmp_path / "D1-no-token.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(ScenarioFileError) as caught:
        load_scenario(path)
    message = str(caught.value)
    assert "\n" not in message
    assert str(path) in message and "steps[0].expect.statuss" in message


@pytest.mark.parametrize(
    ("step", "path", "problem"),
    [
        ({"tokn": {"user": "alice"}}, "steps[0]", "a step needs exactly one of token, code"),
        ({"token": {"user": "alice", "app": "daemon"}}, "steps[0].token", "one of user, app"),
        ({"call": {"mcp": {"tokn": "x"}}}, "steps[0].call.mcp.tokn", "Extra inputs"),
        ({"call": {"mcp": {}, "prm": {}}}, "steps[0].call", "call needs exactly one of mcp"),
        ({"clock": {"advance": "soon"}}, "steps[0].clock.advance", "valid number"),
    ],
    ids=["no-action", "two-flows", "call-option", "two-calls", "option-type"],
)
def test_a_bad_step_is_one_line_naming_its_path(
    tmp_path: Path, step: dict[str, object], path: str, problem: str
) -> None:
    data = yaml.safe_load(next(CATALOG.rglob("D1-no-token.yaml")).read_text())
    data["steps"] = [{**step, "expect": {"status": 200}}]
    file = tmp_path / "D1-no-token.yaml"
    file.write_text(yaml.safe_dump(data))
    with pytest.raises(ScenarioFileError) as caught:
        load_scenario(file)
    assert f"{file}: {path}: " in str(caught.value) and problem in str(caught.value)


def test_a_scenario_without_expectations_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "D1-vacuous.yaml"
    path.write_text(yaml.safe_dump({
        "id": "D1-vacuous", "title": "checks nothing", "layer": "backend", "env": "mock",
        "sources": ["x"], "steps": [{"call": {"prm": {}}}],
    }))  # fmt: skip
    with pytest.raises(ScenarioFileError, match="vacuously"):
        load_scenario(path)


def test_every_catalog_row_is_covered() -> None:
    """Every row id of docs/SECURITY-SCENARIOS.md has at least one scenario file."""
    catalog = Path(__file__).resolve().parents[1] / "docs" / "SECURITY-SCENARIOS.md"
    wanted = set(re.findall(r"^\| ([A-E]\d+) \|", catalog.read_text(), flags=re.MULTILINE))
    assert len(wanted) >= 50, "the catalog table was not parsed"
    rows = {load_scenario(p).row for p in CATALOG.rglob("*.yaml")}
    assert wanted - rows == set()


def test_claim_edit_without_resign_keeps_the_old_signature() -> None:
    token = "eyJhbGciOiJSUzI1NiJ9.eyJvaWQiOiJhIn0.c2ln"
    edited = mutate(token, [{"set_claims": {"oid": "b"}}], keys=None)  # type: ignore[arg-type]
    assert edited.split(".")[2] == "c2ln" and edited.split(".")[1] != token.split(".")[1]
