"""The shipped-tenant constants describe mock_entra/default_tenant.yaml: hold them to it."""

from __future__ import annotations

from entra_kit import shipped_tenant as shipped
from mock_entra.tenant import load_directory


def test_the_constants_name_what_the_shipped_tenant_file_holds() -> None:
    directory = load_directory()
    tenant = directory.tenant(shipped.TENANT_ID)
    assert tenant is not None and tenant.domain == shipped.TENANT_DOMAIN
    assert directory.tenant(shipped.OTHER_TENANT_ID) is not None
    web, api, daemon = (
        tenant.app(c)
        for c in (shipped.WEB_CLIENT_ID, shipped.API_CLIENT_ID, shipped.DAEMON_CLIENT_ID)
    )
    assert web and api and daemon
    assert shipped.WEB_REDIRECT_URI in web.redirect_uris
    assert shipped.WEB_CLIENT_SECRET in [s.value for s in web.secrets]
    assert shipped.API_CLIENT_SECRET in [s.value for s in api.secrets]
    assert shipped.DAEMON_CLIENT_SECRET in [s.value for s in daemon.secrets]
    assert shipped.API_APP_ID_URI in api.identifier_uris
    assert shipped.API_SCOPE.rpartition("/")[2] in [s.value for s in api.scopes]
    assert [m.client_id for m in tenant.managed_identities] == [shipped.MANAGED_IDENTITY_CLIENT_ID]
    for upn, password in shipped.USERS.values():
        user = tenant.user(upn)
        assert user is not None and user.password == password
