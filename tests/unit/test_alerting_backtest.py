"""The backtest's replay (domain/alerting/backtest.py): where two timelines part, and a draft judged on recorded
decisions exactly as the live evaluator (application/alerting/evaluator.py, on the library's in-memory store, its
delay timer run by hand) judges the same decisions as they come."""

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.alerting.backtest import (
    BADGE,
    ESCALATION,
    Backtest,
    BadgeChange,
    BadgeTerms,
    Change,
    EscalationTerms,
    Moment,
    RuleHistory,
    parting,
    rule_badges_at,
)
from domain.alerting.conditions import Condition
from domain.alerting.identity_alerts import IdentityAlerts
from domain.alerting.sighting import Sighting
from domain.times import from_micros, to_micros
from tests.unit.test_alerting_evaluator import BOT, T0, World

S = 1_000_000
START = to_micros(T0)
LOW = (Condition("SCORE_LT", category="HUMANITY", threshold=30),)


def scores(humanity: int) -> dict[str, int]:
    return {"HUMANITY": humanity, "AUTHENTICITY": 80, "UNIQUENESS": 80, "BEHAVIOR": 80}


def moments(decisions: list[tuple[int, int]], identity: str = "u1") -> list[Moment]:
    """(seconds after T0, humanity) → one decision each, cycles numbered in order."""
    return [Moment(identity, START + s * S, i + 1, scores(h), first_seen=START) for i, (s, h) in enumerate(decisions)]


def replayed(kind: str, draft: RuleHistory, baseline: RuleHistory, decisions: list[tuple[int, int]], until: int,
             **extra: Any) -> tuple[Change, ...]:  # fmt: skip
    test = Backtest(kind, draft, baseline, **extra)
    for m in moments(decisions):
        test.decision(m)
    return test.finish(START + until * S).changes


# --- where two timelines part --------------------------------------------------------------------------------


def _value(timeline: list[tuple[int, bool]], t: int) -> bool:
    found = False
    for at, value in timeline:
        if at <= t:
            found = value
    return found


timelines = st.lists(st.tuples(st.integers(0, 40), st.booleans()), max_size=12).map(
    lambda changes: sorted(changes, key=lambda c: c[0])
)


@given(draft=timelines, baseline=timelines)
def test_the_parts_are_exactly_the_instants_where_the_timelines_disagree(
    draft: list[tuple[int, bool]], baseline: list[tuple[int, bool]]
) -> None:
    parts = parting(draft, baseline)
    for t in range(-1, 42):
        covering = [p for p in parts if p[1] <= t and (p[2] is None or t < p[2])]
        mine, theirs = _value(draft, t), _value(baseline, t)
        assert len(covering) == (mine != theirs), (t, parts)
        if covering:
            assert covering[0][0] == mine
    # In time order, none empty, each ending where the next may begin; only the last may run to the end.
    assert all(p[2] is None or p[1] < p[2] for p in parts)
    assert all(a[2] is not None and a[2] <= b[1] for a, b in zip(parts, parts[1:], strict=False))


def test_a_switch_from_one_side_to_the_other_at_one_instant_is_two_parts() -> None:
    assert parting([(1, True), (5, False)], [(5, True)]) == [(True, 1, 5), (False, 5, None)]
    assert parting([(1, True)], [(1, True)]) == []


# --- the live evaluator's twin ---------------------------------------------------------------------------------


def live_timeline(world: World, shows: Callable[[Any, IdentityAlerts | None], bool],
                  decisions: list[tuple[int, int]], until: int) -> list[tuple[int, bool]]:  # fmt: skip
    """What the identity showed as the live rules judged these decisions as they came, and each delay as it ran out
    (the DelayTimer's job, done here by evaluating at the identity's due time)."""
    timeline: list[tuple[int, bool]] = []
    shown = False
    last: dict[str, int] = {}

    def evaluate(at: int, cycle: int | None) -> None:
        nonlocal shown
        sighting = Sighting("u1", scores(last["humanity"]), first_seen=START, cycle_id=cycle, scored_at=from_micros(at))
        outcome = world.evaluator.evaluate(world.team, sighting, from_micros(at))
        now = shows(outcome, world.app.get(IdentityAlerts.create_id(world.team, "u1"), IdentityAlerts))
        if now != shown:
            shown = now
            timeline.append((at, now))

    def timers(before: int) -> None:
        for _ in range(100):
            alerts = world.app.get(IdentityAlerts.create_id(world.team, "u1"), IdentityAlerts)
            if alerts is None or alerts.due_at is None or alerts.due_at >= before:
                return
            evaluate(alerts.due_at, None)
        raise AssertionError("the delay timer never settled")

    for cycle, (seconds, humanity) in enumerate(decisions, 1):
        at = START + seconds * S
        if last:
            timers(at)
        last["humanity"] = humanity
        evaluate(at, cycle)
    timers(START + until * S)
    return timeline


decision_lists = st.lists(st.tuples(st.integers(0, 1500), st.sampled_from([10, 90])), min_size=1, max_size=8).map(
    lambda gaps: [(sum(g for g, _ in gaps[: i + 1]), h) for i, (_, h) in enumerate(gaps)]
)
DELAYS = st.sampled_from([0, 60, 600, 1500])
UNTIL = 20_000  # seconds after T0: past the last decision and every delay


@settings(max_examples=60)
@given(decisions=decision_lists, apply_delay=DELAYS, remove_delay=DELAYS)
def test_a_new_badge_rule_is_gained_exactly_when_the_live_evaluator_gives_its_badge(
    decisions: list[tuple[int, int]], apply_delay: int, remove_delay: int
) -> None:
    world = World()
    world.badge_rule(apply_delay=apply_delay, remove_delay=remove_delay)
    live = live_timeline(world, lambda outcome, _: any(b["slug"] == "bot" for b in outcome.badges), decisions, UNTIL)
    draft = RuleHistory.draft(BadgeTerms(LOW, apply_delay, remove_delay))
    changes = replayed(BADGE, draft, RuleHistory(), decisions, UNTIL)
    assert [(c.at, c.until) for c in changes] == [(at, until) for _, at, until in parting(live, [])]
    assert {c.change for c in changes} <= {"GAIN"}


@settings(max_examples=60)
@given(decisions=decision_lists, open_after=DELAYS, close_after=st.sampled_from([None, 0, 300, 1200]))
def test_a_new_escalation_rule_opens_and_closes_exactly_when_the_live_evaluator_does(
    decisions: list[tuple[int, int]], open_after: int, close_after: int | None
) -> None:
    world = World()
    rule = world.escalation_rule(channels=(), open_after=open_after, close_after=close_after)

    def is_open(_: Any, alerts: IdentityAlerts | None) -> bool:
        return alerts is not None and alerts.watch(rule.number)["status"] == "OPEN"

    live = live_timeline(world, is_open, decisions, UNTIL)
    draft = RuleHistory.draft(EscalationTerms(LOW, open_after, close_after))
    changes = replayed(ESCALATION, draft, RuleHistory(), decisions, UNTIL)
    assert [(c.change, c.at, c.until) for c in changes] == [("OPEN", at, until) for _, at, until in parting(live, [])]


# --- a change to a rule, against the rule as it stood ------------------------------------------------------------


def test_a_longer_apply_delay_loses_the_badge_until_it_runs_out() -> None:
    baseline = RuleHistory(((START - S, BadgeTerms(LOW)),))
    draft = RuleHistory.draft(BadgeTerms(LOW, apply_delay=600))
    changes = replayed(BADGE, draft, baseline, [(0, 10), (100, 10)], 2000)
    assert changes == (Change("u1", "LOSE", START, START + 600 * S),)


def test_a_draft_is_judged_against_each_version_of_the_rule_when_it_was_in_force() -> None:
    # The rule gave the badge below 30 until it was changed, 500 s in, to below 5: at the change the live rules
    # judged every scored identity again (and took the badge away), as the replay does.
    stricter = BadgeTerms((Condition("SCORE_LT", category="HUMANITY", threshold=5),))
    baseline = RuleHistory(((START - S, BadgeTerms(LOW)), (START + 500 * S, stricter)))
    draft = RuleHistory.draft(BadgeTerms(LOW))
    changes = replayed(BADGE, draft, baseline, [(0, 10), (1000, 10)], 2000)
    assert changes == (Change("u1", "GAIN", START + 500 * S, None),)


def test_a_rule_made_after_the_decisions_is_no_rule_before_it_and_judged_when_made() -> None:
    baseline = RuleHistory(((START + 300 * S, BadgeTerms(LOW)),))
    draft = RuleHistory.draft(BadgeTerms(LOW))
    assert replayed(BADGE, draft, baseline, [(0, 10)], 1000) == (Change("u1", "GAIN", START, START + 300 * S),)


def test_a_disabled_draft_loses_what_the_rule_gives() -> None:
    baseline = RuleHistory(((START - S, BadgeTerms(LOW)),))
    draft = RuleHistory.draft(BadgeTerms(LOW, active=False))
    assert replayed(BADGE, draft, baseline, [(0, 10), (60, 90)], 100) == (Change("u1", "LOSE", START, START + 60 * S),)


def test_an_escalation_rule_not_yet_effective_opens_nothing_then() -> None:
    draft = RuleHistory.draft(EscalationTerms(LOW, effective_at=START + 100 * S))
    assert replayed(ESCALATION, draft, RuleHistory(), [(0, 10), (50, 10), (150, 10)], 300) == (
        Change("u1", "OPEN", START + 150 * S, None),
    )


def test_a_cycle_not_above_the_last_one_judged_is_skipped_as_the_evaluator_skips_it() -> None:
    test = Backtest(BADGE, RuleHistory.draft(BadgeTerms(LOW)), RuleHistory())
    assert test.decision(Moment("u1", START, 5, scores(90)))
    assert not test.decision(Moment("u1", START + S, 4, scores(10)))  # an older cycle logged later
    assert test.decision(Moment("u2", START + S, 4, scores(10)))  # another identity's
    outcome = test.finish(START + 10 * S)
    assert (outcome.identities, outcome.decisions, outcome.identities_changed) == (2, 2, 1)
    assert outcome.changes == (Change("u2", "GAIN", START + S, None),)


# --- escalation rules that ask for the team's badges ---------------------------------------------------------------


def test_rule_badges_are_as_recorded_by_the_decision_and_by_its_own_evaluation() -> None:
    changes = [
        BadgeChange(START + 10, 1, frozenset({"a"}), frozenset()),
        BadgeChange(START + 30, None, frozenset({"b"}), frozenset({"a"})),
        BadgeChange(START + 45, 2, frozenset({"c"}), frozenset()),  # recorded just after cycle 2 finished at +40
    ]
    assert rule_badges_at(changes, 1, START + 5) == {"a"}  # its own evaluation's change
    assert rule_badges_at(changes, 2, START + 40) == {"b", "c"}
    assert rule_badges_at(changes, None, START + 40) == {"b"}


def test_an_escalation_asking_for_a_badge_opens_when_an_evaluation_without_a_decision_gives_it() -> None:
    # A badge rule's delay ran out 600 s after the decision: the live rules gave the badge then, and judged the
    # escalation rules in the same evaluation.
    wants = (Condition("BADGE_EXISTS", badge="slow"),)
    given_later = {"u1": [BadgeChange(START + 600 * S, None, frozenset({"slow"}), frozenset())]}
    changes = replayed(ESCALATION, RuleHistory.draft(EscalationTerms(wants)), RuleHistory(), [(0, 10)], 1000,
                       badge_changes=lambda identity: given_later.get(identity, ()))  # fmt: skip
    assert changes == (Change("u1", "OPEN", START + 600 * S, None),)


def test_a_draft_asking_for_no_badge_never_reads_them() -> None:
    asked: list[str] = []
    test = Backtest(BADGE, RuleHistory.draft(BadgeTerms(LOW)), RuleHistory(), lambda i: asked.append(i) or ())
    test.decision(Moment("u1", START, 1, scores(10)))
    assert asked == [] and not test.uses_badges


def test_a_rule_history_is_in_force_from_each_version_and_refuses_disorder() -> None:
    first, second = BadgeTerms(LOW), BadgeTerms(LOW, apply_delay=5)
    history = RuleHistory(((10, first), (20, second)))
    assert (history.at(9), history.at(10), history.at(19), history.at(20)) == (None, first, first, second)
    assert history.changed == (10, 20) and RuleHistory.draft(first).changed == ()
    with pytest.raises(ValueError, match="oldest first"):
        RuleHistory(((20, first), (10, second)))


def test_only_the_two_kinds_of_rule() -> None:
    with pytest.raises(ValueError, match="no such kind"):
        Backtest("channel", RuleHistory(), RuleHistory())


def test_the_twins_compare_one_rule() -> None:
    """The live world's rule (BOT) is the draft's (LOW), and UNTIL lies past the last decision and every delay."""
    assert [Condition.from_dict(c) for c in BOT] == list(LOW)
    assert UNTIL > 8 * 1500 + 1500 * 2
