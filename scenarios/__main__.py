"""``python -m scenarios report [--target inprocess|running|entra] [--out DIR]``."""

import sys

from scenarios.report import main

sys.exit(main())
