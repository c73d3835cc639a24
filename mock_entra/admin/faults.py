"""Scoped faults: what to break, for whom, how often, and for how long.

A fault matches a request on any of tenant, client, user (UPN or oid), endpoint and
grant type, and must name at least one of tenant, client or user: a fault without
a scope would leak into every other test using the same mock. Faults live in the
shared store; matching reads this worker's copy of them (``shared.SharedControls``,
reloaded when any worker changes a fault), and ``times`` is spent atomically in the
store, so two workers never overspend it.

Effects act at one of three stages: the HTTP response (errors, throttling, 5xx,
delay, broken bodies), token signing (claim overrides, signing keys) and the
JWKS document.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

from entra_kit.settings import first_error
from mock_entra.admin.request_scope import Endpoint, RequestScope
from mock_entra.admin.shared import FAULT, SharedControls
from mock_entra.store.engine import Store

__all__ = ["FAULT", "Fault", "FaultStore", "InvalidFault", "matches", "parse_fault"]
# A fault without ttl_seconds stays until deleted, reset or used up.
DEFAULT_TTL = 24 * 3600.0


class _Fault(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    tenant: str | None = None
    client_id: str | None = None
    user: str | None = None  # UPN or object id
    endpoint: Endpoint | None = None
    grant_type: str | None = None
    times: int | None = Field(default=None, ge=1)
    ttl_seconds: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _scoped(self) -> _Fault:
        if not (self.tenant or self.client_id or self.user):
            raise ValueError(
                "a fault needs a scope: set tenant, client_id or user, so it cannot leak "
                "into other tests"
            )
        return self


class ErrorFault(_Fault):
    """An Entra error body (errors.OAuthError's shape) with any status and AADSTS code."""

    effect: Literal["error"]
    status: int = Field(default=400, ge=400, le=599)
    error: str = "invalid_request"
    aadsts: int = 90100
    description: str = "An error injected through the mock's admin API."
    suberror: str | None = None
    claims: str | None = None  # a claims challenge (JSON text), as Entra sends it


class ThrottleFault(_Fault):
    """HTTP 429 with ``Retry-After``."""

    effect: Literal["throttle"]
    retry_after: int = Field(default=5, ge=0, le=3600)


class ServerErrorFault(_Fault):
    """A 5xx; 503 carries Entra's ``temporarily_unavailable`` body."""

    effect: Literal["server_error"]
    status: Literal[500, 502, 503, 504] = 503


class DelayFault(_Fault):
    """Wait, then answer normally (client timeouts)."""

    effect: Literal["delay"]
    seconds: float = Field(gt=0, le=120)


class TruncateFault(_Fault):
    """The real answer cut short: a JSON body that ends mid-way."""

    effect: Literal["truncate"]
    keep_bytes: int | None = Field(default=None, ge=0)  # None: half the body


class HtmlFault(_Fault):
    """A non-JSON answer, such as a proxy's error page."""

    effect: Literal["html"]
    status: int = Field(default=200, ge=200, le=599)


class ClaimsFault(_Fault):
    """Override or remove claims of the tokens issued (signed with the real key)."""

    effect: Literal["claims"]
    token: Literal["access", "id", "both"] = "access"
    set_claims: dict[str, Any] = {}
    remove_claims: list[str] = []


class SigningFault(_Fault):
    """Sign issued tokens with a key the JWKS does not publish, or not at all."""

    effect: Literal["signing"]
    token: Literal["access", "id", "both"] = "access"
    key: Literal["unpublished", "none"] = "unpublished"


class JwksFault(_Fault):
    """Break the tenant's JWKS: invalid JSON, keys without ``n``, or down (503)."""

    effect: Literal["jwks"]
    mode: Literal["invalid_json", "no_n", "down"] = "down"

    @model_validator(mode="after")
    def _jwks_only(self) -> JwksFault:
        if self.endpoint not in (None, "jwks"):
            raise ValueError("a jwks fault applies to the jwks endpoint only")
        return self


Fault = Annotated[
    ErrorFault
    | ThrottleFault
    | ServerErrorFault
    | DelayFault
    | TruncateFault
    | HtmlFault
    | ClaimsFault
    | SigningFault
    | JwksFault,
    Field(discriminator="effect"),
]
FAULT_ADAPTER: TypeAdapter[Fault] = TypeAdapter(Fault)

RESPONSE_EFFECTS = frozenset({"error", "throttle", "server_error", "delay", "truncate", "html"})
TOKEN_EFFECTS = frozenset({"claims", "signing"})
JWKS_EFFECTS = frozenset({"jwks"})


class InvalidFault(ValueError):
    """The fault body is invalid; the message names the field."""


def parse_fault(body: Any) -> Fault:
    try:
        return FAULT_ADAPTER.validate_python(body)
    except ValidationError as exc:
        path, message = first_error(exc)
        raise InvalidFault(f"{path}: {message}") from exc


def matches(fault: dict[str, Any], req: RequestScope) -> bool:
    """True when every criterion the fault names holds for the request."""
    if fault.get("tenant") and fault["tenant"] != req.tenant_id:
        return False
    if fault.get("client_id") and fault["client_id"] != (req.client_id or "").lower():
        return False
    if fault.get("user") and fault["user"] not in req.user_keys:
        return False
    if fault.get("endpoint") and fault["endpoint"] != req.endpoint:
        return False
    return not (fault.get("grant_type") and fault["grant_type"] != req.grant_type)


class FaultStore:
    """Faults in the shared store: create, list, delete, and take for a request."""

    def __init__(
        self,
        store: Store,
        clock: Callable[[], float],
        tenant_id: Callable[[str], str],
        shared: SharedControls,
    ) -> None:
        self.store = store
        self.clock = clock
        self.tenant_id = tenant_id  # resolves a domain to the tenant's id
        self.shared = shared

    def create(self, fault: Fault) -> dict[str, Any]:
        now = self.clock()
        record: dict[str, Any] = fault.model_dump(mode="json")
        record.update(
            id=secrets.token_hex(8),
            # Matching compares normalised values: tenant ids, lower-case GUIDs and UPNs.
            tenant=self.tenant_id(fault.tenant) if fault.tenant else None,
            client_id=fault.client_id.lower() if fault.client_id else None,
            user=fault.user.lower() if fault.user else None,
            created=now,
            # A monotonic-ish sort key: older faults win when several match.
            seq=f"{now:017.6f}-{secrets.token_hex(4)}",
            remaining=fault.times,
            hits=0,
        )
        expires = now + (fault.ttl_seconds or DEFAULT_TTL)
        record["expires"] = expires
        self.store.put(FAULT, record["id"], record, expires)
        self.shared.changed()
        return record

    def get(self, fault_id: str) -> dict[str, Any] | None:
        return self.store.get(FAULT, fault_id, self.clock())

    def all(self) -> list[dict[str, Any]]:
        return sorted((v for _, v in self.store.items(FAULT, self.clock())), key=_seq)

    def delete(self, fault_id: str) -> bool:
        if self.get(fault_id) is None:
            return False
        self.store.delete(FAULT, fault_id)
        self.shared.changed()
        return True

    def none_known(self) -> bool:
        """True when this worker's copy holds no fault at all: nothing can match."""
        return not self.shared.current().faults

    def _candidates(self, req: RequestScope, effects: frozenset[str]) -> Iterator[dict[str, Any]]:
        """Live faults of ``effects`` that match ``req``, oldest first (this worker's copy)."""
        now = self.clock()
        for fault in self.shared.current().faults:
            if fault["effect"] in effects and fault["expires"] > now and matches(fault, req):
                yield fault

    def take(self, req: RequestScope, effects: frozenset[str]) -> list[dict[str, Any]]:
        """The live faults of ``effects`` that match ``req``, oldest first; spends a use each.

        A fault already applied to this request is returned again without spending:
        ``times`` counts requests, not tokens (one answer can carry two tokens).
        """
        taken: list[dict[str, Any]] = []
        for fault in self._candidates(req, effects):
            if fault["id"] in req.applied:
                taken.append(req.applied[fault["id"]])
                continue
            spent = self.store.take(FAULT, fault["id"], self.clock())
            if spent is not None:
                req.applied[fault["id"]] = spent
                taken.append(spent)
        return taken

    def first(self, req: RequestScope, effects: frozenset[str]) -> dict[str, Any] | None:
        """The oldest matching fault of ``effects``, spending only that one's use."""
        for fault in self._candidates(req, effects):
            spent = self.store.take(FAULT, fault["id"], self.clock())
            if spent is not None:
                req.applied[fault["id"]] = spent
                return spent
        return None


def _seq(fault: dict[str, Any]) -> str:
    return str(fault.get("seq", ""))
