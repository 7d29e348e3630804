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
        # Bumped whenever every session must end (password change); tokens carry it.
        self.token_version = 1

    @event("PasswordChanged")
    def change_password(self, password_hash: str) -> None:
        self.password_hash = password_hash
        self.token_version += 1
