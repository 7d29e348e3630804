"""`python -m uvicorn ...` with one fix: the listening socket that uvicorn's
multi-worker supervisor binds gets proto=IPPROTO_TCP.

Without it (uvicorn <= 0.54 at least, https://github.com/Kludex/uvicorn/issues/3149)
`--workers N` leaves Nagle's algorithm on for every accepted connection: asyncio
only sets TCP_NODELAY when the socket reports proto == IPPROTO_TCP, and
Config.bind_socket() leaves it 0. Every keep-alive response then arrives in two
segments, the second one only after the client's delayed ACK: ~40 ms per request.
The single-worker path (asyncio binds from host/port) is not affected.

bench/ingest.py starts every variant through this launcher so that --workers 2
compares servers, not that bug; the `dregs-cli` variant stays the literal CLI.
"""

import socket
import sys

import uvicorn.config
import uvicorn.main

_bind_socket = uvicorn.config.Config.bind_socket


def bind_socket(self: uvicorn.config.Config) -> socket.socket:
    sock = _bind_socket(self)
    if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.proto != socket.IPPROTO_TCP:
        fixed = socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())
        fixed.set_inheritable(True)
        return fixed
    return sock


uvicorn.config.Config.bind_socket = bind_socket  # type: ignore[method-assign]

if __name__ == "__main__":
    sys.exit(uvicorn.main.main())
