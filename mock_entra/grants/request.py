"""The token request as the grants read it: the tenant, the authenticated client, the form."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from mock_entra.client_auth.credentials import AuthenticatedClient
from mock_entra.context import Context
from mock_entra.errors import missing_parameter
from mock_entra.tenant.model import Tenant


def token_parameters(form: Mapping[str, str], *, v1: bool) -> dict[str, str]:
    """The form in the v2 terms every grant reads.

    The v1 endpoint names a ``resource``; its v2 equivalent is ``<resource>/.default``
    (a ``scope`` sent beside it wins).
    https://learn.microsoft.com/entra/identity-platform/v2-overview (v1 and v2 endpoints)
    """
    params = dict(form)
    if v1 and "resource" in params and "scope" not in params:
        params["scope"] = f"{params['resource'].rstrip('/')}/.default"
    return params


@dataclass(frozen=True)
class TokenRequest:
    ctx: Context
    tenant: Tenant
    client: AuthenticatedClient
    params: Mapping[str, str]
    v1: bool = False  # legacy /oauth2/token endpoint

    def require(self, name: str) -> str:
        value = self.params.get(name)
        if not value:
            raise missing_parameter(name)
        return value
