"""Testing with the mock: a running tenant, tokens through the real flows, test controls.

Everything a test needs is importable from here (``from mock_entra.testing import ...``):

- :mod:`~mock_entra.testing.server`: ``run_mock()`` serves the mock over real HTTPS in
  a thread; the ``RunningMock`` it yields has the URLs, the CA and the admin API;
- :mod:`~mock_entra.testing.flows`: ``Tokens`` (MSAL's real flows) and ``RawFlow``
  (the code flow by hand, sending what MSAL never would);
- :mod:`~mock_entra.testing.bad_tokens`: ``BadTokens``, validly signed tokens with one
  chosen change (another audience, no scope, expired, another tenant, a claim removed);
- :mod:`~mock_entra.testing.browser`: ``FormBrowser``, the one driver of the sign-in
  and consent pages over plain HTTP;
- :mod:`~mock_entra.testing.interactive`: ``LoopbackBrowser``, the system browser of an
  interactive public client (MSAL's ``acquire_token_interactive``), played by a test;
- :mod:`~mock_entra.testing.admin_client`: ``AdminClient`` for ``/_admin`` (faults,
  runtime tenants, keys, clocks, request log);
- :mod:`~mock_entra.testing.sample`: ``sample_tenant()``, a fresh runtime tenant;
- :mod:`~mock_entra.testing.plugin`: the pytest fixtures ``mock_entra``,
  ``entra_tokens`` and ``entra_bad_tokens`` (registered as the ``mock_entra`` pytest plugin);
- the shipped tenant's ids, secrets and users (:mod:`entra_kit.shipped_tenant`).
"""

from entra_kit.shipped_tenant import (
    API_APP_ID_URI,
    API_CLIENT_ID,
    API_CLIENT_SECRET,
    API_SCOPE,
    DAEMON_CLIENT_ID,
    DAEMON_CLIENT_SECRET,
    GRAPH_RESOURCE,
    MANAGED_IDENTITY_CLIENT_ID,
    OTHER_TENANT_ID,
    SEARCH_RESOURCE,
    TENANT_DOMAIN,
    TENANT_ID,
    USERS,
    WEB_CLIENT_ID,
    WEB_CLIENT_SECRET,
    WEB_REDIRECT_URI,
)
from mock_entra.testing.admin_client import AdminAPIError, AdminClient
from mock_entra.testing.bad_tokens import BadTokenError, BadTokens, claims_fault
from mock_entra.testing.browser import FormBrowser, SignInError
from mock_entra.testing.flows import (
    IdentityPlatform,
    RawFlow,
    ServedPlatform,
    Tokens,
    user_credentials,
)
from mock_entra.testing.interactive import LoopbackBrowser
from mock_entra.testing.sample import app_ids, public_client_id, sample_tenant
from mock_entra.testing.server import RunningMock, run_mock, shared_tls_dir

__all__ = [
    "API_APP_ID_URI",
    "API_CLIENT_ID",
    "API_CLIENT_SECRET",
    "API_SCOPE",
    "DAEMON_CLIENT_ID",
    "DAEMON_CLIENT_SECRET",
    "GRAPH_RESOURCE",
    "MANAGED_IDENTITY_CLIENT_ID",
    "OTHER_TENANT_ID",
    "SEARCH_RESOURCE",
    "TENANT_DOMAIN",
    "TENANT_ID",
    "USERS",
    "WEB_CLIENT_ID",
    "WEB_CLIENT_SECRET",
    "WEB_REDIRECT_URI",
    "AdminAPIError",
    "AdminClient",
    "BadTokenError",
    "BadTokens",
    "FormBrowser",
    "IdentityPlatform",
    "LoopbackBrowser",
    "RawFlow",
    "RunningMock",
    "ServedPlatform",
    "SignInError",
    "Tokens",
    "app_ids",
    "claims_fault",
    "public_client_id",
    "run_mock",
    "sample_tenant",
    "shared_tls_dir",
    "user_credentials",
]
