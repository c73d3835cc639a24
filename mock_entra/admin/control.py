"""The admin operations, free of HTTP: access check, reset, keys, tenants listing."""

from __future__ import annotations

import hmac
import ipaddress
from typing import TYPE_CHECKING, Any

from mock_entra.admin.faults import FAULT
from mock_entra.admin.journal import REQUEST
from mock_entra.admin.tenants import CLOCK, TENANT, TENANT_DOMAIN
from mock_entra.records.registry import RECORD_KINDS

if TYPE_CHECKING:
    from mock_entra.admin.controls import AdminControls
    from mock_entra.context import Context

# The test controls' own kinds; a reset forgets them and every record the flows left
# behind (codes, refresh tokens, sign-in sessions, pending sign-ins, consents, jtis).
CONTROL_KINDS = (TENANT, TENANT_DOMAIN, FAULT, CLOCK, REQUEST)


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    try:
        address = ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return host == "localhost"
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_loopback


def admin_allowed(ctx: Context, client_host: str | None, authorization: str | None) -> bool:
    """Loopback clients always; others only with the configured admin bearer token."""
    if is_loopback(client_host):
        return True
    expected = ctx.settings.admin_token
    if not expected or not authorization:
        return False
    scheme, _, presented = authorization.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        presented.strip().encode(), expected.encode()
    )


def reset(admin: AdminControls) -> dict[str, int]:
    """Back to the start: shipped tenants and keys stay, everything else goes."""
    store = admin.ctx.store
    removed = {"runtime_tenants": 0}
    admin.journal.flush()  # so that nothing this worker logged before the reset lands after it
    for tenant_id in admin.runtime.ids():
        if admin.runtime.delete(tenant_id):
            removed["runtime_tenants"] += 1
            admin.ctx.keys.forget(tenant_id)
    for kind in CONTROL_KINDS:
        removed[kind] = store.delete_kind(kind)
    for record in RECORD_KINDS:
        removed[record.KIND] = record.forget_all(store)
    return removed


def key_states(ctx: Context, tenant_id: str) -> dict[str, Any]:
    keys = ctx.ring(tenant_id).keys(ctx.clock())
    return {
        "tenant": tenant_id,
        "keys": [{"kid": k.kid, "state": k.state, "created": k.created} for k in keys],
    }


def tenants(admin: AdminControls) -> list[dict[str, Any]]:
    shipped = [
        {"id": t.id, "domain": t.domain, "runtime": False} for t in admin.ctx.directory.tenants
    ]
    runtime = [{"id": t.id, "domain": t.domain, "runtime": True} for t in admin.runtime_tenants()]
    return shipped + runtime
