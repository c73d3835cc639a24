"""``make e2e-real``: the positive flows and the portable negative checks, against the profile.

With the entra profile this runs against a real tenant. The delegated part needs a
user's access token for the backend API, because a real sign-in is interactive:
copy it from the frontend's token inspector into ``E2E_USER_TOKEN``. Without a real
tenant configured it says so and exits 0. The same code runs against the mock in
this project's tests (only the settings differ).
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx

from backend.settings import BackendSettings
from stack.profile import load_profile
from stack.services import uses_mock


@dataclass(frozen=True)
class Outcome:
    name: str
    status: str  # passed | failed | skipped
    detail: str = ""


Check = Callable[[], Awaitable[str]]


class E2E:
    """The checks, each a small coroutine returning a detail line or raising AssertionError."""

    def __init__(self, settings: BackendSettings, mcp_url: str, user_token: str | None) -> None:
        self.settings = settings
        self.mcp_url = mcp_url
        self.user_token = user_token
        verify: Any = str(settings.entra_ca_bundle) if settings.entra_ca_bundle else True
        self.http = httpx.AsyncClient(verify=verify, timeout=15)

    @property
    def authority(self) -> str:
        return f"{self.settings.entra_authority_host}/{self.settings.entra_tenant_id}"

    async def discovery(self) -> str:
        doc = (
            await self.http.get(f"{self.authority}/v2.0/.well-known/openid-configuration")
        ).json()
        expected = f"{self.settings.entra_authority_host}/{self.settings.entra_tenant_id}/v2.0"
        assert doc["issuer"] == expected, f"issuer {doc['issuer']!r}, expected {expected!r}"
        keys = (await self.http.get(doc["jwks_uri"])).json()["keys"]
        assert keys and all(k.get("kty") == "RSA" and k.get("kid") for k in keys), "JWKS"
        return f"issuer and {len(keys)} signing keys"

    async def app_only_token(self) -> str:
        result = await asyncio.to_thread(self._client_credentials)
        assert "access_token" in result, result.get("error_description", result)
        from backend.obo.exchanger import unverified_claims

        claims = unverified_claims(result["access_token"])
        assert claims.get("tid") == self.settings.entra_tenant_id, "tid"
        return f"app-only token for Graph, appid {claims.get('appid') or claims.get('azp')}"

    def _client_credentials(self) -> dict[str, Any]:
        from backend.obo.exchanger import build_msal_app

        app = build_msal_app(self.settings)
        result: dict[str, Any] = app.acquire_token_for_client(
            ["https://graph.microsoft.com/.default"]
        )
        return result

    async def no_token_is_401_with_metadata(self) -> str:
        answer = await self.http.post(self.mcp_url, json={})
        challenge = answer.headers.get("www-authenticate", "")
        assert answer.status_code == 401 and "resource_metadata=" in challenge, challenge
        return challenge[:80]

    async def protected_resource_metadata(self) -> str:
        base = self.mcp_url.removesuffix("/mcp")
        doc = (await self.http.get(f"{base}/.well-known/oauth-protected-resource/mcp")).json()
        assert doc["resource"] == self.mcp_url, doc
        assert doc["authorization_servers"], doc
        return f"authorization_servers {doc['authorization_servers'][0]}"

    async def tampered_user_token_is_401(self) -> str:
        token = self._need_user_token()
        head, payload, signature = token.split(".")
        forged = f"{head}.{payload}.{signature[:-4]}AAAA"
        answer = await self.http.post(
            self.mcp_url, json={}, headers={"Authorization": f"Bearer {forged}"}
        )
        assert answer.status_code == 401, answer.status_code
        return "401"

    async def tool(self, name: str) -> dict[str, Any]:
        from fastmcp import Client
        from fastmcp.client.auth import BearerAuth

        async with Client(self.mcp_url, auth=BearerAuth(self._need_user_token())) as client:
            result = await client.call_tool(name, {})
        data: dict[str, Any] = result.structured_content or {}
        return data

    async def user_info(self) -> str:
        info = await self.tool("get_user_info")
        assert info.get("all_checks_passed"), info.get("checks")
        return f"all eight checks passed for {info['user'].get('username')}"

    async def on_behalf_of(self) -> str:
        result = await self.tool("get_azure_ai_search_token")
        assert result["claims"]["aud"] in (
            "https://search.azure.com",
            "880da380-985e-4198-81b9-e05b1cc53158",
        )
        return "OBO token for Azure AI Search"

    def _need_user_token(self) -> str:
        if not self.user_token:
            raise LookupError("set E2E_USER_TOKEN to a delegated token for the backend API")
        return self.user_token

    def checks(self) -> list[tuple[str, Check]]:
        return [
            ("discovery and JWKS", self.discovery),
            ("client credentials", self.app_only_token),
            ("backend: no token -> 401 + resource_metadata", self.no_token_is_401_with_metadata),
            ("backend: protected-resource metadata", self.protected_resource_metadata),
            ("backend: tampered token -> 401", self.tampered_user_token_is_401),
            ("backend: get_user_info", self.user_info),
            ("backend: OBO to Azure AI Search", self.on_behalf_of),
        ]


async def run_all(e2e: E2E) -> list[Outcome]:
    outcomes = []
    try:
        for name, check in e2e.checks():
            try:
                outcomes.append(Outcome(name, "passed", await check()))
            except LookupError as exc:
                outcomes.append(Outcome(name, "skipped", str(exc)))
            except Exception as exc:  # every failure is reported, none hidden
                outcomes.append(Outcome(name, "failed", f"{type(exc).__name__}: {exc}"[:300]))
    finally:
        await e2e.http.aclose()
    return outcomes


def main() -> int:
    import os

    env = load_profile()
    if uses_mock(env):
        print("e2e-real: the profile points at the mock (ENTRA_AUTHORITY_HOST is loopback). "
              "Set up .env from .env.entra.example to run against a real tenant. Nothing run.")  # fmt: skip
        return 0
    os.environ.update(env)
    from backend.settings import load_settings
    from backend.testing import run_backend

    settings = load_settings()
    values = settings.model_dump()
    with run_backend(values) as backend:
        e2e = E2E(settings, backend.mcp_url, env.get("E2E_USER_TOKEN"))
        outcomes = asyncio.run(run_all(e2e))
    for o in outcomes:
        print(f"{o.status:<8} {o.name:<46} {o.detail}")
    failed = sum(o.status == "failed" for o in outcomes)
    passed = sum(o.status == "passed" for o in outcomes)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
