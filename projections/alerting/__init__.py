"""Alerting's read models: rules, escalations, channels and delivery attempts, and their queries."""
