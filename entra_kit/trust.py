"""Trust one CA bundle (the mock's local CA, or a corporate one) and nothing looser.

requests (so MSAL and azure-identity) lets ``REQUESTS_CA_BUNDLE``/``CURL_CA_BUNDLE``
override a session's ``verify``; many machines preset them to the system store, which
lacks a local CA (LIBRARY-FACTS: "REQUESTS_CA_BUNDLE wins over MSAL's verify=").
Two ways out, both keeping verification on:

- :class:`TrustingSession`, a requests session that passes ``verify`` on every
  request (explicit per-request ``verify`` beats the environment): give it to MSAL as
  ``http_client``;
- :func:`trust_variables` / :func:`trusting`: set the variables deliberately, for
  child processes and for libraries that only read the environment;
- :func:`tls_context` for httpx and urllib, which take an ``ssl.SSLContext``.
"""

from __future__ import annotations

import os
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

import requests

# requests reads the first two, httpx and OpenSSL-based clients the third.
TRUST_VARIABLES = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE")


def trust_variables(ca_bundle: str | Path) -> dict[str, str]:
    """The environment that makes every client library trust ``ca_bundle`` (absolute path)."""
    path = str(Path(ca_bundle).resolve())
    return dict.fromkeys(TRUST_VARIABLES, path)


@contextmanager
def trusting(ca_bundle: str | Path) -> Iterator[None]:
    """Set the trust variables for the block, then put back what was there."""
    saved = {name: os.environ.get(name) for name in TRUST_VARIABLES}
    os.environ.update(trust_variables(ca_bundle))
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class TrustingSession(requests.Session):
    """A requests session that verifies against ``ca_bundle`` whatever the environment says.

    With ``ca_bundle`` None it uses requests' own default (the system store, or the
    variables). ``timeout`` is the default for every request.
    """

    def __init__(self, ca_bundle: str | Path | None, timeout: float = 30) -> None:
        super().__init__()
        self.ca_bundle = str(ca_bundle) if ca_bundle else None
        self.timeout = timeout

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> Any:
        if self.ca_bundle:
            kwargs["verify"] = self.ca_bundle
        kwargs.setdefault("timeout", self.timeout)
        return super().request(method, url, *args, **kwargs)


@lru_cache(maxsize=8)
def tls_context(ca_bundle: str | None) -> ssl.SSLContext:
    """Verification always on: the system store, or exactly ``ca_bundle`` when one is named.

    Cached: building a context reads and parses the bundle, and clients are made often.
    """
    if ca_bundle:
        return ssl.create_default_context(cafile=ca_bundle)
    return ssl.create_default_context()
