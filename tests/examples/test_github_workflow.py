"""The guide's CI example does what it says: its steps, run here as GitHub would run them
(the mock and the API in the background, then the catalog), pass against examples/my-api.

Only the ports change (8443 and 9000 may be taken on this machine); the install and the
pytest steps are what ``make test`` already does.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from entra_kit.serve import free_loopback_port

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "my-api"
WORKFLOW = EXAMPLE / ".github" / "workflows" / "api-tests.yml"
BACKGROUND = ("Start the mock", "Start the API", "The security catalog")


def _steps() -> tuple[dict[str, str], list[str]]:
    job = yaml.safe_load(WORKFLOW.read_text())["jobs"]["test"]
    runs = [s["run"] for s in job["steps"] if str(s.get("name", "")).startswith(BACKGROUND)]
    return dict(job["env"]), runs


def test_the_workflow_installs_the_documented_line_and_runs_pytest() -> None:
    job = yaml.safe_load(WORKFLOW.read_text())["jobs"]["test"]
    runs = [s.get("run", "") for s in job["steps"]]
    assert any('pip install "$MOCK_ENTRA"' in r for r in runs)
    assert job["env"]["MOCK_ENTRA"].startswith("mock-entra @ git+")
    assert "pytest" in runs


@pytest.mark.slow
def test_the_background_steps_pass_against_the_example(tmp_path: Path) -> None:
    env_vars, runs = _steps()
    assert len(runs) == 3
    mock_port, api_port = free_loopback_port(), free_loopback_port()
    project = tmp_path / "my-api"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns(".state", "__pycache__"))
    target = project / "target.yaml"
    target.write_text(
        target.read_text().replace("8443", str(mock_port)).replace("9000", str(api_port))
    )
    script = "\n".join(["set -e", "trap 'kill $(jobs -p) 2>/dev/null' EXIT", *runs])
    script = script.replace("8443", str(mock_port)).replace("9000", str(api_port))
    env = {**os.environ, **env_vars, "MOCK_URL": f"https://127.0.0.1:{mock_port}",
           "XDG_STATE_HOME": str(tmp_path / "xdg"), "PYTHONPATH": str(project),
           "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}  # fmt: skip
    env.pop("MOCK_ENTRA_STATE_DIR", None)
    result = subprocess.run(["bash", "-c", script], cwd=project, env=env, capture_output=True,
                            text=True, timeout=300, check=False)  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    assert "51 of 170 rows reached the API (each on 2 requests): 51 passed, 0 failed" in output
    assert (project / "scenario-report" / "junit.xml").is_file()
