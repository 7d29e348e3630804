"""Delays as pure steps (domain/alerting/watch.py) and the conditions rules are made of."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.alerting.conditions import (
    FOR_BADGE_RULES,
    FOR_ESCALATION_RULES,
    Condition,
    Facts,
    all_hold,
    parse_conditions,
)
from domain.alerting.watch import Standing, badge_step, escalation_step, observe
from domain.errors import InvalidInput

S = 1_000_000


@given(
    since=st.integers(0, 10**12),
    delay=st.integers(0, 10**6),
    elapsed=st.integers(0, 2 * 10**6),
)
def test_a_badge_is_applied_exactly_when_its_conditions_held_for_the_delay(
    since: int, delay: int, elapsed: int
) -> None:
    now = since + elapsed * S
    step = badge_step(Standing(True, since), held=False, apply_delay=delay, remove_delay=0, now=now)
    assert step.apply == (elapsed >= delay)
    assert step.due_at == (None if step.apply else since + delay * S)


@given(since=st.integers(0, 10**12), delay=st.integers(0, 10**6), elapsed=st.integers(0, 2 * 10**6))
def test_a_badge_is_removed_exactly_when_its_conditions_stopped_holding_for_the_delay(
    since: int, delay: int, elapsed: int
) -> None:
    step = badge_step(Standing(False, since), held=True, apply_delay=0, remove_delay=delay, now=since + elapsed * S)
    assert step.remove == (elapsed >= delay) and not step.apply


@given(holding=st.booleans(), held=st.booleans(), now=st.integers(0, 10**12))
def test_nothing_is_due_when_the_badge_already_agrees_with_the_conditions(holding: bool, held: bool, now: int) -> None:
    if holding == held:
        assert badge_step(Standing(holding, 0), held, 10, 10, now) == badge_step(Standing(holding, 0), held, 0, 0, now)
        assert badge_step(Standing(holding, 0), held, 10, 10, now).due_at is None


def test_observing_keeps_the_time_the_conditions_last_changed() -> None:
    first = observe(Standing(), True, 5)
    assert first == Standing(True, 5)
    assert observe(first, True, 9) == first
    assert observe(first, False, 12) == Standing(False, 12)


def test_an_escalation_waits_opens_is_cancelled_or_closes() -> None:
    holding = Standing(True, 0)
    assert escalation_step(holding, None, False, 60, None, 10 * S).match
    assert escalation_step(holding, None, False, 60, None, 10 * S).due_at == 60 * S
    assert escalation_step(holding, None, False, 0, None, 0).open_now
    assert escalation_step(holding, "PENDING", False, 60, None, 60 * S).open_now
    assert escalation_step(holding, None, True, 0, None, 0) == escalation_step(holding, "OPEN", False, 0, None, 0)
    cleared = Standing(False, 0)
    assert escalation_step(cleared, "PENDING", False, 60, None, 1).cancel
    assert not escalation_step(cleared, "OPEN", False, 0, None, 10**15).close  # never closes by itself
    assert escalation_step(cleared, "ACKNOWLEDGED", False, 0, 30, 29 * S).due_at == 30 * S
    assert escalation_step(cleared, "ACKNOWLEDGED", False, 0, 30, 30 * S).close


SCORES = {"HUMANITY": 20, "AUTHENTICITY": 70, "UNIQUENESS": 90, "BEHAVIOR": 50}


def facts(**kwargs) -> Facts:  # type: ignore[no-untyped-def]
    return Facts(**{"scores": SCORES, "badges": frozenset({"bot"}), "first_seen": 0, "now": 100 * S, **kwargs})


@pytest.mark.parametrize(
    ("condition", "holds"),
    [
        (Condition("SCORE_LT", "HUMANITY", 30), True),
        (Condition("SCORE_LT", "HUMANITY", 20), False),
        (Condition("SCORE_LTE", "HUMANITY", 20), True),
        (Condition("SCORE_GT", "UNIQUENESS", 89), True),
        (Condition("SCORE_GTE", "BEHAVIOR", 51), False),
        (Condition("SCORE_LT", "ANY", 21), True),
        (Condition("SCORE_GT", "ANY", 90), False),
        (Condition("BADGE_EXISTS", badge="bot"), True),
        (Condition("BADGE_NOT_EXISTS", badge="bot"), False),
        (Condition("IDENTITY_AGE_GT", seconds=99), True),
        (Condition("IDENTITY_AGE_LT", seconds=99), False),
    ],
)
def test_each_condition(condition: Condition, holds: bool) -> None:
    assert all_hold([condition], facts()) is holds


def test_an_unscored_identity_matches_no_score_condition_and_an_empty_rule_matches_nothing() -> None:
    assert not all_hold([Condition("SCORE_LT", "ANY", 101)], facts(scores={}))
    assert not all_hold([], facts())


@pytest.mark.parametrize(
    ("raw", "allowed", "message"),
    [
        ([], FOR_BADGE_RULES, "non-empty"),
        ("SCORE_LT", FOR_BADGE_RULES, "non-empty list"),
        ([{"condition": "BADGE_EXISTS", "badge": "bot"}], FOR_BADGE_RULES, "not allowed here"),
        ([{"condition": "IDENTITY_AGE_LT", "seconds": 5}], FOR_BADGE_RULES, "not allowed here"),
        ([{"condition": "NOPE"}], FOR_ESCALATION_RULES, "condition must be one of"),
        ([{"condition": "SCORE_LT", "category": "MOOD", "threshold": 3}], FOR_BADGE_RULES, "category"),
        ([{"condition": "SCORE_LT", "category": "ANY", "threshold": 101}], FOR_BADGE_RULES, "threshold"),
        ([{"condition": "SCORE_LT", "category": "ANY", "threshold": True}], FOR_BADGE_RULES, "threshold"),
        ([{"condition": "BADGE_EXISTS"}], FOR_ESCALATION_RULES, "badge"),
        ([{"condition": "IDENTITY_AGE_GT", "seconds": -1}], FOR_ESCALATION_RULES, "seconds"),
        ([1], FOR_ESCALATION_RULES, "must be an object"),
    ],
)
def test_refused_conditions_say_why(raw: object, allowed: frozenset[str], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_conditions(raw, allowed)
