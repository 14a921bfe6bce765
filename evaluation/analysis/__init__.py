"""Analyses of an evaluation: weight suggestions, what-if, headline figures, timeliness,
uncertainty and sensitivity."""
