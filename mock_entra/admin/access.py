"""Who may drive the admin API, and how: the checks every ``/_admin`` request passes.

The admin API can make the mock issue anything, so it is guarded like a credential:

- with ``MOCK_ENTRA_ADMIN_TOKEN`` set, every caller presents it as a bearer token,
  loopback ones too (another local user, a sidecar or an ``ssh -L`` tunnel all
  arrive from loopback); without it, only loopback callers are let in;
- a state-changing request cannot be a CORS "simple" request, which any web page
  can make a browser send without asking: a POST carries a JSON body with its
  content type, or the ``X-Mock-Entra-Admin`` header (no page can add either
  without a preflight, which the mock never grants);
- without the token, a request must also be addressed to the mock by a loopback
  name (``Host``: 127.0.0.1, localhost, [::1], any port): a page whose own name was
  made to resolve to 127.0.0.1 (DNS rebinding) is same-origin with the mock, sends
  no ``Origin`` on a GET and would read the request log; a tunnel (ngrok,
  dev tunnels) forwards its public name. The MCP transports guard the same way
  (spec, "Streamable HTTP", Security Warning; the MCP SDK's ``TransportSecurity
  Middleware`` allowed hosts); a browser cannot set ``Host`` itself;
- a request with a foreign ``Origin`` (a page of another site, or ``null``) is
  refused, whatever it asks.

The interactive docs (``/_admin/docs``) and the schema they read (``/openapi.json``)
describe the admin API and pass the same checks.
https://fetch.spec.whatwg.org/#cors-safelisted-request-header (simple requests)
https://fetch.spec.whatwg.org/#forbidden-request-header (``Host``)
https://modelcontextprotocol.io/specification/2025-06-18/basic/transports#security-warning
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from mock_entra.settings import MockSettings

ADMIN_PREFIX = "/_admin"
SCHEMA_PATH = "/openapi.json"
# The header a client sends on bodiless state-changing requests (reset, key rotation).
ADMIN_HEADER = "x-mock-entra-admin"
_LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")


@dataclass(frozen=True)
class AdminRequest:
    """What the checks read of a request: method, peer address and (lower-case) headers."""

    method: str
    client_host: str | None
    headers: Mapping[str, str]


def guarded(path: str) -> bool:
    """The paths the admin checks cover: the API, its docs and its schema."""
    return path in (SCHEMA_PATH, ADMIN_PREFIX) or path.startswith(ADMIN_PREFIX + "/")


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    try:
        address = ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return host == "localhost"
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_loopback


def _presented_token(authorization: str | None, expected: str) -> bool:
    if not authorization:
        return False
    scheme, _, presented = authorization.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        presented.strip().encode(), expected.encode()
    )


def check_caller(settings: MockSettings, req: AdminRequest) -> str | None:
    """The admin token from every caller when one is set; else loopback callers only."""
    if settings.admin_token:
        if _presented_token(req.headers.get("authorization"), settings.admin_token):
            return None
        return "The admin API requires MOCK_ENTRA_ADMIN_TOKEN as a bearer token from every caller."
    if is_loopback(req.client_host):
        return None
    return (
        "The admin API answers loopback clients, or others that present "
        "MOCK_ENTRA_ADMIN_TOKEN as a bearer token (none is configured)."
    )


def addressed_name(host_header: str) -> str:
    """The name a ``Host`` header addresses, without its port, brackets or final dot."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1:].partition("]")[0]
    return host.partition(":")[0].rstrip(".")


def check_host(settings: MockSettings, req: AdminRequest) -> str | None:
    """Without the admin token, only requests addressed to a loopback name: a page renamed
    to 127.0.0.1 by DNS rebinding, or a tunnel, addresses the mock by another name."""
    if settings.admin_token:  # a bearer token no page or tunnel user has, checked first
        return None
    host = req.headers.get("host", "")
    if host and is_loopback(addressed_name(host)):
        return None
    return (
        "Without MOCK_ENTRA_ADMIN_TOKEN the admin API answers requests addressed to "
        f"127.0.0.1, localhost or [::1], not to {host[:80] or 'no Host'} (a page that made "
        "its name resolve here, or a tunnel). Set MOCK_ENTRA_ADMIN_TOKEN to reach it by "
        "another name."
    )


def check_not_simple(settings: MockSettings, req: AdminRequest) -> str | None:
    """A POST that a web page could send without a preflight changes nothing."""
    if req.method != "POST" or ADMIN_HEADER in req.headers:
        return None
    ctype = req.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype == "application/json":
        return None
    return (
        "State-changing admin requests need a JSON body (Content-Type: application/json) "
        "or the X-Mock-Entra-Admin header."
    )


def own_origins(settings: MockSettings) -> frozenset[str]:
    """The mock's own origin, and its loopback aliases when it serves on loopback."""
    url = urlsplit(settings.base_url)
    origins = {f"{url.scheme}://{url.netloc}".lower()}
    if is_loopback((url.hostname or "").strip("[]")):
        port = f":{url.port}" if url.port else ""
        origins |= {f"{url.scheme}://{name}{port}" for name in _LOOPBACK_NAMES}
    return frozenset(origins)


def check_origin(settings: MockSettings, req: AdminRequest) -> str | None:
    """No admin request from a page of another origin (``null`` included)."""
    origin = req.headers.get("origin")
    if origin is None or origin.lower() in own_origins(settings):
        return None
    return f"The admin API refuses requests from another origin ({origin[:80]})."


CHECKS: tuple[Callable[[MockSettings, AdminRequest], str | None], ...] = (
    check_caller,
    check_host,
    check_origin,
    check_not_simple,
)


def refusal(settings: MockSettings, req: AdminRequest) -> str | None:
    """Why the request is refused (the first check that fails), or None to let it in."""
    for check in CHECKS:
        reason = check(settings, req)
        if reason is not None:
            return reason
    return None
