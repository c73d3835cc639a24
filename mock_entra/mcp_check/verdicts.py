"""Each client behaviour, judged: "works on Entra" or "fails on Entra (with AADSTSnnnn)", and the fix.

Sign-ins are sent to the mock, in process, serving the tenant file the server trusts:
its ``/authorize`` refuses what Entra refuses before anyone signs in (an unknown scope,
a ``resource`` that is not an identifier URI of the scopes' app). What no request can
show (Entra publishes no ``code_challenge_methods_supported`` and no registration
endpoint) is stated from Entra's discovery, with its sources. ``server_side`` marks
what the server's owner can fix: only those set the exit status.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

from fastapi.testclient import TestClient

from mock_entra.authorize.pages import ERROR_HEADER, REQUEST_ID_HEADER
from mock_entra.errors import OAuthError
from mock_entra.mcp_check.clients import ClientRequest
from mock_entra.resource_indicator import check_resource
from mock_entra.tenant.application import Application
from mock_entra.tenant.model import Tenant

_AADSTS = re.compile(r"AADSTS(\d+)")
# Any S256 challenge of the right shape: the request is judged before PKCE is used.
_CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


@dataclass(frozen=True)
class Verdict:
    behaviour: str
    works: bool
    detail: str = ""
    fix: str = ""
    aadsts: int | None = None
    server_side: bool = True

    @property
    def label(self) -> str:
        if self.works:
            return "works on Entra"
        return f"fails on Entra with AADSTS{self.aadsts}" if self.aadsts else "fails on Entra"


@dataclass(frozen=True)
class Registration:
    """The tenant and the pre-registered client the sign-ins are made as."""

    tenant: Tenant
    client: Application
    redirect_uri: str
    api: Application | None  # the app owning the advertised scopes, if any


def _answer(response: object) -> tuple[bool, int | None, str]:
    """(sign-in page reached, AADSTS code, error text) of ``/authorize``'s answer."""
    status = getattr(response, "status_code", 0)
    headers = getattr(response, "headers", {})
    if status == 200 and REQUEST_ID_HEADER.lower() in headers:
        return True, None, ""
    if status in (302, 303):
        query = parse_qs(urlsplit(headers["location"]).query)
        text = (query.get("error_description") or query.get("error") or [""])[0]
    else:
        text = headers.get(ERROR_HEADER, f"HTTP {status}")
    found = _AADSTS.search(text)
    return False, int(found.group(1)) if found else None, text.split(" Trace ID:")[0]


def sign_in(mock: TestClient, reg: Registration, request: ClientRequest) -> Verdict:
    """Send ``request`` as the registered client to the mock's v2 ``/authorize``."""
    params = {"client_id": reg.client.client_id, "response_type": "code",
              "redirect_uri": reg.redirect_uri, "scope": request.scope, "state": "check",
              "code_challenge": _CHALLENGE, "code_challenge_method": "S256"}  # fmt: skip
    if request.resource is not None:
        params["resource"] = request.resource
    works, aadsts, text = _answer(
        mock.get(f"/{reg.tenant.id}/oauth2/v2.0/authorize?{urlencode(params)}")
    )
    sent = f"resource={request.resource or '(none)'} scope={request.scope}"
    behaviour = f"sign-in: {request.client}"
    if works:
        return Verdict(behaviour, True, sent)
    return Verdict(behaviour, False, f"{sent}\n{text}", _sign_in_fix(aadsts, request, reg), aadsts)


def _sign_in_fix(aadsts: int | None, request: ClientRequest, reg: Registration) -> str:
    owner = f"{reg.api.name} ({reg.api.client_id})" if reg.api else "the API app"
    if aadsts == 9010010:
        https = "" if (request.resource or "").startswith("https://") else (
            "serve the server at an https URL on a verified domain of the tenant, then "
        )  # fmt: skip
        return (
            f"{https}make the resource an identifier URI of {owner}, byte for byte (a trailing "
            "slash counts), and advertise the scopes as <that URI>/<scope> (Microsoft's "
            "recommended set-up); or put an OAuth proxy in front (FastMCP AzureProvider)"
        )
    if aadsts in (500011, 70011):
        return "advertise scopes of an app registered in the tenant, as <identifier URI>/<scope>"
    return "see the error above: the tenant's registration or the client's settings"


def silent_refresh(reg: Registration, request: ClientRequest) -> Verdict:
    """A refresh as the MCP python SDK sends it: ``resource``, no ``scope`` (python-sdk#2578)."""
    behaviour = "silent refresh with resource and no scope (the MCP python SDK's)"
    if request.resource is None:
        return Verdict(behaviour, True, server_side=False)
    try:
        check_resource(reg.tenant, request.resource, "openid offline_access")
    except OAuthError as exc:
        fix = ("send scope on refresh, or retry it without resource (python-sdk#2853); "
               "until then the client signs in again when its token expires")  # fmt: skip
        return Verdict(behaviour, False, exc.description, fix, exc.aadsts, server_side=False)
    return Verdict(behaviour, True, server_side=False)
