"""``python -m frontend``: serve the frontend (default http://127.0.0.1:5001)."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from frontend.app import create_app
from frontend.settings import load_settings


def main() -> None:
    """Validate settings, check the CA bundle, serve with a threaded WSGI server."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = load_settings()
    if settings.entra_ca_bundle and not Path(settings.entra_ca_bundle).is_file():
        sys.exit(
            f"frontend settings: ENTRA_CA_BUNDLE: {settings.entra_ca_bundle} does not exist "
            "(start the mock first, or set it empty to use the system trust store)"
        )
    app = create_app(settings)
    # threaded: chat turns stream for a while and must not block other users.
    app.run(host=settings.frontend_host, port=settings.frontend_port, threaded=True)


if __name__ == "__main__":
    main()
