"""Alerting's ports to the outside: the arq worker, the signed webhook sender, the mailer and Slack."""
