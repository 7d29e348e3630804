"""Alerting's use cases: rule and channel commands, the process that evaluates rules after each
cycle, and the notification policy that freezes delivery records."""
