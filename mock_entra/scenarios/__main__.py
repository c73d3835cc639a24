"""``python -m mock_entra.scenarios TARGET``: the catalog against your API."""

import sys

from mock_entra.scenarios.command import cli

sys.exit(cli())
