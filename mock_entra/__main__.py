import sys

from mock_entra.cli import main

sys.exit(main())
