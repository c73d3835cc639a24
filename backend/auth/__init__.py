"""Entra access-token validation shared by the MCP server and the fake downstream APIs."""

from backend.auth.checks import TokenPolicy
from backend.auth.errors import InsufficientScope, KeysUnavailable, TokenRejected
from backend.auth.keys import JwksCache
from backend.auth.validator import TokenValidator, ValidatedToken, token_ref

__all__ = [
    "InsufficientScope",
    "JwksCache",
    "KeysUnavailable",
    "TokenPolicy",
    "TokenRejected",
    "TokenValidator",
    "ValidatedToken",
    "token_ref",
]
