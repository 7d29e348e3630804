"""Pure domain: aggregates, value objects and rules. No I/O and no framework imports."""
