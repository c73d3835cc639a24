"""Serving the backend from the command line: settings checked, the CA trusted, uvicorn.

A problem with the settings stops the start with one line naming the variable
(``entra_kit.settings.SettingsError``), the same way in every service of the lab.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

import uvicorn
from starlette.types import ASGIApp

from backend.settings import BackendSettings, load_settings
from entra_kit.settings import SettingsError
from entra_kit.trust import trust_variables


def settings_for_serving() -> BackendSettings:
    """The validated settings, and a CA bundle that exists when one is named."""
    settings = load_settings()
    if settings.ca_bundle and not Path(settings.ca_bundle).is_file():
        raise SettingsError(
            f"backend settings: ENTRA_CA_BUNDLE: {settings.ca_bundle} does not exist "
            "(start the mock first, or leave it empty for system trust)"
        )
    for name in ("backend_tls_cert", "backend_tls_key"):
        path = getattr(settings, name)
        if path is not None and not path.is_file():
            raise SettingsError(f"backend settings: {name.upper()}: {path} does not exist")
    return settings


def serve(build: Callable[[BackendSettings], ASGIApp]) -> None:
    """Serve ``build(settings)`` on ``BACKEND_HOST``:``BACKEND_PORT`` until stopped."""
    settings = settings_for_serving()
    if settings.ca_bundle:
        # azure-identity (managed identity) reads these; set them deliberately, since
        # machines often point them at the system store, which lacks the mock's CA.
        os.environ.update(trust_variables(settings.ca_bundle))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    cert, key = settings.backend_tls_cert, settings.backend_tls_key
    uvicorn.run(
        build(settings),
        host=settings.backend_host,
        port=settings.backend_port,
        ssl_certfile=str(cert) if cert else None,
        ssl_keyfile=str(key) if key else None,
    )
