"""``mock-entra check-mcp``: whether MCP clients will connect to an MCP server protected by Entra.

Works for anyone's server: :mod:`~mock_entra.mcp_check.command` (the command),
:mod:`~.server` (what the server advertises), :mod:`~.clients` (what stock clients send;
the MCP python SDK is imported only there, only if installed), :mod:`~.verdicts` and
:mod:`~.metadata` (the judgements), :mod:`~.report` (the text).
"""
