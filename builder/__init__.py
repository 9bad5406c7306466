"""Static-site builder for the ML training-emissions leaderboard."""

__version__ = "0.1.0"
