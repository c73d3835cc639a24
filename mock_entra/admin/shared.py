"""What the test controls have set, as every worker sees it, read once per change.

Faults, runtime tenants and clock offsets change only through the admin API, yet a
protocol request looks them up several times (its tenant, its clock, the faults of
three stages). Every change moves one counter in the shared store
(``Store.advance``); a worker reads that counter once per protocol request and
reloads the whole set only when it moved. The hot path does one point read instead
of a scan per lookup, and a change made through any worker, or any instance that
shares the store, is seen by the next request everywhere.

Writers change the store first and move the counter after, so a reader that sees
the new counter always loads the new state.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from typing import Any

from mock_entra.store.engine import Store

GENERATION = "controls"
FAULT = "fault"
TENANT = "tenant"
TENANT_DOMAIN = "tenant_domain"
CLOCK = "clock"


@dataclass(frozen=True)
class ControlState:
    """One generation of the controls: faults oldest first, runtime tenants, clock offsets."""

    generation: int
    faults: tuple[dict[str, Any], ...] = ()
    tenants: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> tenant JSON
    domains: dict[str, str] = field(default_factory=dict)  # lower-case domain -> id
    clocks: dict[str, float] = field(default_factory=dict)  # tenant id -> seconds


_pinned: ContextVar[ControlState | None] = ContextVar("mock_entra_control_state", default=None)


class SharedControls:
    """The current ``ControlState`` of this worker, validated against the store's counter."""

    def __init__(self, store: Store, clock: Callable[[], float]) -> None:
        self.store = store
        self.clock = clock
        self._lock = threading.Lock()
        self._state: ControlState | None = None

    def current(self) -> ControlState:
        """The state pinned for this request, or (outside one) a freshly validated state."""
        pinned = _pinned.get()
        return pinned if pinned is not None else self.refresh()

    def refresh(self) -> ControlState:
        """Read the counter; reload everything when it moved since the last load."""
        generation = self.store.generation(GENERATION)
        state = self._state
        if state is not None and state.generation == generation:
            return state
        with self._lock:
            state = self._state = self._load(generation)
        return state

    def pinned(self) -> _Pinned:
        """``with shared.pinned():`` one state for a whole request: its lookups agree with
        each other and cost nothing (a plain class, not ``contextmanager``: hot path)."""
        return _Pinned(self)

    def changed(self) -> None:
        """Say that the controls changed (after writing them): every worker reloads."""
        self.store.advance(GENERATION)

    def _load(self, generation: int) -> ControlState:
        now = self.clock()
        faults = sorted(
            (value for _, value in self.store.items(FAULT, now)),
            key=lambda fault: str(fault.get("seq", "")),
        )
        return ControlState(
            generation,
            faults=tuple(faults),
            tenants=dict(self.store.items(TENANT, now)),
            domains={key: str(ref["id"]) for key, ref in self.store.items(TENANT_DOMAIN, now)},
            clocks={
                key: float(value["offset_seconds"]) for key, value in self.store.items(CLOCK, now)
            },
        )


class _Pinned:
    def __init__(self, shared: SharedControls) -> None:
        self.shared = shared
        self.token: Token[ControlState | None] | None = None

    def __enter__(self) -> ControlState:
        state = _pinned.get()
        if state is not None:  # already pinned by the request this runs in
            return state
        state = self.shared.refresh()
        self.token = _pinned.set(state)
        return state

    def __exit__(self, *exc: object) -> None:
        if self.token is not None:
            _pinned.reset(self.token)
