"""Well-known values of the shipped default tenant (mock_entra/default_tenant.yaml).

The services' mock-profile defaults, tests and examples name apps, users and
secrets by these constants instead of repeating GUIDs. They describe the file, so
change both together (tests/entra_kit/test_shipped_tenant.py holds them against it).
"""

from __future__ import annotations

from entra_kit.microsoft_apps import GRAPH_RESOURCE as GRAPH_RESOURCE
from entra_kit.microsoft_apps import SEARCH_RESOURCE as SEARCH_RESOURCE

TENANT_ID = "b63e68de-d8de-4919-b8c7-175cc63619fc"
TENANT_DOMAIN = "contoso.onmicrosoft.com"
OTHER_TENANT_ID = "35d94638-998d-45aa-b0d8-43dd7cd23aa6"
WEB_CLIENT_ID = "276c44e0-30c1-44f5-8680-e817fc8185bb"
WEB_CLIENT_SECRET = "mock-web-secret-0001"
WEB_REDIRECT_URI = "http://localhost:5001/signin-oidc"
API_CLIENT_ID = "fe5f360b-4f1f-4029-b90b-f832bcb0412c"
API_APP_ID_URI = f"api://{API_CLIENT_ID}"
API_CLIENT_SECRET = "mock-backend-secret-0001"
API_SCOPE = f"{API_APP_ID_URI}/access_as_user"
DAEMON_CLIENT_ID = "1880ac49-201e-4c30-95a2-22426a6365e5"
DAEMON_CLIENT_SECRET = "mock-daemon-secret-0001"
MANAGED_IDENTITY_CLIENT_ID = "e63c9022-4af6-4001-ad3c-514019a71e36"
USERS = {
    "alice": ("alice@contoso.onmicrosoft.com", "alice-password"),
    "bob": ("bob@contoso.onmicrosoft.com", "bob-password"),
    "carol": ("carol@contoso.onmicrosoft.com", "carol-password"),
}
