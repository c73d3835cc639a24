"""The house rules of the package layout, checked from the source itself.

- no import cycle between modules (a module may import its own package's ``__init__``);
- the mock's protocol code does not reach into the test controls (``mock_entra.admin``):
  only ``mock_entra.admin`` itself, the app factory, the CLI and the testing package do;
- the production backend imports nothing of the mock;
- no function is longer than 60 lines outside ``benchmarks/``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = (
    "entra_kit",
    "mock_entra",
    "backend",
    "frontend",
    "fake_downstream",
    "scenarios",
    "stack",
    "benchmarks",
)
MAX_FUNCTION_LINES = 60
# Who may import mock_entra.admin: admin itself, the app factory, the CLI, the testing package.
ADMIN_IMPORTERS = ("mock_entra.admin", "mock_entra.app", "mock_entra.cli", "mock_entra.testing")


def _modules() -> Iterator[tuple[str, Path]]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")) if (ROOT / package).is_dir() else ():
            if path.name.startswith("test_") or path.name == "conftest.py":
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            yield name, path


@cache
def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), str(path))


def _imports(name: str, path: Path) -> set[str]:
    """The project modules ``name`` imports, including those only for type checkers:
    a cycle hidden behind ``TYPE_CHECKING`` is still two modules that know each other."""
    found: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {m for m in found if m.split(".")[0] in PACKAGES}


@cache
def _graph() -> dict[str, set[str]]:
    modules = dict(_modules())
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = {m for m in _imports(name, path) if m in modules and m != name}
        # Importing a package's own __init__ from inside it is not a cycle worth a name.
        graph[name] = {t for t in targets if not name.startswith(f"{t}.")}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


# Marked while issue 11 moves the code; each mark goes with the move that fixes it.
def test_no_import_cycles_between_modules() -> None:
    cycles = _cycles(_graph())
    assert not cycles, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in cycles)


def test_only_the_controls_and_their_wiring_import_the_admin_package() -> None:
    offenders = sorted(
        f"{name} imports {target}"
        for name, targets in _graph().items()
        if name.startswith("mock_entra") and not name.startswith(ADMIN_IMPORTERS)
        for target in targets
        if target.startswith("mock_entra.admin")
    )
    assert not offenders, "\n".join(offenders)


def test_the_production_backend_imports_nothing_of_the_mock() -> None:
    offenders = sorted(
        f"{name} imports {target}"
        for name, path in _modules()
        if name.startswith("backend") and name != "backend.testing"
        for target in _imports(name, path)
        if target.startswith(("mock_entra", "fake_downstream"))
    )
    assert not offenders, "\n".join(offenders)


def _long_functions() -> Iterator[str]:
    for name, path in _modules():
        if name.startswith("benchmarks"):
            continue
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    yield f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({length} lines)"


def test_no_function_is_longer_than_sixty_lines() -> None:
    long = sorted(_long_functions())
    assert not long, "\n".join(long)


@pytest.mark.parametrize("package", PACKAGES)
def test_every_listed_package_is_read(package: str) -> None:
    """A renamed package must not make the rules above pass by reading nothing."""
    if package == "fake_downstream" and not (ROOT / package).is_dir():
        pytest.skip("fake_downstream/ does not exist yet")
    assert any(name.split(".")[0] == package for name, _ in _modules())
