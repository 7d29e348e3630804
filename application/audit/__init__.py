"""The auditors' use cases: time travel, verified replay, backtests, tamper-evident export, erasure."""
