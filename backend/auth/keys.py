"""Signing keys from a tenant's OpenID discovery document and its JWKS, cached.

Entra rolls its signing keys; a resource server must take keys only from the
``jwks_uri`` the discovery document names and refresh when a token names a key it
does not know:
https://learn.microsoft.com/entra/identity-platform/signing-key-rollover

An unknown ``kid`` triggers at most one refresh per ``refresh_interval`` per tenant,
so a stream of tokens with made-up kids cannot turn the API into a JWKS hammer
(scenario D11). A fetch failure keeps the keys already known and rejects anything
else (fail closed, scenario D25).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey

from backend.auth.errors import KeysUnavailable
from entra_kit.trust import tls_context

log = logging.getLogger("backend.auth.keys")

Clock = Callable[[], float]


@dataclass
class _TenantKeys:
    keys: dict[str, RSAKey] = field(default_factory=dict)
    fetched_at: float = float("-inf")
    last_attempt: float = float("-inf")
    lock: asyncio.Lock | None = None


class JwksCache:
    """Keys per tenant, from ``<authority_host>/<tenant>/v2.0/.well-known/openid-configuration``."""

    def __init__(
        self,
        authority_host: str,
        ca_bundle: str | None,
        *,
        refresh_interval: float = 30.0,
        ttl: float = 86400.0,
        timeout: float = 10.0,
        clock: Clock = time.monotonic,
    ) -> None:
        self.authority_host = authority_host.rstrip("/")
        self.ca_bundle = ca_bundle
        self.refresh_interval = refresh_interval
        self.ttl = ttl
        self.timeout = timeout
        self.clock = clock
        self.fetch_count = 0  # JWKS fetches, for tests and metrics (D11)
        self._tenants: dict[str, _TenantKeys] = {}

    def discovery_url(self, tenant_id: str) -> str:
        return f"{self.authority_host}/{tenant_id}/v2.0/.well-known/openid-configuration"

    async def key(self, tenant_id: str, kid: str) -> RSAKey:
        """The key ``kid`` of ``tenant_id``; refreshes (rate-limited) when unknown or stale."""
        entry = self._tenants.setdefault(tenant_id, _TenantKeys())
        now = self.clock()
        known = entry.keys.get(kid)
        if known is not None and now - entry.fetched_at < self.ttl:
            return known
        if entry.lock is None:
            entry.lock = asyncio.Lock()
        async with entry.lock:
            # Another request may have refreshed while this one waited.
            known = entry.keys.get(kid)
            if known is not None and self.clock() - entry.fetched_at < self.ttl:
                return known
            if self.clock() - entry.last_attempt >= self.refresh_interval:
                await self._refresh(tenant_id, entry)
            known = entry.keys.get(kid)
        if known is None:
            raise KeysUnavailable(f"no signing key with kid {kid[:16]!r} for tenant {tenant_id}")
        return known

    async def _refresh(self, tenant_id: str, entry: _TenantKeys) -> None:
        entry.last_attempt = self.clock()
        try:
            keys = await self._fetch(tenant_id)
        except (httpx.HTTPError, ValueError, KeyError, TypeError, JoseError) as exc:
            # Keep what we had: a JWKS outage must not accept more, and an attacker
            # who can break the fetch must not make us forget the real keys.
            log.warning("JWKS refresh for tenant %s failed: %s", tenant_id, type(exc).__name__)
            return
        entry.keys = keys
        entry.fetched_at = self.clock()

    async def _fetch(self, tenant_id: str) -> dict[str, RSAKey]:
        async with httpx.AsyncClient(
            verify=tls_context(self.ca_bundle), timeout=self.timeout, follow_redirects=False
        ) as client:
            doc = await _get_json(client, self.discovery_url(tenant_id))
            jwks_uri = doc["jwks_uri"]
            if not isinstance(jwks_uri, str) or not jwks_uri.startswith("https://"):
                raise ValueError("discovery jwks_uri is not an https URL")
            self.fetch_count += 1
            jwks = await _get_json(client, jwks_uri)
        return parse_jwks(jwks)


async def _get_json(client: httpx.AsyncClient, url: str) -> dict[str, Any]:
    response = await client.get(url, headers={"Accept": "application/json"})
    response.raise_for_status()
    data = response.json()
    if not isinstance(data, dict):
        raise ValueError(f"{url} did not return a JSON object")
    return data


def parse_jwks(jwks: dict[str, Any]) -> dict[str, RSAKey]:
    """RSA signing keys by kid; other key types and encryption keys are ignored."""
    entries = jwks["keys"]
    if not isinstance(entries, list):
        raise ValueError("JWKS 'keys' is not a list")
    keys: dict[str, RSAKey] = {}
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("kty") != "RSA":
            continue
        if entry.get("use", "sig") != "sig" or not isinstance(entry.get("kid"), str):
            continue
        public = {k: entry[k] for k in ("kty", "n", "e", "kid") if k in entry}
        keys[entry["kid"]] = RSAKey.import_key(public)
    if not keys:
        raise ValueError("JWKS holds no RSA signing key")
    return keys
