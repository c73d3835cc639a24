"""The active profile: ``.env`` (if present) under the process environment.

One set of variables serves all three services. The default is the mock profile;
``.env.entra.example`` documents the real-Entra one.
"""

from __future__ import annotations

import os
from pathlib import Path

from dotenv import dotenv_values


def load_profile(env_file: Path = Path(".env")) -> dict[str, str]:
    values = {k: v for k, v in dotenv_values(env_file).items() if v is not None}
    return values | {k: v for k, v in os.environ.items()}
