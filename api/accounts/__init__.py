"""Accounts at the edge: sign-up, login, the signed-in account, its password, and API credentials."""
