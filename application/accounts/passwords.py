"""bcrypt at cost 12. Hashing is slow on purpose: callers run it off the event loop."""

import bcrypt

from domain.errors import InvalidInput
from domain.text import check_storable

ROUNDS = 12
MIN_CHARS = 8
MAX_BYTES = 72  # bcrypt's limit; longer passwords are refused, never truncated

# Verifying against this when the account is unknown keeps both failures equally slow.
_DUMMY_HASH = bcrypt.hashpw(b"dregs-dummy-password", bcrypt.gensalt(ROUNDS)).decode()


def check_password_policy(password: str) -> None:
    if len(password) < MIN_CHARS:
        raise InvalidInput(f"password must be at least {MIN_CHARS} characters long")
    # Never stored as text, but NUL ends a password in many bcrypt implementations, and a
    # surrogate has no UTF-8 bytes to hash at all.
    check_storable("password", password)
    if len(password.encode("utf-8")) > MAX_BYTES:
        raise InvalidInput(f"password must be at most {MAX_BYTES} bytes long in UTF-8")


def hash_password(password: str) -> str:
    check_password_policy(password)
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(ROUNDS)).decode()


def verify_password(password: str, password_hash: str | None) -> bool:
    # A password with a surrogate can never have been set (see check_password_policy): refuse it
    # as a wrong one, not with an encoding error.
    encoded = password.encode("utf-8", "surrogatepass")
    if len(encoded) > MAX_BYTES:
        # bcrypt 5 raises on these; such a password can never have been set.
        bcrypt.checkpw(b"x", _DUMMY_HASH.encode())
        return False
    ok = bcrypt.checkpw(encoded, (password_hash or _DUMMY_HASH).encode())
    return ok and password_hash is not None
