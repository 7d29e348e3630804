"""The team context's read models: members, invitations, the account activity log."""
