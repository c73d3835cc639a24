"""pytest fixtures: a running mock tenant and real-flow token helpers.

Installed as a pytest plugin (entry point ``mock_entra``), so any project with this
package installed gets them::

    def test_my_api(mock_entra, entra_tokens, entra_bad_tokens):
        token = entra_tokens.sign_in("alice")["access_token"]
        expired = entra_bad_tokens.expired()     # validly signed, exp an hour ago
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from entra_kit.trust import trusting
from mock_entra.testing.bad_tokens import BadTokens
from mock_entra.testing.flows import Tokens
from mock_entra.testing.server import RunningMock, run_mock


@pytest.fixture(scope="session")
def mock_entra(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningMock]:
    """One mock per test session (per xdist worker), trusted through the usual variables."""
    # requests (MSAL) and azure-core read the trust variables; they win over MSAL's verify=.
    with run_mock(tmp_path_factory.mktemp("mock-entra")) as mock, trusting(mock.ca_bundle):
        yield mock


@pytest.fixture(scope="session")
def entra_tokens(mock_entra: RunningMock) -> Tokens:
    """Tokens through the real flows (MSAL) from the session's mock."""
    return Tokens(mock_entra)


@pytest.fixture(scope="session")
def entra_bad_tokens(mock_entra: RunningMock) -> BadTokens:
    """Validly signed access tokens with one change each (the shipped web app signing
    alice in for the shipped API; ``BadTokens(mock_entra, mock_entra.admin, ...)`` for
    your own registrations)."""
    return BadTokens(mock_entra, mock_entra.admin)
