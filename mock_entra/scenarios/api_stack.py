"""Any HTTP API that trusts a running mock, as a scenario target (a target description).

The mock mints every token the rows need through its real flows and its admin API
(claim changes are one-use ``claims`` faults scoped to the target's client and user),
so the rows that need a bad but validly signed token reach the API on a served mock.
The runner trusts the mock's CA itself: every client it makes is given the CA bundle,
whatever ``REQUESTS_CA_BUNDLE`` or ``SSL_CERT_FILE`` say.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx

from mock_entra.scenarios.expect import Expect
from mock_entra.scenarios.fit import fitted
from mock_entra.scenarios.mcp import INITIALIZE, MCP_HEADERS
from mock_entra.scenarios.stack import BackendHandle, Stack
from mock_entra.scenarios.target import ProtectedRequest, TargetDescription
from mock_entra.state_location import ca_bundle, find_state


class ApiStack(Stack):
    """One target description with one of its protected requests."""

    kind = "api"

    def __init__(self, target: TargetDescription, request: ProtectedRequest | None = None) -> None:
        self.target = target
        self.request = request or target.requests[0]
        self.mock_url = target.mock.url.rstrip("/")
        # Without mock.ca_bundle: the CA of the mock serving on that port (StateNotFound if none).
        port = urlsplit(self.mock_url).port or 443
        self.ca_bundle = str(target.mock.ca_bundle or ca_bundle(find_state(None, port)))
        self.tenant_id = target.app.tenant
        self.apps = target.apps()
        mcp = target.mcp
        base = target.base_url.rstrip("/")
        self.backend = BackendHandle(
            base, mcp_path=mcp.path if mcp else self.request.path, prm=mcp.prm_url if mcp else None
        )
        # An API in another process runs the rows that call it and need none of the lab's
        # parts (backend settings, a tenant of its own, frontend, tools, private keys):
        # those written for its token version, and the MCP rows when it is an MCP server.
        version = f"v{target.app.token_version}_tokens"
        self.provides = frozenset({version, *(["mcp"] if mcp else [])})
        self.api_verify = str(target.api_ca_bundle) if target.api_ca_bundle else True
        token = target.mock.admin_token
        self.admin_headers = {"Authorization": f"Bearer {token}"} if token else {}

    @property
    def label(self) -> str:
        return "mcp" if self.target.mcp else self.request.label

    def send_protected(
        self, backend: BackendHandle, headers: dict[str, str], query: dict[str, Any] | None
    ) -> httpx.Response:
        if self.target.mcp is not None:
            url, method, body = backend.mcp_url, "POST", INITIALIZE
            headers = {**MCP_HEADERS, **headers}
        else:
            req = self.request
            url, method, body = f"{backend.base_url}{req.path}", req.method.upper(), req.json_body
            headers = {**req.headers, **headers}
        if query:
            url += ("&" if "?" in url else "?") + urlencode(query)
        with httpx.Client(timeout=20, verify=self.api_verify) as client:
            return client.request(method, url, json=body, headers=headers)

    def fit(self, expect: Expect) -> Expect:
        refuses = self.target.refuses
        return fitted(
            expect,
            invalid_token=refuses.invalid_token,
            insufficient_scope=refuses.insufficient_scope,
            accepts=self.target.accepts,
            www_authenticate=refuses.www_authenticate,
            mcp=self.target.mcp is not None,
        )
