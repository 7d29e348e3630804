"""Scoring at the edge: an identity's scores, analysis cycles, history, links and reviews, and datasets."""
