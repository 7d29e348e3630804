"""Scoring: analyzers turn what Dregs knows of an identity into observations, and the
observations of each category combine into its score. Pure functions, no I/O."""
