"""``python -m discretion``: the same as the ``discretion`` command."""

import sys

from .cli import main

sys.exit(main())
