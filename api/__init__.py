"""The HTTP edge: the Litestar app, its controllers, request/response Structs and the CLI."""
