"""Fixtures: the fake downstream APIs served alone, against the running mock tenant."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.applications import Starlette

from backend.auth import JwksCache
from entra_kit.serve import serve_in_thread
from fake_downstream.mount import create_fakes
from mock_entra.testing import RunningMock

# The backend tests' signed-in user and trusted-key forger serve these tests too.
from tests.backend.conftest import alice, resign  # noqa: F401 (fixtures)


@pytest.fixture(scope="session")
def fakes_url(mock_entra: RunningMock) -> Iterator[str]:
    """Base URL of the fakes (``/fake/search``, ``/fake/graph``) trusting the mock's tenant."""
    fakes = create_fakes(
        tenants=[mock_entra.tenant_id],
        authority_host=mock_entra.base_url,
        keys=JwksCache(mock_entra.base_url, str(mock_entra.ca_bundle)),
        leeway=60,
    )
    with serve_in_thread(Starlette(routes=fakes.routes), name="fakes") as url:
        yield url
