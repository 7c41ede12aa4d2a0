"""``python -m callsim.cli``: the same command as ``callsim``."""

import sys

from callsim.cli import main

sys.exit(main())
