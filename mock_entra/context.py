"""Everything a request handler needs, built once per app: tenants, store, keys, clock, controls."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from fastapi import Request

from entra_kit import issuers
from mock_entra.clock import Clock, system_clock
from mock_entra.controls import Controls, NoControls
from mock_entra.errors import InvalidRequest
from mock_entra.keys import KeyRing, KeyStore
from mock_entra.settings import MockSettings
from mock_entra.store.choose import open_store
from mock_entra.store.engine import Store
from mock_entra.tenant.model import Directory, Tenant


@dataclass
class Context:
    settings: MockSettings
    directory: Directory
    store: Store
    keys: KeyStore
    # Settable: ``RunningMock.shifted_clock`` swaps it for a block.
    clock: Clock = field(default=system_clock)
    # The test controls (the app factory wires in the admin API's); none by default.
    controls: Controls = field(default_factory=NoControls)

    @classmethod
    def create(
        cls, settings: MockSettings, directory: Directory, clock: Clock = system_clock
    ) -> Context:
        store = open_store(settings)
        return cls(settings, directory, store, KeyStore(Path(settings.state_dir)), clock)

    # -- time ------------------------------------------------------------------------
    def now(self) -> float:
        # The controls can move one tenant's clock: everything a request for that
        # tenant does (token times, code expiry, assertion checks) sees the shifted time.
        return self.clock() + self.controls.clock_offset()

    def now_dt(self) -> datetime:
        return datetime.fromtimestamp(self.now(), tz=UTC)

    # -- tenants and issuers ---------------------------------------------------------
    @property
    def base_url(self) -> str:
        return self.settings.base_url

    def tenant(self, id_or_domain: str) -> Tenant:
        """The tenant a path names, or Entra's AADSTS90002 answer."""
        tenant = self.directory.view(id_or_domain) or self.controls.runtime_tenant(id_or_domain)
        if tenant is None:
            raise InvalidRequest(
                90002,
                f"Tenant '{id_or_domain[:64]}' not found. Check to make sure you have the "
                "correct tenant ID and are signing into the correct cloud.",
            )
        return tenant

    def all_tenants(self) -> list[Tenant]:
        """Shipped tenants and the runtime ones every worker shares."""
        return [*self.directory.tenants, *self.controls.runtime_tenants()]

    def issuer_v2(self, tenant_id: str) -> str:
        return issuers.issuer_v2(self.base_url, tenant_id)

    def issuer_v1(self, tenant_id: str) -> str:
        return issuers.issuer_v1(tenant_id)

    def issuer_for(self, tenant_id: str, version: int) -> str:
        return self.issuer_v1(tenant_id) if version == 1 else self.issuer_v2(tenant_id)

    def endpoint(self, tenant_id: str, path: str) -> str:
        return f"{self.base_url}/{tenant_id}/{path.lstrip('/')}"

    def ring(self, tenant_id: str) -> KeyRing:
        return self.keys.ring(tenant_id)


def get_context(request: Request) -> Context:
    ctx: Context = request.app.state.ctx
    return ctx
