"""The team context's aggregates and rules: members, roles, invitations, per-team limits."""
