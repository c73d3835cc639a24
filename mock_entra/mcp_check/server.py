"""What an MCP server tells a client that has no token: its 401 and its protected-resource metadata.

The MCP authorization spec (2025-06-18, 2025-11-25): an unauthenticated request gets 401
with ``WWW-Authenticate: Bearer resource_metadata="..."`` (and ``scope=`` for what to
ask for); the RFC 9728 document there names the ``resource``, the
``authorization_servers`` and the ``scopes_supported``. When the authorization server is
not an Entra authority (an OAuth proxy in front), its RFC 8414 metadata is read too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from mock_entra.scenarios.mcp import INITIALIZE, MCP_HEADERS

_PARAM = re.compile(r'(\w+)="([^"]*)"')
# What a client sends first: MCP initialize over streamable HTTP (the runner's request).
HEADERS = {**MCP_HEADERS, "MCP-Protocol-Version": "2025-06-18"}  # INITIALIZE's version


class ServerUnreachable(Exception):
    """The server or its metadata cannot be read; the message says where it stopped."""


@dataclass(frozen=True)
class ServerFacts:
    url: str
    status: int  # of the unauthenticated request (401 expected)
    challenge: dict[str, str]  # the Bearer challenge's parameters
    metadata_url: str
    prm: dict[str, Any]
    authorization_server: dict[str, Any] | None = None  # RFC 8414 metadata of a non-Entra AS

    @property
    def resource(self) -> str | None:
        value = self.prm.get("resource")
        return value if isinstance(value, str) else None

    @property
    def authorization_servers(self) -> list[str]:
        return [s for s in self.prm.get("authorization_servers") or [] if isinstance(s, str)]

    @property
    def scopes_supported(self) -> list[str]:
        return [s for s in self.prm.get("scopes_supported") or [] if isinstance(s, str)]


def challenge_params(header: str) -> dict[str, str]:
    """``Bearer a="1", b="2"`` -> {"a": "1", "b": "2"} (RFC 6750 §3 auth-params)."""
    return dict(_PARAM.findall(header))


def well_known_metadata_url(url: str) -> str:
    """RFC 9728 §3.1: ``/.well-known/oauth-protected-resource`` between host and path."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/.well-known/oauth-protected-resource{parts.path.rstrip('/')}"


def _json(http: httpx.Client, url: str, what: str) -> dict[str, Any]:
    try:
        answer = http.get(url)
    except httpx.HTTPError as exc:
        raise ServerUnreachable(f"{what} at {url}: {exc}") from exc
    if answer.status_code != 200:
        raise ServerUnreachable(f"{what} at {url}: HTTP {answer.status_code}")
    try:
        document = answer.json()
    except ValueError as exc:
        raise ServerUnreachable(f"{what} at {url}: not JSON") from exc
    if not isinstance(document, dict):
        raise ServerUnreachable(f"{what} at {url}: not a JSON object")
    return document


def looks_like_entra(authority: str) -> bool:
    """An Entra (or mock) v2 authority: ``https://<host>/<tenant>/v2.0``."""
    parts = urlsplit(authority)
    segments = [s for s in parts.path.split("/") if s]
    return parts.scheme == "https" and len(segments) == 2 and segments[1] == "v2.0"


def read_server(url: str, http: httpx.Client) -> ServerFacts:
    """The server's answer to a client without a token, and the metadata it points to."""
    try:
        first = http.post(url, json=INITIALIZE, headers=HEADERS)
    except httpx.HTTPError as exc:
        raise ServerUnreachable(f"the MCP server at {url}: {exc}") from exc
    challenge = challenge_params(first.headers.get("www-authenticate", ""))
    metadata_url = challenge.get("resource_metadata") or well_known_metadata_url(url)
    prm = _json(http, metadata_url, "protected-resource metadata")
    servers = [s for s in prm.get("authorization_servers") or [] if isinstance(s, str)]
    server_metadata = None
    if servers and not looks_like_entra(servers[0]):
        parts = urlsplit(servers[0])
        path = parts.path.rstrip("/")
        asm_url = f"{parts.scheme}://{parts.netloc}/.well-known/oauth-authorization-server{path}"
        server_metadata = _json(http, asm_url, "authorization server metadata")
    return ServerFacts(url, first.status_code, challenge, metadata_url, prm, server_metadata)
