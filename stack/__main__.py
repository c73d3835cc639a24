"""``python -m stack [run|check|export-entra|parity|e2e-real]``."""

import sys

from stack.cli import main

sys.exit(main())
