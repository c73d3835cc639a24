"""The scenario file format: one attack or failure, as data (docs: scenarios/README.md).

A scenario names where it can run, the sources its expectations rest on, what to
set up (a scenario-scoped tenant, faults, backend/frontend settings), the steps to
take, and what each layer must answer. ``load_scenario`` turns a YAML file into a
validated :class:`Scenario` or raises :class:`ScenarioFileError` with one line
naming the file and the path of the first problem.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import yaml
from pydantic import Field, ValidationError, model_validator

from mock_entra.scenarios.keyed import Strict, is_tag
from mock_entra.scenarios.steps import STEP

if TYPE_CHECKING:
    from mock_entra.scenarios.steps.base import StepBase as Step
else:
    Step = STEP

# The catalog ships inside the package, so an installed runner has it too.
CATALOG = Path(__file__).parent / "catalog"

Layer = Literal["authorize", "token", "frontend", "backend", "obo", "downstream"]
Env = Literal["mock", "entra", "both"]


class TenantPatchOp(Strict):
    """One edit of the scenario's tenant (a clone of the default tenant, fresh id).

    ``path`` is dotted (``lifetimes.authorization_code``); ``where`` picks the items of
    a list by field equality (``{resource: https://search.azure.com}``).
    """

    op: Literal["set", "append", "remove"]
    path: str
    value: Any = None
    where: dict[str, Any] | None = None


class TenantSetup(Strict):
    patch: list[TenantPatchOp] = Field(default_factory=list)

    def patched(self, tenant: dict[str, Any]) -> dict[str, Any]:
        """A copy of ``tenant`` (one tenant-file entry) with the patch applied in order."""
        out = copy.deepcopy(tenant)
        for op in self.patch:
            *parents, last = op.path.split(".")
            node: Any = out
            for part in parents:
                node = node.setdefault(part, {})
            if op.op == "set":
                node[last] = op.value
            elif op.op == "append":
                node.setdefault(last, []).append(op.value)
            elif op.where is None:  # remove: the key ...
                node.pop(last, None)
            else:  # ... or the list items matching ``where``
                node[last] = [
                    item for item in node.get(last, [])
                    if not all(item.get(k) == v for k, v in op.where.items())
                ]  # fmt: skip
        return out


class Setup(Strict):
    """Everything here is scoped to the scenario and undone after it."""

    # A runtime tenant of its own (faults, clock and key rotation then touch nobody else).
    tenant: TenantSetup | None = None
    faults: list[dict[str, Any]] = Field(default_factory=list)
    clock_offset: float | None = None
    # Settings of a backend / frontend started for this scenario only.
    backend: dict[str, Any] | None = None
    frontend: dict[str, Any] | None = None


class Scenario(Strict):
    id: str = Field(pattern=r"^[A-E]\d{1,2}[a-z]?-[a-z0-9][a-z0-9-]*$")
    title: str = Field(min_length=5)
    layer: Layer
    env: Env
    sources: list[str] = Field(min_length=1)
    setup: Setup = Setup()
    steps: list[Step] = Field(min_length=1)
    # Where a library in the stack differs from the spec: what we pin instead, and why.
    deviation: str | None = None
    # A row that cannot be expressed: the reason (the report lists it).
    skip: str | None = None
    # The API's access-token version the row is written for (D16), when it matters.
    access_token_version: Literal[1, 2] | None = None

    @property
    def row(self) -> str:
        """The catalog row (``D5``) this scenario encodes."""
        return self.id.split("-", 1)[0].rstrip("abcdefghijklmnopqrstuvwxyz")

    @model_validator(mode="after")
    def _checks_something(self) -> Scenario:
        # A scenario without a single expectation would pass vacuously.
        if self.skip is None and not any(step.expect for step in self.steps):
            raise ValueError("no step has an expect: the scenario would pass vacuously")
        return self


class ScenarioFileError(ValueError):
    """A scenario file is invalid; the message is one line: file, path, problem."""


def _where(loc: tuple[int | str, ...]) -> str:
    """``steps[0].expect.status``: the path in the file (without the union tags)."""
    out = ""
    for part in loc:
        if is_tag(part):
            continue
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "<root>"


def load_scenario(path: Path) -> Scenario:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark is not None else ""
        raise ScenarioFileError(
            f"{path}:{line} invalid YAML: {getattr(exc, 'problem', exc)}"
        ) from exc
    if not isinstance(data, dict):
        raise ScenarioFileError(f"{path}: <root>: a scenario is a mapping")
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        msg = str(first["msg"]).removeprefix("Value error, ")
        raise ScenarioFileError(f"{path}: {_where(first['loc'])}: {msg}") from exc
    if scenario.id != path.stem:
        raise ScenarioFileError(f"{path}: id: {scenario.id!r} must equal the file name")
    return scenario


def load_catalog(root: Path = CATALOG) -> list[Scenario]:
    """Every scenario file under ``root``, in a stable order (by file path)."""
    return [load_scenario(path) for path in sorted(root.rglob("*.yaml"))]
