"""The directory data behind the fakes (profiles, group memberships).

Real Graph and Search read their own stores; the fakes read the tenant YAML file the
mock serves (the file, not the mock's memory). Tokens are still validated only
through discovery + JWKS.
"""

from __future__ import annotations

from pathlib import Path

from mock_entra.tenant import Directory, User, load_directory


class FakeDirectory:
    def __init__(self, path: Path | None = None) -> None:
        self.directory: Directory = load_directory(path)

    def user(self, tenant_id: str, oid: str) -> User | None:
        tenant = self.directory.tenant(tenant_id)
        user = tenant.user(oid) if tenant else None
        return user if user is not None and user.oid == oid else None

    def member_objects(self, tenant_id: str, user: str) -> list[str] | None:
        """The group ids of ``user`` (object id or UPN) in the tenant; None: no such user."""
        tenant = self.directory.tenant(tenant_id)
        found = tenant.user(user) if tenant else None
        return tenant.user_group_ids(found) if tenant and found else None

    def principals(self, tenant_id: str, oid: str) -> frozenset[str]:
        """The user's oid and group ids: what a document ACL may name."""
        tenant = self.directory.tenant(tenant_id)
        user = self.user(tenant_id, oid)
        if tenant is None or user is None:
            return frozenset({oid})
        return frozenset({oid, *tenant.user_group_ids(user)})
