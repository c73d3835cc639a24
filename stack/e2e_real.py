"""``make e2e-real``: the positive flows and the portable negative checks, against the profile.

With the entra profile this runs against a real tenant. The delegated part needs a
user's access token for the backend API, because a real sign-in is interactive:
copy it from the frontend's token inspector into ``E2E_USER_TOKEN``. With the mock
profile it runs every one of the same checks against an in-process mock tenant (a
user token from a real sign-in flow included), so CI exercises the code a tenant run
uses. Each check starts its own backend on a free port and checks what that backend
serves; a failure says what was expected and what came.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx

from backend.settings import BackendSettings
from entra_kit.microsoft_apps import SEARCH_APP_ID, SEARCH_RESOURCE
from entra_kit.settings import SettingsError
from entra_kit.trust import trusting
from stack.profile import load_profile
from stack.services import uses_mock


@dataclass(frozen=True)
class Outcome:
    name: str
    status: str  # passed | failed | skipped
    detail: str = ""


Check = Callable[[], Awaitable[str]]


class Mismatch(Exception):
    """A check saw something other than what it expected; the message says both."""


def expect(what: str, expected: object, got: object) -> None:
    if got != expected:
        raise Mismatch(f"{what}: expected {expected!r}, got {_short(got)}")


def expect_in(what: str, wanted: object, got: Any) -> None:
    if not isinstance(got, str | list | tuple | set | dict) or wanted not in got:
        raise Mismatch(f"{what}: expected it to contain {wanted!r}, got {_short(got)}")


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 200 else text[:200] + "…"


class E2E:
    """The checks, each a small coroutine returning a detail line or raising ``Mismatch``."""

    def __init__(self, settings: BackendSettings, mcp_url: str, user_token: str | None) -> None:
        self.settings = settings
        self.mcp_url = mcp_url
        self.user_token = user_token
        verify: Any = str(settings.entra_ca_bundle) if settings.entra_ca_bundle else True
        self.http = httpx.AsyncClient(verify=verify, timeout=15)

    @property
    def authority(self) -> str:
        return f"{self.settings.entra_authority_host}/{self.settings.entra_tenant_id}"

    async def get_json(self, url: str) -> Any:
        answer = await self.http.get(url)
        expect(f"status of GET {url}", 200, answer.status_code)
        return answer.json()

    async def discovery(self) -> str:
        doc = await self.get_json(f"{self.authority}/v2.0/.well-known/openid-configuration")
        expect("discovery issuer", f"{self.authority}/v2.0", doc.get("issuer"))
        keys = (await self.get_json(doc["jwks_uri"])).get("keys") or []
        if not keys:
            raise Mismatch(f"JWKS {doc['jwks_uri']}: expected signing keys, got none")
        odd = [k.get("kid") for k in keys if k.get("kty") != "RSA" or not k.get("kid")]
        expect("JWKS keys that are not RSA with a kid", [], odd)
        return f"issuer and {len(keys)} signing keys"

    async def app_only_token(self) -> str:
        result = await asyncio.to_thread(self._client_credentials)
        if "access_token" not in result:
            raise Mismatch(f"client credentials: expected an access token, got "
                           f"{result.get('error')}: {str(result.get('error_description'))[:200]}")  # fmt: skip
        from backend.obo.exchanger import unverified_claims

        claims = unverified_claims(result["access_token"])
        expect("tid of the app-only token", self.settings.entra_tenant_id, claims.get("tid"))
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
        expect(f"status of POST {self.mcp_url} without a token", 401, answer.status_code)
        expect_in("WWW-Authenticate", "resource_metadata=", challenge)
        return challenge[:80]

    async def protected_resource_metadata(self) -> str:
        """RFC 9728 metadata of the backend this run started: its own URL, this tenant."""
        base = self.mcp_url.removesuffix("/mcp")
        doc = await self.get_json(f"{base}/.well-known/oauth-protected-resource/mcp")
        expect("protected-resource metadata 'resource'", self.mcp_url, doc.get("resource"))
        expect_in(
            "authorization_servers", f"{self.authority}/v2.0", doc.get("authorization_servers")
        )
        return f"resource {doc['resource']}, authorization server {self.authority}/v2.0"

    async def tampered_user_token_is_401(self) -> str:
        token = self._need_user_token()
        head, payload, signature = token.split(".")
        forged = f"{head}.{payload}.{signature[:-4]}AAAA"
        answer = await self.http.post(
            self.mcp_url, json={}, headers={"Authorization": f"Bearer {forged}"}
        )
        expect("status with a tampered signature", 401, answer.status_code)
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
        failed = {c.get("check"): f"expected {c.get('expected')}, got {c.get('actual')}"
                  for c in info.get("checks") or [] if not c.get("ok")}  # fmt: skip
        expect("get_user_info checks that failed", {}, failed)
        expect("get_user_info all_checks_passed", True, info.get("all_checks_passed"))
        return f"all checks passed for {(info.get('user') or {}).get('username')}"

    async def on_behalf_of(self) -> str:
        result = await self.tool("get_azure_ai_search_token")
        aud = (result.get("claims") or {}).get("aud")
        expect_in("audience of the OBO token", aud, (SEARCH_RESOURCE, SEARCH_APP_ID))
        return f"OBO token for Azure AI Search (aud {aud})"

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
            except Mismatch as exc:
                outcomes.append(Outcome(name, "failed", str(exc)[:400]))
            except Exception as exc:  # every failure is reported, none hidden
                outcomes.append(Outcome(name, "failed", f"{type(exc).__name__}: {exc}"[:400]))
    finally:
        await e2e.http.aclose()
    return outcomes


def run_checks(values: dict[str, Any], user_token: str | None) -> list[Outcome]:
    """Start a backend with ``values`` on a free port and run every check against it.

    ``backend_url`` is dropped: the backend serves (and its metadata names) the URL it
    was started on, not the one a profile gives for ``make run``.
    """
    from backend.testing import run_backend

    with run_backend({k: v for k, v in values.items() if k != "backend_url"}) as backend:
        e2e = E2E(backend.state.settings, backend.mcp_url, user_token)
        return asyncio.run(run_all(e2e))


def against_mock() -> list[Outcome]:
    """Every check against an in-process mock (shipped tenant), with alice's real sign-in."""
    from backend.testing import backend_settings_for
    from mock_entra.testing import Tokens, run_mock

    with run_mock() as mock, trusting(mock.ca_bundle):
        token = Tokens(mock).sign_in("alice")["access_token"]
        return run_checks(backend_settings_for(mock), token)


def against_profile(env: dict[str, str]) -> list[Outcome]:
    from backend.settings import load_settings

    os.environ.update(env)
    return run_checks(load_settings().model_dump(), env.get("E2E_USER_TOKEN"))


def report(outcomes: list[Outcome]) -> tuple[int, int, int]:
    for o in outcomes:
        print(f"{o.status:<8} {o.name:<46} {o.detail}")
    counts = [sum(o.status == s for o in outcomes) for s in ("passed", "failed", "skipped")]
    print(f"e2e-real: {counts[0]} passed, {counts[1]} failed, {counts[2]} skipped")
    return counts[0], counts[1], counts[2]


def main() -> int:
    env = load_profile()
    mock = uses_mock(env)
    if mock:
        print("e2e-real: the profile is the mock's (ENTRA_AUTHORITY_HOST is loopback): every "
              "check runs against an in-process mock tenant. For a real tenant, set up .env "
              "as README 'Switching to real Entra' says.")  # fmt: skip
    try:
        outcomes = against_mock() if mock else against_profile(env)
    except SettingsError as exc:
        print(f"e2e-real: {exc}", file=sys.stderr)
        return 2
    _, failed, skipped = report(outcomes)
    # Against the mock nothing may be skipped: CI relies on it running every check.
    return 1 if failed or (mock and skipped) else 0


if __name__ == "__main__":
    sys.exit(main())
