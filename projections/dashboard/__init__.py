"""The dashboard's own read models (counters and histograms) and the queries its pages run."""
