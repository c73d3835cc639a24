"""pytest fixtures: a running mock tenant and real-flow token helpers.

Installed as a pytest plugin (entry point ``mock_entra``), so any project with this
package installed gets them::

    def test_my_api(mock_entra, entra_tokens):
        token = entra_tokens.sign_in("alice")["access_token"]
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from mock_entra.testing import RunningMock, Tokens, run_mock

_TRUST_VARIABLES = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE")


@pytest.fixture(scope="session")
def mock_entra(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningMock]:
    """One mock per test session (per xdist worker), trusted through the usual variables."""
    with run_mock(tmp_path_factory.mktemp("mock-entra")) as mock:
        saved = {name: os.environ.get(name) for name in _TRUST_VARIABLES}
        # requests (MSAL) and azure-core read these; they win over MSAL's verify=.
        os.environ.update({name: str(mock.ca_bundle) for name in _TRUST_VARIABLES})
        try:
            yield mock
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


@pytest.fixture(scope="session")
def entra_tokens(mock_entra: RunningMock) -> Tokens:
    return Tokens(mock_entra)
