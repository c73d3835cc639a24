"""After the admin revokes a user's sign-in sessions, the frontend signs them in again cleanly.

Graph's ``revokeSignInSessions`` invalidates the user's refresh tokens and browser sessions;
the frontend's next token call needs a refresh and gets ``invalid_grant`` AADSTS50173.
identity.flask then starts a new sign-in (a 302 to the authorize endpoint, never a 500), and
after it the page works again.
https://learn.microsoft.com/graph/api/user-revokesigninsessions
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from entra_kit.trust import trusting
from frontend.app import create_app
from frontend.settings import FrontendSettings
from mock_entra.testing import TENANT_ID, RunningMock, Tokens, run_mock
from tests.frontend.conftest import sign_in


@pytest.fixture(scope="module")
def mock(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningMock]:
    with run_mock(tmp_path_factory.mktemp("revoked")) as running, trusting(running.ca_bundle):
        yield running


def test_a_revoked_user_is_sent_to_sign_in_once_and_then_the_page_works(
    mock: RunningMock, tmp_path: Path
) -> None:
    values: dict[str, Any] = {
        "entra_authority_host": mock.base_url, "entra_tenant_id": mock.tenant_id,
        "entra_ca_bundle": str(mock.ca_bundle), "frontend_session_dir": tmp_path / "sessions",
        "frontend_secret_key": "test-secret-key", "backend_url": "http://127.0.0.1:9",
    }  # fmt: skip
    settings = FrontendSettings(_env_file=None, **values)  # type: ignore[call-arg]
    client, tokens = create_app(settings).test_client(), Tokens(mock)
    assert sign_in(client, tokens, "alice", path="/").status_code == 302
    mock.admin.revoke_sign_in_sessions(TENANT_ID, "alice@contoso.onmicrosoft.com")

    answer = client.get("/chat")  # needs the backend token: a refresh, now refused
    assert answer.status_code == 302, answer.get_data(as_text=True)[:300]
    assert answer.headers["Location"].startswith(f"{mock.base_url}/{mock.tenant_id}/oauth2")
    refused = [r for r in mock.requests(limit=20) if r.get("grant_type") == "refresh_token"]
    assert refused and "50173" in str(refused[0]), refused[:1]

    params = tokens.authorize(answer.headers["Location"], "alice")
    assert client.get("/signin-oidc", query_string=params).status_code == 302
    assert client.get("/chat").status_code == 200
