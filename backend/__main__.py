"""``python -m backend``: serve the backend with uvicorn (BACKEND_HOST/BACKEND_PORT).

Settings are validated first; a bad one stops the start with one line naming it.
"""

from __future__ import annotations

import logging
import os
import sys

import uvicorn

from backend.settings import load_settings
from entra_kit.settings import SettingsError
from entra_kit.trust import trust_variables


def main() -> int:
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    if settings.ca_bundle:
        if not os.path.exists(settings.ca_bundle):
            print(f"backend setting ENTRA_CA_BUNDLE: {settings.ca_bundle} does not exist "
                  "(start the mock first, or leave it empty for system trust)", file=sys.stderr)  # fmt: skip
            return 2
        # azure-identity (managed identity) reads these; set them deliberately, since
        # machines often point them at the system store, which lacks the mock's CA.
        os.environ.update(trust_variables(settings.ca_bundle))
    from backend.app import create_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    uvicorn.run(create_app(settings), host=settings.backend_host, port=settings.backend_port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
