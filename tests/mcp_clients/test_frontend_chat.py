"""The lab's frontend chat keeps working in every MCP set-up.

The real frontend (identity.flask, the Agent Framework chat, ``MCPStreamableHTTPTool``)
signs alice in at the mock and asks "who am I?": it calls ``/mcp`` with her delegated
token for ``<BACKEND_APP_ID_URI>/access_as_user``, whatever MCP clients are offered (in
the proxy set-up that token passes this API's own verifier, beside the proxy's).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from frontend.app import create_app
from frontend.settings import FrontendSettings
from mock_entra.testing import Tokens
from tests.frontend.conftest import csrf_of, sign_in, sse_events
from tests.mcp_clients.conftest import Lab

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("setup", ["proxy", "direct", "api-uri"])
def test_the_frontends_chat_calls_the_tools_in_every_set_up(
    lab_in: Callable[..., AbstractContextManager[Lab]], setup: str, tmp_path: Path
) -> None:
    with lab_in(setup) as lab:
        backend = lab.backend.state.settings
        settings = FrontendSettings(
            _env_file=None,  # type: ignore[call-arg]
            entra_authority_host=lab.mock.base_url, entra_tenant_id=lab.mock.tenant_id,
            entra_ca_bundle=str(lab.mock.ca_bundle), frontend_session_dir=tmp_path / "sessions",
            frontend_secret_key="test-secret-key", backend_url=lab.backend.base_url,
            backend_app_id_uri=backend.backend_app_id_uri,
        )  # fmt: skip
        client = create_app(settings).test_client()
        sign_in(client, Tokens(lab.mock), "alice")
        answer = client.post("/chat/stream", json={"message": "who am I?"},
                             headers={"X-CSRF-Token": csrf_of(client)})  # fmt: skip
        events = sse_events(answer.get_data(as_text=True))
    results = [data for kind, data in events if kind == "tool_result"]
    assert results, events
    seen = results[0]["result"]
    assert seen["user"]["username"] == "alice@contoso.onmicrosoft.com"
    assert seen["claims"]["aud"] in (backend.backend_app_id_uri, backend.backend_client_id)
    assert seen["all_checks_passed"]
