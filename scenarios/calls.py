"""``call`` steps: one request to one layer, as an attacker or a client would send it.

Kinds: ``mcp`` (raw MCP initialize to the backend: header variants, query tokens;
RFC 6750 §2), ``tool`` (an MCP tool over streamable HTTP with a bearer token),
``prm`` (RFC 9728 metadata), ``downstream`` (fake Search / Graph), ``token_endpoint``
(raw form POST; RFC 6749 §4.1.3), ``authorize`` (GET, optionally signing in and
answering consent), ``obo`` (MSAL on-behalf-of), ``frontend`` (a Flask route).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import httpx

from backend.testing import MCP_HEADERS, initialize_message
from scenarios import flows
from scenarios.observation import Observation, from_exception, from_flask, from_httpx, from_msal

if TYPE_CHECKING:
    from scenarios.runner import ScenarioRun

INITIALIZE = initialize_message("scenarios")


def _mcp(run: ScenarioRun, spec: dict[str, Any]) -> Observation:
    headers = dict(MCP_HEADERS, **spec.get("headers", {}))
    if "token" in spec:
        headers["Authorization"] = f"Bearer {spec['token']}"
    if "authorization" in spec:
        headers["Authorization"] = str(spec["authorization"])
    url = run.backend.mcp_url
    if spec.get("query"):
        url += "?" + urlencode(spec["query"])
    with httpx.Client(timeout=20) as client:
        return from_httpx(client.post(url, json=INITIALIZE, headers=headers))


async def _call_tool(url: str, token: str, name: str, args: dict[str, Any]) -> Observation:
    from fastmcp import Client
    from fastmcp.client.transports import StreamableHttpTransport

    async with Client(StreamableHttpTransport(url, auth=token), timeout=30) as client:
        result = await client.call_tool(name, args, raise_on_error=False)
    if result.is_error:
        text = " ".join(getattr(block, "text", "") for block in result.content)
        return Observation(tool_ok=False, tool_error=text, text=text)
    return Observation(tool_ok=True, tool_result=result.structured_content)


def _tool(run: ScenarioRun, spec: dict[str, Any]) -> Observation:
    try:
        return asyncio.run(
            _call_tool(run.backend.mcp_url, str(spec["token"]), spec["name"], spec.get("args", {}))
        )
    except Exception as exc:  # refused at the HTTP layer: the client raises
        obs = from_exception(exc)
        obs.tool_ok = False
        return obs


def _prm(run: ScenarioRun, spec: dict[str, Any]) -> Observation:
    with httpx.Client(timeout=20) as client:
        return from_httpx(client.get(run.backend.prm_url))


def _downstream(run: ScenarioRun, spec: dict[str, Any]) -> Observation:
    headers = {}
    if "token" in spec:
        headers["Authorization"] = f"Bearer {spec['token']}"
    base = run.backend.base_url
    with httpx.Client(timeout=20, headers=headers) as client:
        if spec["service"] == "search":
            url = f"{base}/fake/search/indexes/documents/docs/search?api-version=2024-07-01"
            return from_httpx(client.post(url, json={"search": "*"}))
        return from_httpx(client.get(f"{base}/fake/graph/v1.0/me"))


def _redeem_form(run: ScenarioRun, name: str) -> dict[str, Any]:
    code = run.values.lookup(name)
    return {
        "grant_type": "authorization_code",
        "code": code["code"],
        "client_id": flows.WEB_CLIENT_ID,
        "client_secret": flows.WEB_CLIENT_SECRET,
        "redirect_uri": code["redirect_uri"],
        "code_verifier": code["verifier"],
        "client_info": "1",
    }


def _token_endpoint(run: ScenarioRun, spec: dict[str, Any]) -> Observation:
    form: dict[str, Any] = _redeem_form(run, spec["redeem"]) if "redeem" in spec else {}
    for key, value in dict(spec.get("form", {})).items():
        if value is None:
            form.pop(key, None)  # null in the file: leave the parameter out
        else:
            form[key] = str(value)
    tenant = spec.get("tenant", run.tenant)
    kwargs: dict[str, Any] = {}
    if "raw_body" in spec:
        kwargs["content"] = str(spec["raw_body"]).encode()
        kwargs["headers"] = {"content-type": spec.get("content_type", "application/json")}
    else:
        kwargs["data"] = form
    if "basic_auth" in spec:
        kwargs["auth"] = tuple(spec["basic_auth"])
    with run.stack.http() as client:
        return from_httpx(client.post(f"/{tenant}/oauth2/v2.0/token", **kwargs))


def _authorize(run: ScenarioRun, spec: dict[str, Any]) -> Observation:
    params = {k: v for k, v in dict(spec.get("params", {})).items() if v is not None}
    tenant = spec.get("tenant", run.tenant)
    with run.stack.http() as client:
        answer = client.get(f"/{tenant}/oauth2/v2.0/authorize", params=params)
        if "sign_in" in spec and "x-mock-entra-request-id" in answer.headers:
            from mock_entra.testing.browser import FormBrowser

            browser = FormBrowser(client)
            user = str(spec["sign_in"])
            answer = browser.sign_in(
                answer, f"{user}@{flows.DOMAIN}", flows.PASSWORDS.get(user, user)
            )
            if "consent" in spec and "x-mock-entra-request-id" in answer.headers:
                answer = browser.consent(answer, str(spec["consent"]))
        return from_httpx(answer)


def _obo(run: ScenarioRun, spec: dict[str, Any]) -> Observation:
    result = flows.obo(
        run.stack,
        str(spec.get("tenant", run.tenant)),
        str(spec["assertion"]),
        str(spec.get("scope", "https://search.azure.com/.default")),
        str(spec.get("client_id", flows.API_CLIENT_ID)),
        str(spec.get("client_secret", flows.API_SECRET)),
    )
    return from_msal(result)


def _frontend(run: ScenarioRun, spec: dict[str, Any]) -> Observation:
    client = run.browser(str(spec.get("browser", "browser")))
    method = str(spec.get("method", "GET")).upper()
    kwargs: dict[str, Any] = {"query_string": spec.get("query") or None}
    form = dict(spec.get("form", {}))
    if spec.get("csrf"):
        form["csrf_token"] = run.csrf(client)
    if form:
        kwargs["data"] = form
    return from_flask(client.open(str(spec["path"]), method=method, **kwargs))


CALLS: dict[str, Callable[[ScenarioRun, dict[str, Any]], Observation]] = {
    "mcp": _mcp,
    "tool": _tool,
    "prm": _prm,
    "downstream": _downstream,
    "token_endpoint": _token_endpoint,
    "authorize": _authorize,
    "obo": _obo,
    "frontend": _frontend,
}


def perform_call(run: ScenarioRun, call: dict[str, Any]) -> Observation:
    """Run the call; ``save: name`` keeps its answer (``name.json``, ``name.params`` ...)."""
    kinds = [k for k in call if k in CALLS]
    if len(kinds) != 1 or set(call) - {kinds[0], "save"}:
        raise ValueError(f"call needs exactly one of {', '.join(CALLS)}; got {sorted(call)}")
    obs = CALLS[kinds[0]](run, call[kinds[0]] or {})
    if "save" in call:
        saved = {"status": obs.status, "json": obs.json, "params": obs.params,
                 "location": obs.location, "result": obs.tool_result}  # fmt: skip
        run.values.save(str(call["save"]), saved)
    return obs
