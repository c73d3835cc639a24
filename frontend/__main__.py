"""``python -m frontend``: serve the frontend with waitress at FRONTEND_URL.

Settings are validated first; a bad one stops the start with one line naming it.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from waitress import create_server

from entra_kit.settings import SettingsError
from entra_kit.trust import trust_variables
from frontend.app import create_app
from frontend.settings import FrontendSettings, load_settings

log = logging.getLogger("frontend")
# What requests (so MSAL) reads.
REQUESTS_TRUST = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")


def trust_ca_bundle(settings: FrontendSettings) -> None:
    """Make MSAL, inside identity.flask, trust ENTRA_CA_BUNDLE: for this whole process.

    The environment is the only way in. identity 0.11 builds every MSAL app itself
    (``identity.web.Auth._build_msal_app``, keyword arguments fixed, no ``http_client``)
    and reads the end-session endpoint with a bare ``requests.get``; both honour only
    REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE. So the process entry point sets them, not the
    app factory: building an app (in tests, in scenarios) leaves the environment alone.
    """
    if not settings.entra_ca_bundle:
        return  # the system trust store (real Entra)
    if not Path(settings.entra_ca_bundle).is_file():
        raise SettingsError(
            f"frontend settings: ENTRA_CA_BUNDLE: {settings.entra_ca_bundle} does not exist "
            "(start the mock first, or set it empty to use the system trust store)"
        )
    variables = trust_variables(settings.entra_ca_bundle)
    os.environ.update({name: variables[name] for name in REQUESTS_TRUST})
    # SSL_CERT_FILE would replace httpx's trust store for every host, and the launcher
    # sets it to the lab's CA for all services. Here nothing needs it (the MCP client is
    # given ENTRA_CA_BUNDLE explicitly), and it would break TLS to a real model endpoint
    # (Azure OpenAI, api.openai.com); a value naming another file is the user's and stays.
    if os.environ.get("SSL_CERT_FILE") == variables["SSL_CERT_FILE"]:
        del os.environ["SSL_CERT_FILE"]


def main() -> None:
    """Validate settings, trust the CA, serve with waitress (threads: turns stream a while)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = load_settings()
    trust_ca_bundle(settings)
    server = create_server(
        create_app(settings),
        host=settings.frontend_host,
        port=settings.frontend_port,
        threads=settings.frontend_threads,
        ident="frontend",
    )
    # One address to open: the configured one, where sign-in works (the redirect URI's
    # host). The listening socket's own address may differ (127.0.0.1 vs localhost).
    log.info(
        "serving at %s (waitress, %d threads)", settings.frontend_url, settings.frontend_threads
    )
    server.run()


if __name__ == "__main__":
    main()
