"""The admin API's test controls, as the protocol code receives them (``mock_entra.controls``).

One object per app, built by the app factory and set as ``Context.controls``: the
faults, the runtime tenants, the per-tenant clocks and the request log, all in
the shared store so every worker sees the same state. What the current request
is about (its tenant's clock offset, the faults it already spent) comes from the
request scope the control middleware sets.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from mock_entra.admin import request_scope
from mock_entra.admin.effects import broken_jwks
from mock_entra.admin.faults import FaultStore
from mock_entra.admin.journal import Journal
from mock_entra.admin.tenants import ClockOffsets, RuntimeTenants
from mock_entra.admin.tokens import apply_token_faults
from mock_entra.controls import UnsignedToken

if TYPE_CHECKING:
    from starlette.responses import Response

    from mock_entra.context import Context
    from mock_entra.tenant.model import Tenant


class AdminControls:
    def __init__(self, ctx: Context) -> None:
        # Each store reads the context's clock when it runs: ``shifted_clock`` swaps it.
        def clock() -> float:
            return ctx.clock()

        self.ctx = ctx
        self.runtime = RuntimeTenants(ctx.store, ctx.directory, clock)
        self.clock_offsets = ClockOffsets(ctx.store, clock)
        self.journal = Journal(ctx.store, clock)  # this process's log: one batched writer
        self.faults = FaultStore(ctx.store, clock, lambda t: ctx.tenant(t).id)

    @classmethod
    def install(cls, ctx: Context) -> AdminControls:
        """Make these the controls ``ctx``'s protocol code receives."""
        controls = cls(ctx)
        ctx.controls = controls
        return controls

    # -- mock_entra.controls.Controls --------------------------------------------------
    # The request scope's own reader: ``Context.now()`` asks several times a request.
    clock_offset = staticmethod(request_scope.clock_offset)

    def runtime_tenant(self, id_or_domain: str) -> Tenant | None:
        return self.runtime.find(id_or_domain)

    def runtime_tenants(self) -> list[Tenant]:
        found = (self.runtime.find(tenant_id) for tenant_id in self.runtime.ids())
        return [tenant for tenant in found if tenant is not None]

    def before_signing(self, token: UnsignedToken) -> UnsignedToken:
        return apply_token_faults(self.faults, token)

    def jwks_override(self, document: dict[str, Any]) -> Response | None:
        return broken_jwks(self.faults, self._now, document)

    def _now(self) -> datetime:
        return self.ctx.now_dt()
