"""The team aggregate keeps an admin whatever is done to its members (issue 14)."""

from uuid import uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.accounts.roles import Role, ranks_at_least
from domain.errors import Conflict, DomainError, InvalidInput, OverLimit
from domain.team.limits import Limits
from domain.team.team import Team


def test_the_founder_is_the_admin_and_the_last_admin_stays() -> None:
    founder, member = uuid4(), uuid4()
    team = Team(customer_id=uuid4(), members={str(founder): "ADMIN"})
    team.join(member, "VIEWER")
    with pytest.raises(Conflict, match="last admin"):
        team.change_role(founder, "USER")
    with pytest.raises(Conflict, match="last admin"):
        team.remove(founder)
    assert team.change_role(member, "ADMIN") and team.change_role(founder, "USER")
    assert not team.change_role(founder, "USER")  # already: nothing recorded
    with pytest.raises(InvalidInput):
        team.change_role(member, "OWNER")
    with pytest.raises(Conflict):
        team.join(member, "USER")
    assert team.members == {founder: "USER", member: "ADMIN"}


def test_roles_rank_viewer_user_admin() -> None:
    assert ranks_at_least("ADMIN", Role.USER) and ranks_at_least("USER", Role.VIEWER)
    assert not ranks_at_least("VIEWER", Role.USER) and not ranks_at_least("OWNER", Role.VIEWER)


@given(st.lists(st.tuples(st.sampled_from(["join", "role", "remove", "disable", "enable"]), st.integers(0, 4),
                          st.sampled_from([r.value for r in Role])), max_size=40))  # fmt: skip
def test_no_sequence_of_changes_leaves_a_team_without_an_admin_who_can_sign_in(
    steps: list[tuple[str, int, str]],
) -> None:
    people = [uuid4() for _ in range(5)]
    team = Team(customer_id=uuid4(), members={str(people[0]): "ADMIN"})
    for action, who, role in steps:
        try:
            if action == "join":
                team.join(people[who], role)
            elif action == "role":
                team.change_role(people[who], role)
            elif action == "remove":
                team.remove(people[who])
            else:
                team.set_disabled(people[who], action == "disable")
        except DomainError:
            pass
        assert team.admins() >= 1


def test_an_invitation_is_used_once_within_its_week() -> None:
    from domain.team.invitation import LIFETIME_MICROS, Invitation

    now = 1_764_000_000 * 1_000_000
    invitation = Invitation(customer_id=uuid4(), email="a@example.com", role="USER", invited_by=uuid4(),
                            token_hash="h", expires_at=now + LIFETIME_MICROS)  # fmt: skip
    assert invitation.pending(now) and not invitation.pending(now + LIFETIME_MICROS)
    with pytest.raises(Conflict, match="expired"):
        invitation.accept(now + LIFETIME_MICROS)
    invitation.accept(now + LIFETIME_MICROS - 1)
    with pytest.raises(Conflict, match="already used"):
        invitation.accept(now)
    with pytest.raises(Conflict, match="already used"):
        invitation.revoke()


def test_a_team_is_unlimited_until_limits_are_set_and_keeps_those_not_named() -> None:
    team = Team(customer_id=uuid4(), members={str(uuid4()): "ADMIN"})
    assert team.limits == Limits()
    assert team.set_limits({"members": 2, "rules": 10}) is True
    assert team.set_limits({"rules": 10}) is False  # nothing changes, nothing recorded
    assert team.set_limits({"rules": None, "channels": 0}) is True
    assert team.limits == Limits(members=2, channels=0)
    assert [type(e) for e in team.collect_events()].count(Team.LimitsSet) == 2


def test_a_member_past_the_team_s_limit_is_refused_and_nothing_is_recorded() -> None:
    team = Team(customer_id=uuid4(), members={str(uuid4()): "ADMIN"})
    team.set_limits({"members": 2})
    team.join(uuid4(), "USER")
    team.collect_events()
    with pytest.raises(OverLimit, match="limit of 2 members is reached"):
        team.join(uuid4(), "VIEWER")
    assert team.collect_events() == [] and len(team.members) == 2


@pytest.mark.parametrize("value", [-1, 1.5, True, "10", 10**16])
def test_a_limit_is_a_whole_number_within_bounds_or_none(value: object) -> None:
    with pytest.raises(InvalidInput, match="whole number from 0"):
        Limits.of({"members": value})  # type: ignore[dict-item]


def test_an_unknown_limit_is_named_in_the_refusal() -> None:
    with pytest.raises(InvalidInput, match="No such limit: seats"):
        Limits().changed({"seats": 3})
