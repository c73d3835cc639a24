"""Shared test helpers. The mock's own fixtures (``mock_entra``, ``entra_tokens``) come
from the installed pytest plugin, exactly as users of this project get them."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from mock_entra.testing import RawFlow, RunningMock


def decode(token: str) -> dict[str, Any]:
    """Claims of a JWT, unverified: for assertions in tests only."""
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def decode_header(token: str) -> dict[str, Any]:
    head = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))


@pytest.fixture
def raw_flow(mock_entra: RunningMock) -> RawFlow:
    return RawFlow(mock_entra)


def write_tenant_file(path: Path, edit: Callable[[dict[str, Any]], None]) -> Path:
    """The shipped tenant file, changed by ``edit`` (a dict of the YAML), written to ``path``."""
    data = yaml.safe_load(resources.files("mock_entra").joinpath("default_tenant.yaml").read_text())
    edit(data)
    path.write_text(yaml.safe_dump(data))
    return path


def app_entry(data: dict[str, Any], client_id: str) -> dict[str, Any]:
    """The application ``client_id`` of the first tenant in a tenant-file dict."""
    return next(a for a in data["tenants"][0]["applications"] if a["client_id"] == client_id)
