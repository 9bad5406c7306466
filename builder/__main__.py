"""`python -m builder` runs the same command line as `leaderboard`."""

from builder.cli import run

run()
