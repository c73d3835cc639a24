"""The active profile: ``.env`` (if present) under the process environment.

One set of variables serves all three services. The default is the mock profile, with
the MCP set-up ``MCP_SETUP`` chooses (``stack.setups``) under what is set;
``.env.entra.example`` documents the real-Entra one.
"""

from __future__ import annotations

import os
from pathlib import Path

from dotenv import dotenv_values

from stack.services import uses_mock
from stack.setups import with_setup


def load_profile(env_file: Path = Path(".env")) -> dict[str, str]:
    values = {k: v for k, v in dotenv_values(env_file).items() if v is not None}
    env = values | {k: v for k, v in os.environ.items()}
    return with_setup(env, uses_mock(env))
