"""``call`` steps: one request to one layer, as an attacker or a client would send it.

Kinds: ``mcp`` (raw MCP initialize to the backend: header variants, query tokens;
RFC 6750 §2), ``tool`` (an MCP tool over streamable HTTP with a bearer token),
``prm`` (RFC 9728 metadata), ``downstream`` (fake Search / Graph), ``token_endpoint``
(raw form POST; RFC 6749 §4.1.3), ``authorize`` (GET, optionally signing in and
answering consent), ``obo`` (MSAL on-behalf-of), ``frontend`` (a Flask route).
``save: name`` keeps the answer (``name.status``, ``name.json``, ``name.params``,
``name.location``, ``name.result``).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import httpx
from pydantic import Field, RootModel

from entra_kit import shipped_tenant as shipped
from mock_entra.scenarios.keyed import Keyed, Strict, keyed_union
from mock_entra.scenarios.observation import (
    Observation,
    from_exception,
    from_flask,
    from_httpx,
    from_msal,
)
from mock_entra.scenarios.world import World
from mock_entra.testing import FormBrowser, Tokens, user_credentials


class Request(Strict):
    """One kind of call: the value under its key; ``send`` makes the request."""

    key: ClassVar[str]

    def send(self, world: World) -> Observation:
        raise NotImplementedError


class Mcp(Request):
    """``mcp: {token: ...}``: the protected request, with a bearer token, a raw Authorization
    header (``authorization``), other headers or query parameters. To the lab (and any
    MCP target) it is MCP initialize; to another API, the request its target names."""

    key: ClassVar[str] = "mcp"
    token: str | None = None
    authorization: str | None = None
    headers: dict[str, str] = Field(default_factory=dict)
    query: dict[str, Any] | None = None

    def send(self, world: World) -> Observation:
        headers = dict(self.headers)
        if self.token is not None:
            headers["Authorization"] = f"Bearer {self.token}"
        if self.authorization is not None:
            headers["Authorization"] = self.authorization
        obs = from_httpx(world.stack.send_protected(world.backend, headers, self.query))
        world.answered(obs.status, obs.headers.get("www-authenticate"))
        return obs


class Tool(Request):
    """``tool: {name: get_my_profile, token: ..., args: {...}}``: an MCP tool call."""

    key: ClassVar[str] = "tool"
    name: str
    token: str
    args: dict[str, Any] = Field(default_factory=dict)

    def send(self, world: World) -> Observation:
        try:
            return asyncio.run(_call_tool(world.backend.mcp_url, self.token, self.name, self.args))
        except Exception as exc:  # refused at the HTTP layer: the client raises
            obs = from_exception(exc)
            obs.tool_ok = False
            return obs


async def _call_tool(url: str, token: str, name: str, args: dict[str, Any]) -> Observation:
    from fastmcp import Client
    from fastmcp.client.transports import StreamableHttpTransport

    async with Client(StreamableHttpTransport(url, auth=token), timeout=30) as client:
        result = await client.call_tool(name, args, raise_on_error=False)
    if result.is_error:
        text = " ".join(getattr(block, "text", "") for block in result.content)
        return Observation(tool_ok=False, tool_error=text, text=text)
    return Observation(tool_ok=True, tool_result=result.structured_content)


class Prm(Request):
    """``prm: {}``: the backend's protected-resource metadata (RFC 9728)."""

    key: ClassVar[str] = "prm"

    def send(self, world: World) -> Observation:
        with httpx.Client(timeout=20) as client:
            return from_httpx(client.get(world.backend.prm_url))


class Downstream(Request):
    """``downstream: {service: search|graph, token: ...}``: a fake downstream API."""

    key: ClassVar[str] = "downstream"
    service: Literal["search", "graph"]
    token: str | None = None

    def send(self, world: World) -> Observation:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token is not None else {}
        base = world.backend.base_url
        with httpx.Client(timeout=20, headers=headers) as client:
            if self.service == "search":
                url = f"{base}/fake/search/indexes/documents/docs/search?api-version=2024-07-01"
                return from_httpx(client.post(url, json={"search": "*"}))
            return from_httpx(client.get(f"{base}/fake/graph/v1.0/me"))


class TokenEndpoint(Request):
    """``token_endpoint: {redeem: c, form: {...}}``: a raw POST to the token endpoint.

    ``redeem`` starts from the form that redeems a saved code; ``form`` adds or
    replaces fields (``null`` leaves one out); ``raw_body`` sends bytes instead.
    """

    key: ClassVar[str] = "token_endpoint"
    redeem: str | None = None
    form: dict[str, Any] = Field(default_factory=dict)
    tenant: str | None = None
    raw_body: str | None = None
    content_type: str = "application/json"
    basic_auth: tuple[str, str] | None = None

    def send(self, world: World) -> Observation:
        form = _redeem_form(world, self.redeem) if self.redeem is not None else {}
        for name, value in self.form.items():
            if value is None:
                form.pop(name, None)  # null in the file: leave the parameter out
            else:
                form[name] = str(value)
        kwargs: dict[str, Any] = {"data": form}
        if self.raw_body is not None:
            kwargs = {
                "content": self.raw_body.encode(),
                "headers": {"content-type": self.content_type},
            }
        if self.basic_auth is not None:
            kwargs["auth"] = self.basic_auth
        tenant = self.tenant if self.tenant is not None else world.tenant
        with world.stack.http() as client:
            return from_httpx(client.post(f"/{tenant}/oauth2/v2.0/token", **kwargs))


def _redeem_form(world: World, name: str) -> dict[str, Any]:
    code = world.values.lookup(name)
    return {
        "grant_type": "authorization_code",
        "code": code["code"],
        "client_id": shipped.WEB_CLIENT_ID,
        "client_secret": shipped.WEB_CLIENT_SECRET,
        "redirect_uri": code["redirect_uri"],
        "code_verifier": code["verifier"],
        "client_info": "1",
    }


class Authorize(Request):
    """``authorize: {params: {...}, sign_in: alice, consent: decline}``: the authorize
    request; the sign-in and consent pages answered when they come."""

    key: ClassVar[str] = "authorize"
    params: dict[str, Any] = Field(default_factory=dict)
    tenant: str | None = None
    sign_in: str | None = None
    consent: str | None = None

    def send(self, world: World) -> Observation:
        params = {k: v for k, v in self.params.items() if v is not None}
        tenant = self.tenant if self.tenant is not None else world.tenant
        with world.stack.http() as client:
            browser = FormBrowser(client)
            answer = browser.authorize(tenant, **params)
            if self.sign_in is not None and browser.page_kind(answer) == "login":
                answer = browser.sign_in(answer, *user_credentials(self.sign_in))
                if self.consent is not None and browser.page_kind(answer) == "consent":
                    answer = browser.consent(answer, self.consent)
            return from_httpx(answer)


class Obo(Request):
    """``obo: {assertion: ..., scope: ...}``: MSAL's on-behalf-of as the middle tier."""

    key: ClassVar[str] = "obo"
    assertion: str
    scope: str = f"{shipped.SEARCH_RESOURCE}/.default"
    tenant: str | None = None
    client_id: str = shipped.API_CLIENT_ID
    client_secret: str = shipped.API_CLIENT_SECRET

    def send(self, world: World) -> Observation:
        tenant = self.tenant if self.tenant is not None else world.tenant
        tokens = Tokens(world.stack)
        return from_msal(
            tokens.obo(self.assertion, self.scope, self.client_id, self.client_secret, tenant)
        )


class Frontend(Request):
    """``frontend: {path: /chat, method: POST, form: {...}, csrf: true}``: a Flask route,
    in the scenario's browser (``browser`` names another one)."""

    key: ClassVar[str] = "frontend"
    path: str
    method: str = "GET"
    query: dict[str, Any] | str | None = None
    form: dict[str, Any] = Field(default_factory=dict)
    csrf: bool = False
    browser: str = "browser"

    def send(self, world: World) -> Observation:
        client = world.browser(self.browser)
        kwargs: dict[str, Any] = {"query_string": self.query or None}
        form = dict(self.form)
        if self.csrf:
            form["csrf_token"] = world.csrf(client)
        if form:
            kwargs["data"] = form
        return from_flask(client.open(self.path, method=self.method.upper(), **kwargs))


class CallBase(Keyed):
    """A call as written: ``{<kind>: {...}, save: name}``."""

    save: str | None = None

    @property
    def protected(self) -> bool:
        return self.key == "mcp"

    def run(self, world: World, checked: bool) -> Observation:
        request: Request = self.action
        obs = request.send(world)
        if self.save is not None:
            saved = {"status": obs.status, "json": obs.json, "params": obs.params,
                     "location": obs.location, "result": obs.tool_result}  # fmt: skip
            world.values.save(self.save, saved)
        return obs


REQUESTS = (Mcp, Tool, Prm, Downstream, TokenEndpoint, Authorize, Obo, Frontend)
if TYPE_CHECKING:
    AnyCall = CallBase
else:
    AnyCall = keyed_union("call", REQUESTS, CallBase)


class Call(RootModel[AnyCall]):
    """``call: {<kind>: {...}, save: name}``: one request to one layer."""

    key: ClassVar[str] = "call"

    @property
    def protected(self) -> bool:
        return self.root.protected

    def run(self, world: World, checked: bool) -> Observation:
        return self.root.run(world, checked)
