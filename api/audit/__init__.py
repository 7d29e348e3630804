"""The audit context at the edge: an identity's record for auditors, its timeline and its tamper-evident export."""
