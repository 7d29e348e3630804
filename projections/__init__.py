"""Read models built from the notification logs, and the queries the API serves from them."""
