"""Dashboard sessions: HS256 JWTs that carry the user's token version, so a
password change ends every earlier session at once, whatever its expiry."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

import jwt

from domain.accounts.user import User

ALGORITHM = "HS256"
AUDIENCE = "dregs-dashboard"
ISSUER = "dregs"


@dataclass(frozen=True)
class SessionToken:
    token: str
    expires_at: datetime


@dataclass(frozen=True)
class SessionClaims:
    user_id: UUID
    token_version: int


class InvalidSession(Exception):
    pass


def issue(user: User, secret: str, ttl_seconds: int, now: datetime | None = None) -> SessionToken:
    now = now or datetime.now(UTC)
    expires_at = now + timedelta(seconds=ttl_seconds)
    claims = {
        "sub": str(user.id),
        "iat": now,
        "exp": expires_at,
        "aud": AUDIENCE,
        "iss": ISSUER,
        "ver": user.token_version,
    }
    return SessionToken(jwt.encode(claims, secret, algorithm=ALGORITHM), expires_at)


def verify(token: str, secret: str) -> SessionClaims:
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],  # pinned: never trust the token's own header
            audience=AUDIENCE,
            issuer=ISSUER,
            options={"require": ["sub", "exp", "iat", "aud", "iss", "ver"]},
        )
        return SessionClaims(UUID(claims["sub"]), int(claims["ver"]))
    except (jwt.PyJWTError, ValueError, TypeError) as exc:
        raise InvalidSession(str(exc)) from None
