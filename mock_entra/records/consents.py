"""User consent recorded at run time (store kind ``consent``), one record per grant.

A grant is a (tenant, client, resource, user) with the delegated scopes the user
accepted on the consent page; admin consent comes from the tenant file instead.
https://learn.microsoft.com/entra/identity-platform/permissions-consent-overview
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from mock_entra.records.base import Record
from mock_entra.store.engine import Store

FOREVER = 4102444800.0  # 2100-01-01: consent lasts until revoked


@dataclass(frozen=True)
class UserConsent(Record):
    KIND: ClassVar[str] = "consent"

    scopes: tuple[str, ...] = ()

    @staticmethod
    def key_for(tenant: str, client_id: str, resource: str, user: str) -> str:
        return f"{tenant}|{client_id}|{resource}|{user}"

    @classmethod
    def scopes_of(cls, store: Store, key: str, now: float) -> set[str]:
        found = cls.find(store, key, now)
        return set(found.scopes) if found else set()

    @classmethod
    def add(cls, store: Store, key: str, scopes: set[str], now: float) -> None:
        """Add ``scopes`` to what the user has consented to (consent only grows)."""
        current = cls.scopes_of(store, key, now)
        cls(key, tuple(sorted(current | scopes))).save(store, FOREVER)
