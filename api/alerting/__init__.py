"""Alerting's HTTP surface: badge rules, escalation rules, escalations, channels and deliveries."""
