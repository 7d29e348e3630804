"""The audit context: what an auditor checks against the recorded history."""
