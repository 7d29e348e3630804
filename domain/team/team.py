"""A team's members and their roles, one aggregate per team, so the team's rules about its members are kept in
one place and under one version: the team always keeps an admin, and two admins demoting each other at the
same moment cannot both succeed (the second save finds the team changed and is refused).

A team signed up before members were kept here has no record yet: the first change to its members founds it
with the members it has (application/team/members.py team_of), and every rule holds from then on."""

from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.accounts.roles import Role, role_named
from domain.errors import Conflict, InvalidInput
from domain.team.limits import Limits

_NAMESPACE = UUID("6f1d7c2a-49a8-4a63-9a35-0d6c3f0e8b11")


class Team(Aggregate):
    @staticmethod
    def create_id(customer_id: UUID) -> UUID:
        return uuid5(_NAMESPACE, str(customer_id))

    @event("Founded")
    def __init__(self, customer_id: UUID, members: dict[str, str]) -> None:
        """`members`: user id (text) → role; a new team's founder, or an older team's members as it had them."""
        self.customer_id = customer_id
        self.members = {UUID(user): role for user, role in members.items()}
        self.disabled: set[UUID] = set()
        self.limits = Limits()

    def admins(self) -> int:
        """The admins who can sign in: a disabled admin keeps no team."""
        return sum(self._keeps_the_team(user) for user in self.members)

    def _keeps_the_team(self, user_id: UUID) -> bool:
        return self.members.get(user_id) == Role.ADMIN.value and user_id not in self.disabled

    def join(self, user_id: UUID, role: str) -> None:
        role = role_named(role)
        if user_id in self.members:
            raise Conflict("This person is already a member of the team")
        self.limits.allow_one_more("members", len(self.members))
        self._joined(user_id=user_id, role=role)

    def change_role(self, user_id: UUID, role: str) -> bool:
        """False when the member already has the role (nothing recorded)."""
        role = role_named(role)
        if self._member(user_id) == role:
            return False
        if self._keeps_the_team(user_id):
            self._keep_an_admin("demoted")
        self._role_changed(user_id=user_id, role=role)
        return True

    def remove(self, user_id: UUID) -> None:
        self._member(user_id)
        if self._keeps_the_team(user_id):
            self._keep_an_admin("removed")
        self._removed(user_id=user_id)

    def set_disabled(self, user_id: UUID, disabled: bool) -> bool:
        """False when the member already was so (nothing recorded)."""
        self._member(user_id)
        if disabled == (user_id in self.disabled):
            return False
        if disabled:
            if self._keeps_the_team(user_id):
                self._keep_an_admin("disabled")
            self._disabled(user_id=user_id)
        else:
            self._enabled(user_id=user_id)
        return True

    def set_limits(self, values: dict[str, int | None]) -> bool:
        """Set these limits (None: unlimited), keep the others; False when nothing changes (nothing recorded)."""
        limits = self.limits.changed(values)
        if limits == self.limits:
            return False
        self._limits_set(customer_id=self.customer_id, limits=limits.as_dict())
        return True

    def _member(self, user_id: UUID) -> str:
        role = self.members.get(user_id)
        if role is None:
            raise InvalidInput("No such member in this team")
        return role

    def _keep_an_admin(self, what: str) -> None:
        if self.admins() <= 1:
            raise Conflict(f"The team's last admin cannot be {what}: make another member an admin first")

    @event("MemberJoined")
    def _joined(self, user_id: UUID, role: str) -> None:
        self.members[user_id] = role

    @event("RoleChanged")
    def _role_changed(self, user_id: UUID, role: str) -> None:
        self.members[user_id] = role

    @event("MemberRemoved")
    def _removed(self, user_id: UUID) -> None:
        del self.members[user_id]
        self.disabled.discard(user_id)

    @event("MemberDisabled")
    def _disabled(self, user_id: UUID) -> None:
        self.disabled.add(user_id)

    @event("MemberEnabled")
    def _enabled(self, user_id: UUID) -> None:
        self.disabled.discard(user_id)

    @event("LimitsSet")
    def _limits_set(self, customer_id: UUID, limits: dict[str, int | None]) -> None:
        self.limits = Limits.of(limits)
