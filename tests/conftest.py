"""Shared test helpers. The mock's own fixtures (``mock_entra``, ``entra_tokens``) come
from the installed pytest plugin, exactly as users of this project get them."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

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
