"""The server itself: its health, a landing page, and the API's description."""
