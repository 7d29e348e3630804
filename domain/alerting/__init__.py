"""Alerting's aggregates and pure rules: badge rules, escalation rules and their conditions,
escalations, channels and deliveries."""
