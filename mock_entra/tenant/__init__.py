"""The tenant model: tenants, app registrations, users, groups, consent, managed identities."""

from mock_entra.tenant.application import Application, AppRole, Scope
from mock_entra.tenant.loader import TenantFileError, load_directory, load_directory_text
from mock_entra.tenant.model import ConsentGrant, Directory, Group, ManagedIdentity, Tenant, User

__all__ = [
    "AppRole",
    "Application",
    "ConsentGrant",
    "Directory",
    "Group",
    "ManagedIdentity",
    "Scope",
    "Tenant",
    "TenantFileError",
    "User",
    "load_directory",
    "load_directory_text",
]
