"""The admin API (``/_admin``): the test controls' HTTP edge, documented at ``/_admin/docs``.

Loopback clients only, unless ``MOCK_ENTRA_ADMIN_TOKEN`` is set and presented as a
bearer token: these endpoints can make the mock issue anything.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from mock_entra.admin import control
from mock_entra.admin.controls import AdminControls
from mock_entra.admin.faults import InvalidFault, parse_fault
from mock_entra.admin.tenants import InvalidTenant, TenantConflict
from mock_entra.context import Context, get_context
from mock_entra.errors import OAuthError
from mock_entra.keys import KeyRing

PREFIX = "/_admin"


class AdminError(Exception):
    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status, self.error, self.description = status, error, description

    def response(self) -> JSONResponse:
        return JSONResponse(
            {"error": self.error, "error_description": self.description}, status_code=self.status
        )


def require_admin(request: Request, ctx: Context = Depends(get_context)) -> Context:
    host = request.client.host if request.client else None
    if not control.admin_allowed(ctx, host, request.headers.get("authorization")):
        raise AdminError(
            403,
            "forbidden",
            "The admin API answers loopback clients, or others that present "
            "MOCK_ENTRA_ADMIN_TOKEN as a bearer token.",
        )
    return ctx


def get_admin(request: Request) -> AdminControls:
    admin: AdminControls = request.app.state.admin
    return admin


router = APIRouter(prefix=PREFIX, tags=["admin"], dependencies=[Depends(require_admin)])


def _runtime_tenant_id(ctx: Context, tenant: str) -> str:
    return ctx.tenant(tenant).id  # an unknown tenant answers AADSTS90002


def _logged_tenant_id(ctx: Context, tenant: str) -> str:
    # The log outlives runtime tenants: a deleted tenant's id still filters it.
    try:
        return ctx.tenant(tenant).id
    except OAuthError:
        return tenant.lower()


# -- request log ------------------------------------------------------------------------
@router.get("/requests")
def requests_log(
    tenant: str | None = None,
    client_id: str | None = None,
    limit: int = Query(default=100, ge=1, le=1000),
    admin: AdminControls = Depends(get_admin),
) -> dict[str, Any]:
    """Protocol requests, newest first; parameters that carry credentials are redacted."""
    tid = _logged_tenant_id(admin.ctx, tenant) if tenant else None
    return {"requests": admin.journal.latest(tenant=tid, client_id=client_id, limit=limit)}


@router.post("/reset")
def reset(admin: AdminControls = Depends(get_admin)) -> dict[str, Any]:
    """Forget faults, runtime tenants, clock offsets, codes, sessions, refresh tokens, log."""
    return {"removed": control.reset(admin)}


def _initialised(ctx: Context, tenant_id: str) -> KeyRing:
    # A ring that never signed has no file yet; publishing a "next" key into it would
    # leave it without an active key, so create the active key first.
    ring = ctx.ring(tenant_id)
    ring.keys(ctx.clock())
    return ring


# -- keys -------------------------------------------------------------------------------
@router.post("/tenants/{tenant}/keys/rotate")
async def rotate_keys(tenant: str, ctx: Context = Depends(get_context)) -> dict[str, Any]:
    """Sign with the published next key (or a fresh one); the old key stays published."""
    tid = _runtime_tenant_id(ctx, tenant)
    key = await run_in_threadpool(lambda: _initialised(ctx, tid).rotate(ctx.clock()))
    return {"active": key.kid, **control.key_states(ctx, tid)}


@router.post("/tenants/{tenant}/keys/publish-next")
async def publish_next_key(tenant: str, ctx: Context = Depends(get_context)) -> dict[str, Any]:
    """Publish the key the next rotation will sign with (Entra publishes before it signs)."""
    tid = _runtime_tenant_id(ctx, tenant)
    key = await run_in_threadpool(lambda: _initialised(ctx, tid).publish_next(ctx.clock()))
    return {"next": key.kid, **control.key_states(ctx, tid)}


@router.get("/tenants/{tenant}/keys")
def key_states(tenant: str, ctx: Context = Depends(get_context)) -> dict[str, Any]:
    return control.key_states(ctx, _runtime_tenant_id(ctx, tenant))


# -- tenants ----------------------------------------------------------------------------
@router.get("/tenants")
def list_tenants(admin: AdminControls = Depends(get_admin)) -> dict[str, Any]:
    return {"tenants": control.tenants(admin)}


@router.put("/tenants/{tenant_id}")
def put_tenant(
    tenant_id: str,
    body: Annotated[dict[str, Any], Body(description="One entry of the tenant YAML, as JSON.")],
    admin: AdminControls = Depends(get_admin),
) -> JSONResponse:
    """Create or replace a runtime tenant (shipped tenants cannot be replaced)."""
    try:
        tenant, created = admin.runtime.put(tenant_id, body)
    except InvalidTenant as exc:
        raise AdminError(400, "invalid_tenant", str(exc)) from exc
    except TenantConflict as exc:
        raise AdminError(409, "conflict", str(exc)) from exc
    return JSONResponse(
        {"id": tenant.id, "domain": tenant.domain, "runtime": True},
        status_code=201 if created else 200,
    )


@router.delete("/tenants/{tenant_id}", status_code=204)
def delete_tenant(tenant_id: str, admin: AdminControls = Depends(get_admin)) -> Response:
    if admin.ctx.directory.tenant(tenant_id) is not None:
        raise AdminError(409, "conflict", "shipped tenants cannot be deleted")
    if not admin.runtime.delete(tenant_id):
        raise AdminError(404, "not_found", f"no runtime tenant {tenant_id[:64]}")
    return Response(status_code=204)


@router.get("/tenants/{tenant}/clock")
def get_clock(tenant: str, admin: AdminControls = Depends(get_admin)) -> dict[str, Any]:
    tid = _runtime_tenant_id(admin.ctx, tenant)
    return {"tenant": tid, "offset_seconds": admin.clock_offsets.get(tid)}


@router.put("/tenants/{tenant}/clock")
def put_clock(
    tenant: str,
    offset_seconds: float = Body(embed=True, ge=-10 * 365 * 86400, le=10 * 365 * 86400),
    admin: AdminControls = Depends(get_admin),
) -> dict[str, Any]:
    """Move this tenant's clock: token times, code expiry and assertion checks follow."""
    tid = _runtime_tenant_id(admin.ctx, tenant)
    admin.clock_offsets.set(tid, offset_seconds)
    return {"tenant": tid, "offset_seconds": offset_seconds}


_FAULT_DOC = (
    "Match (tenant, client_id, user, endpoint, grant_type; at least one of tenant, client_id "
    "or user), limits (times, ttl_seconds) and an effect: error, throttle, server_error, "
    "delay, truncate, html, claims, signing or jwks, with its fields."
)
_FAULT_EXAMPLE = {
    "tenant": "contoso.onmicrosoft.com",
    "endpoint": "token",
    "effect": "server_error",
    "status": 503,
    "times": 1,
}


# -- faults -----------------------------------------------------------------------------
@router.post("/faults", status_code=201)
def create_fault(
    body: Annotated[dict[str, Any], Body(description=_FAULT_DOC, examples=[_FAULT_EXAMPLE])],
    admin: AdminControls = Depends(get_admin),
) -> dict[str, Any]:
    try:
        fault = parse_fault(body)
    except InvalidFault as exc:
        raise AdminError(400, "invalid_fault", str(exc)) from exc
    return admin.faults.create(fault)


@router.get("/faults")
def list_faults(admin: AdminControls = Depends(get_admin)) -> dict[str, Any]:
    return {"faults": admin.faults.all()}


@router.get("/faults/{fault_id}")
def get_fault(fault_id: str, admin: AdminControls = Depends(get_admin)) -> dict[str, Any]:
    fault = admin.faults.get(fault_id)
    if fault is None:
        raise AdminError(404, "not_found", f"no fault {fault_id[:64]} (deleted or expired)")
    return fault


@router.delete("/faults/{fault_id}", status_code=204)
def delete_fault(fault_id: str, admin: AdminControls = Depends(get_admin)) -> Response:
    if not admin.faults.delete(fault_id):
        raise AdminError(404, "not_found", f"no fault {fault_id[:64]} (deleted or expired)")
    return Response(status_code=204)
