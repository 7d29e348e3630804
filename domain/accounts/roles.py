"""A team member's role. Each ranks above the one before it and may do all it may: a VIEWER reads (auditors,
support), a USER also works identities and escalations, an ADMIN also changes the team's settings, members and
credentials."""

from enum import StrEnum

from domain.errors import InvalidInput


class Role(StrEnum):
    VIEWER = "VIEWER"
    USER = "USER"
    ADMIN = "ADMIN"


_RANK = {Role.VIEWER: 0, Role.USER: 1, Role.ADMIN: 2}


def ranks_at_least(role: str, least: Role) -> bool:
    """Whether a member of `role` may do what needs `least`; an unknown role may do nothing."""
    try:
        return _RANK[Role(role)] >= _RANK[least]
    except ValueError:
        return False


def role_named(role: str) -> str:
    """The role's name, or a clear refusal for a name that is no role."""
    try:
        return Role(role).value
    except ValueError:
        raise InvalidInput(f"role must be one of {', '.join(r.value for r in Role)}") from None
