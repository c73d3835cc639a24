"""Repository-wide pytest set-up, loaded before any test module.

FastMCP logs every refused token at INFO through a handler bound to the terminal,
which bypasses pytest's capture and buries the progress output; tests that care
about those answers assert on them directly.
"""

import os

os.environ.setdefault("FASTMCP_LOG_LEVEL", "WARNING")
