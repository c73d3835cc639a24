"""The base of every stored record: a frozen dataclass that owns its store kind and shape.

A record is what one value under ``(KIND, key)`` means. Its fields are the stored
JSON object (tuples are stored as lists), except ``key``, which is where it is
stored; nobody else reads or writes that layout. The operations here are the
life cycle every kind shares (save, find, peek, forget, redeem); each record
module adds the ones of its own (``RefreshToken.revoke_family``, ...).
Modelled on node-oidc-provider's ``lib/models`` (a model per stored thing) and its
``mixins/consumable.js`` (one-time use).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from enum import Enum
from typing import Any, ClassVar, Generic, Self, TypeVar

from mock_entra.store.engine import Store


@dataclass(frozen=True)
class _Layout:
    """A record class's stored fields, and those of them that are tuples (lists in JSON)."""

    names: tuple[str, ...]
    tuples: tuple[str, ...]


_LAYOUTS: dict[type, _Layout] = {}


def _layout(cls: type[Record]) -> _Layout:
    # Computed once per class: reading and writing records is the token endpoint's path.
    layout = _LAYOUTS.get(cls)
    if layout is None:
        stored = [f for f in fields(cls) if f.name != "key"]
        tuples = tuple(f.name for f in stored if str(f.type).startswith("tuple"))
        layout = _LAYOUTS[cls] = _Layout(tuple(f.name for f in stored), tuples)
    return layout


@dataclass(frozen=True)
class Record:
    """One stored thing; subclasses are frozen dataclasses that set ``KIND``."""

    KIND: ClassVar[str]
    key: str

    # -- shape -------------------------------------------------------------------------
    def to_value(self) -> dict[str, Any]:
        """The stored JSON object: every field but ``key``, tuples as lists."""
        layout = _layout(type(self))
        value = {name: getattr(self, name) for name in layout.names}
        for name in layout.tuples:
            value[name] = list(value[name])
        return value

    @classmethod
    def from_value(cls, key: str, value: Mapping[str, Any]) -> Self:
        """The record a stored object means (lists read back as tuples, unknown fields ignored)."""
        layout = _layout(cls)
        known = {name: value[name] for name in layout.names if name in value}
        for name in layout.tuples:
            if name in known:
                known[name] = tuple(known[name])
        # What the frozen dataclass's __init__ would do, without its per-field
        # object.__setattr__: reading a record is on every token request's path.
        # A field the value lacks reads as its class default.
        record = object.__new__(cls)
        record.__dict__.update(known, key=key)
        return record

    # -- life cycle --------------------------------------------------------------------
    def save(self, store: Store, expires: float) -> None:
        store.put(self.KIND, self.key, self.to_value(), expires)

    @classmethod
    def find(cls, store: Store, key: str, now: float) -> Self | None:
        """The record while it is live (not expired, not used)."""
        value = store.get(cls.KIND, key, now)
        return None if value is None else cls.from_value(key, value)

    @classmethod
    def peek(cls, store: Store, key: str) -> Self | None:
        """The record whatever its state: expired and used ones too."""
        value = store.peek(cls.KIND, key)
        return None if value is None else cls.from_value(key, value)

    @classmethod
    def forget(cls, store: Store, key: str) -> None:
        store.delete(cls.KIND, key)

    @classmethod
    def forget_all(cls, store: Store) -> int:
        """Delete every record of this kind (the admin reset); how many there were."""
        return store.delete_kind(cls.KIND)

    @classmethod
    def redeem(cls, store: Store, key: str, now: float) -> Redemption[Self]:
        """Use a one-time record up: exactly one redemption across workers is ``USED``."""
        consumed = store.consume(cls.KIND, key, now)
        if consumed.value is not None:
            outcome = Outcome.REPLAYED if consumed.replayed else Outcome.USED
            return Redemption(outcome, cls.from_value(key, consumed.value))
        return cls._not_live(store, key)

    @classmethod
    def present(cls, store: Store, key: str, now: float) -> Redemption[Self]:
        """Look a reusable record up and leave it as it is: ``LIVE``, ``EXPIRED`` or ``UNKNOWN``."""
        found = cls.find(store, key, now)
        return Redemption(Outcome.LIVE, found) if found is not None else cls._not_live(store, key)

    @classmethod
    def _not_live(cls, store: Store, key: str) -> Redemption[Self]:
        if store.peek(cls.KIND, key) is not None:
            return Redemption(Outcome.EXPIRED)
        return Redemption(Outcome.UNKNOWN)


@dataclass(frozen=True)
class GrantSource(Record):
    """A one-time record a grant redeems (a code, a refresh token), issued to one client."""

    tenant: str
    client_id: str

    @property
    def revoked(self) -> bool:
        return False

    def issued_family(self, store: Store) -> str | None:
        """The refresh-token family this record's first use began, if any (revoked on replay)."""
        return None


class Outcome(Enum):
    """What presenting a one-time record found."""

    USED = "used"  # live: used up now, by this caller
    LIVE = "live"  # live, and left so: a reusable record (Entra's refresh tokens)
    REPLAYED = "replayed"  # used up before (RFC 6749 §10.5: revoke what it issued)
    EXPIRED = "expired"
    UNKNOWN = "unknown"  # never issued (or forgotten by a reset)


R = TypeVar("R", bound=Record)


@dataclass(frozen=True)
class Redemption(Generic[R]):
    """``record`` is set for ``USED``, ``LIVE`` and ``REPLAYED``."""

    outcome: Outcome
    record: R | None = None
