"""What a step saw: one shape for HTTP answers, Flask answers, MSAL results and tool calls,
so every expectation reads the same fields whatever the layer.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import httpx

from mock_entra.testing.browser import hidden_fields, redirect_params

_AADSTS = re.compile(r"AADSTS(\d+)")


@dataclass
class Observation:
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    set_cookies: list[str] = field(default_factory=list)
    text: str = ""
    json: Any = None
    location: str | None = None
    # What reached a redirect URI (query or form_post fields), or an MSAL result's fields.
    params: dict[str, Any] = field(default_factory=dict)
    tool_ok: bool | None = None
    tool_result: Any = None
    tool_error: str = ""

    def oauth_error(self) -> dict[str, Any]:
        """``error``, ``aadsts`` (first code), ``suberror`` from wherever the answer put them."""
        source: dict[str, Any] = {}
        if isinstance(self.json, dict) and "error" in self.json:
            source = self.json
        elif "error" in self.params:
            source = self.params
        codes = source.get("error_codes") or []
        aadsts = codes[0] if codes else None
        if aadsts is None:
            found = _AADSTS.search(str(source.get("error_description", "")))
            aadsts = int(found.group(1)) if found else None
        error = source.get("error")
        page = self.headers.get("x-mock-entra-error")  # the mock's error page names both
        if error is None and page:
            error, _, code = page.partition(" AADSTS")
            aadsts = int(code) if code.isdigit() else aadsts
        if aadsts is None and self.tool_error:
            found = _AADSTS.search(self.tool_error)
            aadsts = int(found.group(1)) if found else None
        return {"error": error, "aadsts": aadsts, "suberror": source.get("suberror")}


def _json_or_none(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def from_httpx(response: httpx.Response) -> Observation:
    location = response.headers.get("location")
    params = redirect_params(location) if location else {}
    if not params and response.status_code == 200 and 'method="post"' in response.text:
        params = hidden_fields(response.text)
    return Observation(
        status=response.status_code,
        headers={k.lower(): v for k, v in response.headers.items()},
        set_cookies=response.headers.get_list("set-cookie"),
        text=response.text,
        json=_json_or_none(response.text),
        location=location,
        params=params,
    )


def from_flask(response: Any) -> Observation:
    text = response.get_data(as_text=True)
    location = response.headers.get("Location")
    return Observation(
        status=response.status_code,
        headers={k.lower(): v for k, v in response.headers.items()},
        set_cookies=response.headers.getlist("Set-Cookie"),
        text=text,
        json=_json_or_none(text) if response.mimetype == "application/json" else None,
        location=location,
        params=redirect_params(location) if location else {},
    )


def from_msal(result: dict[str, Any] | None) -> Observation:
    """An MSAL result: success has ``access_token``; failure keeps Entra's fields (4xx)."""
    result = dict(result or {})
    fields = {k: v for k, v in result.items() if not k.startswith("_")}
    ok = "access_token" in fields
    return Observation(status=200 if ok else None, json=fields, params={}, text="")


def from_exception(exc: BaseException) -> Observation:
    # The exception's text only: MSAL and httpx never put tokens in their messages.
    return Observation(text=f"{type(exc).__name__}: {exc}"[:2000], tool_error=str(exc)[:2000])
