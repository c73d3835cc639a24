"""What the runner sends an MCP server: the streamable-HTTP headers and ``initialize``."""

# Streamable HTTP: a client accepts both answer forms (MCP 2025-06-18, basic/transports).
MCP_HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
# The JSON-RPC request that opens an MCP session (MCP 2025-06-18, basic/lifecycle).
INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-06-18",
        "capabilities": {},
        "clientInfo": {"name": "mock-entra-scenarios", "version": "1"},
    },
}
