"""The team context's use cases: invitations, role changes, account lifecycle."""
