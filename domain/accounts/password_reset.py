"""A password reset asked for by email: a single-use token, good for an hour. Only a keyed hash of the token is
recorded, and the aggregate's id is derived from it, so using it is one lookup by id; it is saved with the new
password in one recording, so a second use, even at the same moment, is refused."""

from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.errors import Conflict

_NAMESPACE = UUID("0c6f3f9e-8a2b-4f4e-9a77-1e5d2b8c4d21")
LIFETIME_MICROS = 3600 * 1_000_000  # an hour


class PasswordReset(Aggregate):
    @staticmethod
    def create_id(token_hash: str) -> UUID:
        return uuid5(_NAMESPACE, token_hash)

    @event("Requested")
    def __init__(self, user_id: UUID, token_hash: str, expires_at: int) -> None:
        self.user_id = user_id
        self.token_hash = token_hash
        self.expires_at = expires_at  # µs since the epoch
        self.used = False

    def use(self, now: int) -> None:
        if self.used:
            raise Conflict("This reset link was already used: ask for a new one")
        if now >= self.expires_at:
            raise Conflict("This reset link has expired: ask for a new one")
        self._used()

    @event("Used")
    def _used(self) -> None:
        self.used = True
