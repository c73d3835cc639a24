"""Calls from the tools to Azure AI Search and Microsoft Graph with an OBO token.

A downstream refusal is reported, never retried, and never retried with the inbound
token (scenario E11: passing the user's token through would be token passthrough).
"""

from __future__ import annotations

import logging
from typing import Any

import httpx

from entra_kit.trust import tls_context

log = logging.getLogger("backend.downstream")

SEARCH_API_VERSION = "2024-07-01"


class DownstreamError(Exception):
    """A downstream API could not be reached or refused the call; the text is shown as is.

    Not an OBO failure: the exchange succeeded, the service behind it said no.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class DownstreamClient:
    def __init__(
        self, search_url: str, graph_url: str, ca_bundle: str | None, timeout: float = 15.0
    ) -> None:
        self.search_url = search_url.rstrip("/")
        self.graph_url = graph_url.rstrip("/")
        self.ca_bundle = ca_bundle
        self.timeout = timeout

    async def _call(
        self, service: str, method: str, url: str, token: str, json: Any = None
    ) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        try:
            async with httpx.AsyncClient(
                verify=tls_context(self.ca_bundle), timeout=self.timeout
            ) as client:
                response = await client.request(method, url, headers=headers, json=json)
        except httpx.HTTPError as exc:
            log.warning("%s unreachable: %s", service, type(exc).__name__)
            raise DownstreamError(f"{service} could not be reached.") from exc
        if response.status_code >= 400:
            raise DownstreamError(_describe(service, response))
        data = response.json()
        if not isinstance(data, dict):
            raise DownstreamError(f"{service} returned an unexpected answer.")
        return data

    async def search(self, index: str, query: str, token: str) -> dict[str, Any]:
        url = f"{self.search_url}/indexes/{index}/docs/search?api-version={SEARCH_API_VERSION}"
        return await self._call("Azure AI Search", "POST", url, token, {"search": query})

    async def me(self, token: str) -> dict[str, Any]:
        return await self._call("Microsoft Graph", "GET", f"{self.graph_url}/v1.0/me", token)


def _describe(service: str, response: httpx.Response) -> str:
    message = ""
    try:
        error = response.json().get("error", {})
        message = str(error.get("message", ""))[:200] if isinstance(error, dict) else ""
    except ValueError:
        pass
    detail = f": {message}" if message else ""
    return f"{service} refused the request (HTTP {response.status_code}){detail}."
