"""What the team's members routes take and answer."""

import msgspec

from domain.accounts.roles import Role


class MemberOut(msgspec.Struct, rename="camel"):
    id: str
    email: str
    name: str
    role: Role


class MemberPatchIn(msgspec.Struct, forbid_unknown_fields=True):
    role: Role
