"""Load and validate a tenant file; a bad file fails with one line naming file, path, problem."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import yaml
from pydantic import ValidationError

from entra_kit.settings import first_error
from mock_entra.tenant.model import Directory

DEFAULT_TENANT_FILE = "default_tenant.yaml"


class TenantFileError(ValueError):
    """The tenant file is unreadable or invalid; the message is one line."""


def load_directory_text(text: str, source: str = "<tenant>") -> Directory:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "?"
        raise TenantFileError(f"{source}: {where}: not valid YAML") from exc
    if not isinstance(data, dict):
        raise TenantFileError(f"{source}: <root>: expected a mapping with 'tenants'")
    try:
        return Directory.model_validate(data)
    except ValidationError as exc:
        path, message = first_error(exc, with_count=True)
        raise TenantFileError(f"{source}: {path}: {message}") from exc


def load_directory(path: str | Path | None = None) -> Directory:
    """Load ``path``, or the shipped default tenant when ``path`` is None."""
    if path is None:
        text = resources.files("mock_entra").joinpath(DEFAULT_TENANT_FILE).read_text()
        return load_directory_text(text, DEFAULT_TENANT_FILE)
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise TenantFileError(f"{p}: cannot read: {exc.strerror}") from exc
    return load_directory_text(text, str(p))
