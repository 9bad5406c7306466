"""`python -m builder` runs the same command line as `leaderboard`."""

import sys

from builder.cli import main

sys.exit(main())
