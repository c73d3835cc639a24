"""Tenants created at run time (``PUT /_admin/tenants/{id}``) and per-tenant clock offsets.

Both live in the shared store so every worker sees them. A runtime tenant has the
schema of one entry of the tenant YAML; the shipped tenants cannot be replaced or
deleted (tests that need a variant create their own tenant instead).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from entra_kit.ids import as_guid
from entra_kit.settings import first_error
from mock_entra.store.engine import Store
from mock_entra.tenant.model import Directory, Tenant

TENANT = "tenant"
TENANT_DOMAIN = "tenant_domain"
CLOCK = "clock"
# Runtime state lasts until reset or deletion; the store wants an expiry all the same.
FOREVER = 10 * 365 * 24 * 3600.0


class TenantConflict(ValueError):
    """The id or domain belongs to a shipped tenant or to another runtime tenant."""


class InvalidTenant(ValueError):
    """The body is not a valid tenant; the message is one line naming the field."""


class RuntimeTenants:
    """Lookup and maintenance of runtime tenants, with a per-process parse cache."""

    def __init__(self, store: Store, directory: Directory, clock: Callable[[], float]) -> None:
        self.store = store
        self.directory = directory
        self.clock = clock
        self._lock = threading.Lock()
        # Validating a tenant costs far more than reading it: parse each version once.
        self._parsed: dict[str, tuple[dict[str, Any], Tenant]] = {}

    def find(self, id_or_domain: str) -> Tenant | None:
        now = self.clock()
        tid = as_guid(id_or_domain)
        if tid is None:
            ref = self.store.get(TENANT_DOMAIN, id_or_domain.lower(), now)
            tid = ref["id"] if ref else None
        raw = self.store.get(TENANT, tid, now) if tid else None
        if raw is None:
            return None
        with self._lock:
            cached = self._parsed.get(raw["id"])
            if cached is not None and cached[0] == raw:
                return cached[1]
        tenant = Tenant.model_validate(raw)
        with self._lock:
            self._parsed[tenant.id] = (raw, tenant)
        return tenant

    def ids(self) -> list[str]:
        return sorted(key for key, _ in self.store.items(TENANT, self.clock()))

    def put(self, tenant_id: str, body: dict[str, Any]) -> tuple[Tenant, bool]:
        """Create or replace; returns the tenant and whether it was new."""
        body = {**body, "id": body.get("id", tenant_id)}
        try:
            tenant = Tenant.model_validate(body)
        except ValidationError as exc:
            raise InvalidTenant(": ".join(first_error(exc, with_count=True))) from exc
        if tenant.id != as_guid(tenant_id):
            raise InvalidTenant(f"id: {tenant.id} differs from the path's tenant id")
        shipped = self.directory.tenant(tenant.id) or self.directory.tenant(tenant.domain)
        if shipped is not None:
            raise TenantConflict(f"{shipped.domain} is a shipped tenant; create another id")
        now = self.clock()
        owner = self.store.get(TENANT_DOMAIN, tenant.domain.lower(), now)
        if owner is not None and owner["id"] != tenant.id:
            raise TenantConflict(f"domain {tenant.domain} belongs to runtime tenant {owner['id']}")
        previous = self.store.get(TENANT, tenant.id, now)
        if previous is not None and previous["domain"].lower() != tenant.domain.lower():
            self.store.delete(TENANT_DOMAIN, previous["domain"].lower())
        self.store.put(TENANT, tenant.id, tenant.model_dump(mode="json"), now + FOREVER)
        self.store.put(TENANT_DOMAIN, tenant.domain.lower(), {"id": tenant.id}, now + FOREVER)
        return tenant, previous is None

    def delete(self, tenant_id: str) -> bool:
        raw = self.store.get(TENANT, as_guid(tenant_id) or "", self.clock())
        if raw is None:
            return False
        self.store.delete(TENANT_DOMAIN, raw["domain"].lower())
        self.store.delete(TENANT, raw["id"])
        self.store.delete(CLOCK, raw["id"])
        return True


class ClockOffsets:
    """Seconds each tenant's clock runs ahead (or behind, negative) of the real one."""

    def __init__(self, store: Store, clock: Callable[[], float]) -> None:
        self.store = store
        self.clock = clock

    def get(self, tenant_id: str) -> float:
        value = self.store.get(CLOCK, tenant_id, self.clock())
        return float(value["offset_seconds"]) if value else 0.0

    def set(self, tenant_id: str, offset: float) -> None:
        if offset == 0:
            self.store.delete(CLOCK, tenant_id)
        else:
            self.store.put(CLOCK, tenant_id, {"offset_seconds": offset}, self.clock() + FOREVER)
