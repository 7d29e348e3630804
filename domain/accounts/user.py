"""A person who signs in to the dashboard. The id is derived from the email, so
the event store enforces one account per email address."""

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.ids import user_id_for_email


class User(Aggregate):
    @staticmethod
    def create_id(email: str) -> UUID:
        return user_id_for_email(email)

    @event("Registered")
    def __init__(self, email: str, name: str, customer_id: UUID, role: str, password_hash: str) -> None:
        self.email = email
        self.name = name
        self.customer_id = customer_id
        self.role = role
        self.password_hash = password_hash
        # Bumped whenever every session must end (password or role changed, removed); tokens carry it.
        self.token_version = 1
        self.removed = False
        self.disabled = False

    @event("PasswordChanged")
    def change_password(self, password_hash: str) -> None:
        self.password_hash = password_hash
        self.token_version += 1

    @event("RoleChanged")
    def change_role(self, role: str) -> None:
        # A session carries what its user could do when it began: it ends, and the next one carries the new role.
        self.role = role
        self.token_version += 1

    @event("Removed")
    def remove(self) -> None:
        """Removed from the team: every session ends, and the account can no longer sign in."""
        self.removed = True
        self.token_version += 1

    @event("Disabled")
    def disable(self) -> None:
        """Disabled by an admin: every session ends, and the account cannot sign in until enabled."""
        self.disabled = True
        self.token_version += 1

    @event("Enabled")
    def enable(self) -> None:
        self.disabled = False

    @property
    def active(self) -> bool:
        return not self.removed and not self.disabled
