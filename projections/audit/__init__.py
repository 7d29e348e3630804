"""Read models of the audit context, and the indexes its use cases read the stores through."""
