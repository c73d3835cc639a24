"""How MCP clients sign in to the lab's backend: ``MCP_SETUP`` chooses (README "Connecting MCP clients").

- ``proxy`` (the default of ``make run``): FastMCP's OAuth proxy in front of the mock, so
  MCP clients that need dynamic registration (MCP Inspector, Claude, the python SDK
  without a client id) connect; it signs users in with the shipped MCP Server app.
- ``direct``: Microsoft's recommended registration: the backend serves HTTPS at
  ``https://localhost:8000`` (the mock CA's server certificate) and that URL is an
  identifier URI of the MCP Server app, so a pre-registered client that sends
  ``resource`` connects straight to the mock, as it would to Entra.
- ``api-uri``: the backend as it was, ``api://<id>`` scopes on an http URL: it runs,
  warns at start, and spec-following clients get AADSTS9010010 as on Entra.

Only the mock profile takes these values (they name the shipped tenant's apps), and a
value set in ``.env`` or the environment wins over the set-up's. The shipped tenant's
ids below are held against its file by tests/stack/test_setups.py.
"""

from __future__ import annotations

from pathlib import Path

from entra_kit.settings import SettingsError
from mock_entra.settings import MockSettings
from mock_entra.tls import tls_files

MCP_SERVER_CLIENT_ID = "92d1c054-f6a7-4c19-9fb1-c3c766564cd4"
MCP_SERVER_SECRET = "mock-mcp-server-secret-0001"
MCP_SERVER_API_URI = f"api://{MCP_SERVER_CLIENT_ID}"
MCP_CLIENT_ID = "832cad03-2af5-4b96-8273-b56045ebe2b0"  # a public client, pre-registered
MCP_CLIENT_REDIRECT_URI = "http://localhost:33418/callback"
DIRECT_URL = "https://localhost:8000"  # its /mcp is an identifier URI of the MCP Server app

SETUPS = ("proxy", "direct", "api-uri")
DEFAULT_SETUP = "proxy"


def setup_values(name: str, state_dir: Path) -> dict[str, str]:
    """The backend and frontend settings of set-up ``name`` (``state_dir``: the mock's)."""
    if name not in SETUPS:
        raise SettingsError(
            f"stack settings: MCP_SETUP: must be one of {', '.join(SETUPS)}, not {name!r}"
        )
    server = {"BACKEND_CLIENT_ID": MCP_SERVER_CLIENT_ID, "BACKEND_CLIENT_SECRET": MCP_SERVER_SECRET}
    if name == "proxy":
        return server | {"BACKEND_MCP_AUTH": "proxy", "BACKEND_APP_ID_URI": MCP_SERVER_API_URI}
    if name == "direct":
        tls = tls_files(state_dir)
        return server | {
            "BACKEND_URL": DIRECT_URL,
            "BACKEND_APP_ID_URI": f"{DIRECT_URL}/mcp",
            "BACKEND_TLS_CERT": str(tls.server_cert.resolve()),
            "BACKEND_TLS_KEY": str(tls.server_key.resolve()),
        }
    return {}


def with_setup(env: dict[str, str], mock_profile: bool) -> dict[str, str]:
    """``env`` over the values of its ``MCP_SETUP`` (mock profile only)."""
    if not mock_profile:
        return env
    state_dir = Path(env.get("MOCK_ENTRA_STATE_DIR") or MockSettings().state_dir)
    name = env.get("MCP_SETUP") or DEFAULT_SETUP
    return setup_values(name, state_dir) | env


_WHO_CONNECTS = {
    "proxy": "any MCP client: it registers itself with the backend's OAuth proxy",
    "direct": f"a client registered in the tenant (MCP Client, {MCP_CLIENT_ID}, "
    f"redirect {MCP_CLIENT_REDIRECT_URI}), trusting the mock's CA",
    "api-uri": "none that follows the MCP spec: the mock answers AADSTS9010010, as Entra does",
}


def banner_lines(env: dict[str, str]) -> list[str]:
    """What ``make run`` says about MCP clients: the URL, the set-up, who can connect."""
    name = env.get("MCP_SETUP") or DEFAULT_SETUP
    url = env.get("BACKEND_URL", "http://127.0.0.1:8000").rstrip("/") + "/mcp"
    return [f"MCP server: {url}  (MCP_SETUP={name}: {_WHO_CONNECTS.get(name, '?')})"]
