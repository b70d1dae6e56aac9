"""Allow ``python -m painkg``."""

import sys

from .cli import main

sys.exit(main())
