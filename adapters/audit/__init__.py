"""The audit context's adapters: reading the recorded history in bulk."""
