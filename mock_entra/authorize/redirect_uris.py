"""Whether a redirect URI a request sends is one the app registered, as Entra matches them.

Exact, case-sensitive string match (RFC 6749 §3.1.2.3, RFC 9700 §4.1.3: no prefix or
pattern matching), with one exception, Entra's "localhost exceptions": for a
``localhost`` or ``127.0.0.1`` redirect URI "the port component is ignored for the
purposes of matching a redirect URI" (RFC 8252 §7.3 and §8.3), because native apps
listen on an ephemeral port. Scheme, host, path and query still match exactly; the
IPv6 loopback ``[::1]`` gets no exception ("not currently supported"). The reply-URL
doc states the rule for every redirect URI type (web, native, SPA), and so does the
mock: a public client (MSAL's interactive flow on a random port) needs it most.
https://learn.microsoft.com/entra/identity-platform/reply-url#localhost-exceptions
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# scheme://host, an optional port, then the rest, which must be a path (or nothing):
# ``http://localhost:1@evil.example`` and ``http://localhost.evil.example`` are not loopback.
_LOOPBACK = re.compile(r"^(https?://(?:localhost|127\.0\.0\.1))(?::\d{1,5})?(/[^#]*)?$")


def without_port(uri: str) -> str | None:
    """A loopback redirect URI with its port taken out; None for any other URI."""
    found = _LOOPBACK.match(uri)
    return None if found is None else found.group(1) + (found.group(2) or "")


def registered(uri: str, registrations: Iterable[str]) -> bool:
    """True when ``uri`` is one of ``registrations``, the port of a loopback URI aside."""
    registrations = list(registrations)
    if uri in registrations:
        return True
    loopback = without_port(uri)
    return loopback is not None and any(without_port(r) == loopback for r in registrations)


def with_root_path(uri: str) -> str:
    """``https://contoso.com`` -> ``https://contoso.com/``: a redirect URI without a path is
    "returned with a trailing slash" in query and fragment responses (reply-url doc)."""
    scheme, sep, rest = uri.partition("://")
    ends = [i for i in (rest.find("/"), rest.find("?")) if i >= 0]
    authority_end = min(ends, default=len(rest))
    if not sep or rest[authority_end : authority_end + 1] == "/":
        return uri
    return f"{scheme}://{rest[:authority_end]}/{rest[authority_end:]}"
