"""The distribution users install: the mock alone, with none of the lab's stacks.

The wheel is built from a copy of just what it ships (pyproject.toml, README.md,
mock_entra/, entra_kit/), offline; it is installed into a fresh virtual environment
without its dependencies, which come from this checkout's environment on a path where
no ``.pth`` file runs (so the checkout's own packages are not importable), and every
module it ships is imported there with the lab's packages and stacks blocked.
What ``pip install`` would bring is the closure of the wheel's requirements.
"""

from __future__ import annotations

import email
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
LAB = {"backend", "frontend", "stack", "scenarios", "benchmarks", "fake_downstream", "examples"}
# The stacks the mock must never bring: the lab's web app, MCP server and chat agent.
STACKS = {"flask", "identity", "fastmcp", "mcp", "agent-framework-core", "agent-framework-openai",
          "azure-identity", "tenacity", "werkzeug"}  # fmt: skip

pytestmark = pytest.mark.slow


def _normal(name: str) -> str:
    return name.lower().replace("_", "-")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for package in ("mock_entra", "entra_kit"):
        shutil.copytree(ROOT / package, source / package,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))  # fmt: skip
    out = tmp_path_factory.mktemp("wheel")
    command = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
               "--no-build-isolation", "--no-index", "-w", str(out), str(source)]  # fmt: skip
    built = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert built.returncode == 0, built.stdout + built.stderr
    assert "project.license" not in built.stderr, "setuptools' license banner is back"
    return next(out.glob("mock_entra-*.whl"))


def _metadata(wheel: Path) -> email.message.Message:
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        return email.message_from_string(archive.read(name).decode())


def test_the_wheel_ships_only_the_mock_and_its_kit(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    tops = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert tops == {"mock_entra", "entra_kit"}
    shipped = {n for n in names if n.startswith("mock_entra/scenarios/catalog/")}
    assert len(shipped) == len(list((ROOT / "mock_entra/scenarios/catalog").rglob("*.yaml")))
    assert "mock_entra/default_tenant.yaml" in names
    assert "mock_entra/templates/sign_in.html" in names
    with zipfile.ZipFile(wheel) as archive:
        entry_points = next(
            archive.read(n).decode() for n in names if n.endswith("entry_points.txt")
        )
    assert "mock-entra = mock_entra.cli:main" in entry_points
    assert "mock_entra = mock_entra.testing.plugin" in entry_points


def _closure(requirements: list[str]) -> set[str]:
    """Every distribution pip would install for ``requirements`` (markers as on this machine)."""
    seen: set[str] = set()
    todo = [Requirement(r) for r in requirements]
    while todo:
        req = todo.pop()
        if req.marker is not None and not req.marker.evaluate({"extra": ""}):
            continue
        name = _normal(req.name)
        if name in seen:
            continue
        seen.add(name)
        todo += [Requirement(r) for r in metadata.requires(req.name) or []]
        for extra in req.extras:  # uvicorn[standard]: its extra's requirements too
            for r in metadata.requires(req.name) or []:
                parsed = Requirement(r)
                if parsed.marker is not None and parsed.marker.evaluate({"extra": extra}):
                    todo.append(parsed)
    return seen


def test_installing_it_brings_none_of_the_labs_stacks(wheel: Path) -> None:
    requires = _metadata(wheel).get_all("Requires-Dist") or []
    plain = [r for r in requires if "extra ==" not in r]
    brought = _closure(plain)
    assert {"fastapi", "msal", "httpx", "cryptography"} <= brought
    assert brought & STACKS == set(), sorted(brought & STACKS)


@pytest.fixture(scope="module")
def fresh(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A new virtual environment with the wheel (and only the wheel) installed in it."""
    home = tmp_path_factory.mktemp("fresh")
    venv.create(home, with_pip=False)
    python = home / "bin" / "python"
    install = [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
               "--no-deps", "--no-index", str(wheel)]  # fmt: skip
    done = subprocess.run(install, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    # The dependencies from this environment, on a plain path entry: its .pth files (the
    # checkout's path, the editable mock) do not run from there.
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    (Path(purelib) / "lab-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    yield python


IMPORT_EVERYTHING = """
import importlib, importlib.abc, pkgutil, sys
BLOCKED = set(sys.argv[1].split(","))
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"blocked: {name}")
sys.meta_path.insert(0, Block())
import entra_kit, mock_entra
assert "site-packages" in mock_entra.__file__ and sys.argv[2] not in mock_entra.__file__, mock_entra.__file__
for package in (entra_kit, mock_entra):
    for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if not module.name.endswith(".__main__"):  # those run a command
            importlib.import_module(module.name)
print(len(sys.modules))
"""


def test_every_module_it_ships_imports_without_the_lab(fresh: Path, tmp_path: Path) -> None:
    blocked = ",".join(sorted(LAB | {"flask", "fastmcp", "agent_framework", "identity", "mcp"}))
    result = subprocess.run([str(fresh), "-c", IMPORT_EVERYTHING, blocked, str(ROOT)],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]


def test_the_installed_command_and_catalog_work_outside_the_checkout(
    fresh: Path, tmp_path: Path
) -> None:
    command = fresh.parent / "mock-entra"
    listed = subprocess.run([str(command), "scenarios", "--help"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60, check=False)  # fmt: skip
    assert listed.returncode == 0 and "target description" in listed.stdout, listed.stderr
    missing = subprocess.run([str(command), "describe"], cwd=tmp_path, capture_output=True,
                             text=True, timeout=60, check=False,
                             env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})  # fmt: skip
    assert missing.returncode == 2 and "no mock state found" in missing.stderr
    assert list(tmp_path.iterdir()) == [], "a reading command created files"
