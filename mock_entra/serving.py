"""How ``mock-entra serve`` runs the app: Granian, with workers forked from a warm parent.

Chosen by measurement over uvicorn (issue 14; README, "Benchmarks"): on the same app,
TLS and two workers it answered more token requests per second, spread keep-alive
connections over its workers, and gave its first answer sooner, because the workers
are forked from a parent that has already imported the app instead of each
importing it anew. TLS stays real (the mock's own certificate; TLS 1.2 and up, as
Entra). In-process mocks (``mock_entra.testing.run_mock``) still serve through
uvicorn in a thread.
"""

from __future__ import annotations

from mock_entra.settings import MockSettings
from mock_entra.tls import TlsFiles

APP_FACTORY = "mock_entra.app:app_from_environment"


def serve_app(settings: MockSettings, tls: TlsFiles) -> None:
    """Serve until stopped (SIGINT/SIGTERM); settings reach the workers via ``MOCK_ENTRA_*``."""
    from granian import Granian
    from granian.constants import HTTPModes, Interfaces, SSLProtocols
    from granian.log import LogLevels

    import mock_entra.app  # noqa: F401 - imported once, here: every forked worker has it

    server = Granian(
        APP_FACTORY,
        factory=True,
        address=settings.host,
        port=settings.port,
        # The app has no lifespan events: skip the protocol.
        interface=Interfaces.ASGINL,
        # HTTP/1.1 only, as before: faults that cut or delay an answer mean the same on it.
        http=HTTPModes.http1,
        workers=settings.workers,
        ssl_cert=tls.server_cert if settings.tls else None,
        ssl_key=tls.server_key if settings.tls else None,
        ssl_protocol_min=SSLProtocols.tls12,
        log_level=LogLevels.info if settings.log_requests else LogLevels.warning,
        log_access=settings.log_requests,
        respawn_failed_workers=True,
        workers_kill_timeout=3,
    )
    server.serve()
