"""The scenario file format: one attack or failure, as data (docs: scenarios/README.md).

A scenario names where it can run, the sources its expectations rest on, what to
set up (a scenario-scoped tenant, faults, backend/frontend settings), the steps to
take, and what each layer must answer. ``load_scenario`` turns a YAML file into a
validated :class:`Scenario` or raises :class:`ScenarioFileError` with one line
naming the file and the path of the first problem.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

Layer = Literal["authorize", "token", "frontend", "backend", "obo", "downstream"]
Env = Literal["mock", "entra", "both"]


class _Strict(BaseModel):
    # A typo in a scenario file must fail loudly, never be silently ignored.
    model_config = ConfigDict(extra="forbid")


class TenantPatchOp(_Strict):
    """One edit of the scenario's tenant (a clone of the default tenant, fresh id).

    ``path`` is dotted (``lifetimes.authorization_code``); ``where`` picks the items of
    a list by field equality (``{resource: https://search.azure.com}``).
    """

    op: Literal["set", "append", "remove"]
    path: str
    value: Any = None
    where: dict[str, Any] | None = None


class TenantSetup(_Strict):
    patch: list[TenantPatchOp] = []


class Setup(_Strict):
    """Everything here is scoped to the scenario and undone after it."""

    # A runtime tenant of its own (faults, clock and key rotation then touch nobody else).
    tenant: TenantSetup | None = None
    faults: list[dict[str, Any]] = []
    clock_offset: float | None = None
    # Settings of a backend / frontend started for this scenario only.
    backend: dict[str, Any] | None = None
    frontend: dict[str, Any] | None = None


class WwwAuthenticate(_Strict):
    scheme: str = "Bearer"
    # "absent": the challenge must carry no error attribute (RFC 6750 §3.1).
    error: str | None = None
    params: dict[str, str] = {}
    has_params: list[str] = []


class DownstreamExpect(_Strict):
    service: Literal["search", "graph"]
    count: int | None = None
    not_token: str | None = None


class IdpRequests(_Strict):
    endpoint: str = "token"
    grant_type: str | None = None
    at_most: int | None = None
    at_least: int | None = None


class Cookies(_Strict):
    httponly: bool = True
    samesite: str | None = "Lax"
    no_jwt: bool = True


class Expect(_Strict):
    """What one step's answer must be; every field is optional, absent means unchecked."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    status: int | list[int] | None = None
    no_server_error: bool = False
    www_authenticate: WwwAuthenticate | None = None
    error: str | list[str] | None = None
    aadsts: int | list[int] | None = None
    suberror: str | None = None
    entra_error_shape: bool = False
    body_json: dict[str, Any] = Field(default_factory=dict, alias="json")
    json_has: list[str] = []
    body_contains: list[str] = []
    body_not_contains: list[str] = []
    body_no_jwt: bool = False
    header: dict[str, str] = {}
    header_absent: list[str] = []
    redirect: bool | None = None
    location_startswith: str | None = None
    location_contains: list[str] = []
    redirect_params: dict[str, Any] = {}
    redirect_params_absent: list[str] = []
    tool_ok: bool | None = None
    tool_error_contains: list[str] = []
    entra_challenge: dict[str, Any] | None = None
    result: dict[str, Any] = {}
    attacker_requests: int | None = None
    jwks_refreshes_at_most: int | None = None
    downstream: list[DownstreamExpect] = []
    idp_requests: IdpRequests | None = None
    signed_in: bool | None = None
    cookies: Cookies | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> Expect:
        if not self.model_fields_set:
            raise ValueError("an empty expect checks nothing; state what must happen")
        return self


class Step(_Strict):
    """One action (exactly one of the action fields) and, optionally, what it must answer."""

    token: dict[str, Any] | None = None
    code: dict[str, Any] | None = None
    mutate: dict[str, Any] | None = None
    call: dict[str, Any] | None = None
    fault: dict[str, Any] | None = None
    clock: dict[str, Any] | None = None
    rotate_keys: dict[str, Any] | None = None
    idp_sign_in: dict[str, Any] | None = None
    frontend_sign_in: dict[str, Any] | None = None
    expect: Expect | None = None
    # The spec section this step's expectation rests on (default: the scenario's first source).
    source: str | None = None
    note: str | None = None

    @property
    def action(self) -> str:
        return next(name for name in ACTIONS if getattr(self, name) is not None)

    @model_validator(mode="after")
    def _one_action(self) -> Step:
        chosen = [name for name in ACTIONS if getattr(self, name) is not None]
        if len(chosen) != 1:
            raise ValueError(f"a step needs exactly one of {', '.join(ACTIONS)} (got {chosen})")
        return self


ACTIONS = (
    "token",
    "code",
    "mutate",
    "call",
    "fault",
    "clock",
    "rotate_keys",
    "idp_sign_in",
    "frontend_sign_in",
)


class Scenario(_Strict):
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
    out = ""
    for part in loc:
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
