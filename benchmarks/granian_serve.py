"""The benchmarks' apps on Granian as ``mock_entra.serving`` serves the mock: HTTP/1.1,
the ASGI interface without lifespan, TLS 1.2 and up, workers forked from the parent."""

from __future__ import annotations

from pathlib import Path


def serve_granian(
    target: str, port: int, workers: int, cert: Path | None, key: Path | None
) -> None:
    from granian import Granian
    from granian.constants import HTTPModes, Interfaces, SSLProtocols
    from granian.log import LogLevels

    Granian(
        target,
        address="127.0.0.1",
        port=port,
        interface=Interfaces.ASGINL,
        http=HTTPModes.http1,
        workers=workers,
        ssl_cert=cert,
        ssl_key=key,
        ssl_protocol_min=SSLProtocols.tls12,
        log_level=LogLevels.warning,
    ).serve()
