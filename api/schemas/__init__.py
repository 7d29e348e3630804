"""Request and response Structs. Responses list their fields explicitly: nothing
internal (tenant ids, hashes, storage positions) can leak by accident."""
