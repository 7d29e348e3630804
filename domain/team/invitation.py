"""An invitation to join a team: an admin names an email address and a role, the person gets a link with a
single-use token, and accepting it creates their account in the team. Only a keyed hash of the token is
recorded, and the aggregate's id is derived from that hash, so accepting is one lookup by id."""

from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.errors import Conflict

_NAMESPACE = UUID("a4c1e1f4-5b7e-4b0e-9d0f-3c9f1e2d7a55")
LIFETIME_MICROS = 7 * 86_400 * 1_000_000  # a week


class Invitation(Aggregate):
    @staticmethod
    def create_id(token_hash: str) -> UUID:
        return uuid5(_NAMESPACE, token_hash)

    @event("Issued")
    def __init__(  # noqa: PLR0913 - everything the invitation promises
        self, customer_id: UUID, email: str, role: str, invited_by: UUID, token_hash: str, expires_at: int
    ) -> None:
        self.customer_id = customer_id
        self.email = email
        self.role = role
        self.invited_by = invited_by
        self.token_hash = token_hash
        self.expires_at = expires_at  # µs since the epoch
        self.status = "PENDING"

    def pending(self, now: int) -> bool:
        return self.status == "PENDING" and now < self.expires_at

    def accept(self, now: int) -> None:
        if self.status != "PENDING":
            raise Conflict("This invitation was already used or revoked")
        if now >= self.expires_at:
            raise Conflict("This invitation has expired: ask an admin of the team for a new one")
        self._accepted()

    def revoke(self) -> None:
        if self.status != "PENDING":
            raise Conflict("This invitation was already used or revoked")
        self._revoked()

    @event("Accepted")
    def _accepted(self) -> None:
        self.status = "ACCEPTED"

    @event("Revoked")
    def _revoked(self) -> None:
        self.status = "REVOKED"
