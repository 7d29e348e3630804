"""Verified replay, the pure part: a recorded decision run again under its own rules version, with the datasets
as they stood, is VERIFIED, DIVERGED with a readable diff, or NOT_REPLAYABLE with its reason; and the decoder
the replay reads the log with gives exactly what the application's mapper gives."""

import dataclasses
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

from application.audit.decoding import FastDecoder
from application.transcoder import TOPIC as TRANSCODER
from domain.audit.kept_rules import KEPT_RULES, Rules
from domain.audit.replay import Difference, Outcome, RecordedDecision, replay, split_datasets_version
from domain.audit.team_datasets import ReplayDatasets, TeamDatasetsHistory, team_position
from domain.scoring.activity import Activity
from domain.scoring.analyzer_badges import analyzer_badges
from domain.scoring.analyzers import RULES_VERSION
from domain.scoring.categories import Category
from domain.scoring.datasets import DISPOSABLE_EMAIL_DOMAINS, Datasets, overlay
from domain.scoring.fraud_decision import Evaluation, FraudDecision, evaluate
from domain.scoring.link_keys import KeyKind
from domain.scoring.observation import Observation
from domain.scoring.profile import IdentityProfile

SHIPPED = Datasets({DISPOSABLE_EMAIL_DOMAINS: frozenset({"mailinator.com"})}, "disposable==1.0,nicknames==2.0+local")
TEAM = UUID("00000000-0000-4000-8000-000000000001")
S = 1_000_000
T0 = 1_764_000_000 * S


def taken_over() -> IdentityProfile:
    """Failed logins, then a way in from a network the account never used: the takeover analyzer's finding,
    sure enough for its badge."""
    activity = Activity()
    activity.observe(T0 - 30 * 86_400 * S, "REGISTRATION")
    for i in range(4):
        activity.observe(T0 + i * 30 * S, "LOGIN_FAILED")
    activity.observe(T0 + 400 * S, "LOGIN")
    sources = ((KeyKind.IP, "203.0.113.5", T0 - 30 * 86_400 * S), (KeyKind.IP, "198.51.100.7", T0))
    fields = {"EMAIL": "ada@corp-mail.example", "FULL_NAME": "Ada Lovelace"}
    return IdentityProfile("victim", fields, activity, key_count=3, sources=sources)


def recorded(
    profile: IdentityProfile, datasets: Datasets, *, cycle: int = 7, rules_version: str = RULES_VERSION
) -> RecordedDecision:
    """A decision as the scoring engine records it, read back as the replay reads it."""
    evaluation = evaluate(profile, datasets)
    now = datetime(2026, 12, 1, tzinfo=UTC)
    decision = FraudDecision.from_evaluation(
        TEAM,
        cycle,
        profile,
        evaluation,
        started_at=now,
        finished_at=now,
        inputs_position=1,
        rules_version=rules_version,
        datasets_version=datasets.version,
        mappings_version="m0",
    )
    (decided,) = decision.collect_events()
    assert isinstance(decided, FraudDecision.Decided)
    return RecordedDecision.of(decided)


def shipped_only() -> ReplayDatasets:
    return ReplayDatasets(SHIPPED, TeamDatasetsHistory())


def with_team_entry(position: int, domain: str) -> ReplayDatasets:
    history = TeamDatasetsHistory()
    history.apply(position, TEAM, DISPOSABLE_EMAIL_DOMAINS, domain, present=True)
    return ReplayDatasets(SHIPPED, history)


def changed(decision: RecordedDecision, **fields: Any) -> RecordedDecision:
    return dataclasses.replace(decision, **fields)


def test_a_decision_replays_to_what_it_recorded() -> None:
    decision = recorded(taken_over(), overlay(SHIPPED, {}, "c0"))
    assert decision.badges, "the profile must earn the takeover badge, so badges are compared too"
    result = replay(decision, shipped_only())
    assert result.outcome is Outcome.VERIFIED and result.verified and result.differences == () and not result.reason


def test_a_changed_score_is_a_divergence_naming_the_category_and_both_values() -> None:
    decision = recorded(taken_over(), overlay(SHIPPED, {}, "c0"))
    true_score = decision.scores["BEHAVIOR"]
    result = replay(changed(decision, scores={**decision.scores, "BEHAVIOR": 99}), shipped_only())
    assert result.outcome is Outcome.DIVERGED
    assert result.differences == (Difference("score", "BEHAVIOR", 99, true_score),)
    assert str(result.differences[0]) == f"score BEHAVIOR: recorded 99, replayed {true_score}"
    missing = replay(changed(decision, scores={k: v for k, v in decision.scores.items() if k != "BEHAVIOR"}),
                     shipped_only())  # fmt: skip
    assert [str(d) for d in missing.differences] == [f"score BEHAVIOR: recorded (none), replayed {true_score}"]


def test_observations_that_appeared_disappeared_or_changed_are_each_named() -> None:
    decision = recorded(taken_over(), overlay(SHIPPED, {}, "c0"))
    observations = [dict(o) for o in decision.observations]
    first, second = observations[0], observations[1]
    tampered = [
        {**first, "value": 0.01, "metadata": {**first["metadata"], "extra": 1}},
        *observations[2:],
        {**second, "id": "authenticity.invented"},
    ]
    result = replay(changed(decision, observations=tampered), shipped_only())
    assert result.outcome is Outcome.DIVERGED
    shown = [str(d) for d in result.differences if d.kind == "observation"]
    assert shown[0].startswith(f"observation {first['id']} changed: value: 0.01 → {first['value']!r}; ")
    assert "metadata.extra: 1 → (none)" in shown[0]
    assert shown[1].startswith("observation authenticity.invented disappeared (recorded: value ")
    assert shown[2].startswith(f"observation {second['id']} appeared: value {second['value']!r}, confidence ")
    assert len(shown) == 3


def test_badges_are_compared_by_slug() -> None:
    decision = recorded(taken_over(), overlay(SHIPPED, {}, "c0"))
    (badge,) = decision.badges
    result = replay(changed(decision, badges=[]), shipped_only())
    assert [(d.kind, d.name, d.recorded) for d in result.differences] == [("badge", badge["slug"], None)]
    assert str(result.differences[0]).startswith(f"badge {badge['slug']} appeared: name {badge['name']!r}")
    renamed = replay(changed(decision, badges=[{**badge, "name": "Something Else"}]), shipped_only())
    assert [str(d) for d in renamed.differences] == [
        f"badge {badge['slug']} changed: name: 'Something Else' → {badge['name']!r}"
    ]


def test_order_and_json_s_lists_for_tuples_are_no_difference() -> None:
    decision = recorded(taken_over(), overlay(SHIPPED, {}, "c0"))
    reordered = changed(decision, observations=list(reversed(decision.observations)))
    assert replay(reordered, shipped_only()).verified

    def with_tuple(profile: IdentityProfile, datasets: Datasets) -> Evaluation:
        found = evaluate(profile, datasets)
        o = found.observations[0]
        return Evaluation([dataclasses.replace(o, metadata={**o.metadata, "pair": (1, 2)}), *found.observations[1:]],
                          found.scores)  # fmt: skip

    stored = [dict(o) for o in decision.observations]
    stored[0] = {**stored[0], "metadata": {**stored[0]["metadata"], "pair": [1, 2]}}  # as JSON gives it back
    kept = {RULES_VERSION: Rules(with_tuple, analyzer_badges)}
    assert replay(changed(decision, observations=stored), shipped_only(), kept).verified


def test_another_rules_version_is_not_replayable_unless_the_code_keeps_it() -> None:
    decision = recorded(taken_over(), overlay(SHIPPED, {}, "c0"), rules_version="2025.01.01-1")
    result = replay(decision, shipped_only())
    assert result.outcome is Outcome.NOT_REPLAYABLE and not result.verified and result.differences == ()
    assert result.reason == (
        f"recorded under rules '2025.01.01-1', which this code does not keep (it keeps {RULES_VERSION!r})"
    )
    assert set(KEPT_RULES) == {RULES_VERSION}
    # Kept (one line in domain/audit/kept_rules.py), it is replayed under its own rules, not the running ones.
    seen: list[str] = []

    def old_rules(profile: IdentityProfile, datasets: Datasets) -> Evaluation:
        seen.append(profile.identity_id)
        return evaluate(profile, datasets)

    kept = {**KEPT_RULES, "2025.01.01-1": Rules(old_rules, analyzer_badges)}
    assert replay(decision, shipped_only(), kept).verified and seen == ["victim"]


def test_a_global_datasets_version_no_longer_shipped_is_not_replayable() -> None:
    older = Datasets(SHIPPED.entries, "disposable==0.9,nicknames==2.0+local")
    result = replay(recorded(taken_over(), overlay(older, {}, "c0")), shipped_only())
    assert result.outcome is Outcome.NOT_REPLAYABLE
    assert result.reason == (
        "recorded with the GLOBAL datasets 'disposable==0.9,nicknames==2.0+local'; this installation ships "
        "'disposable==1.0,nicknames==2.0+local'"
    )


def test_the_team_s_entries_are_those_of_the_decision_s_version() -> None:
    profile = dataclasses.replace(taken_over(), fields={"EMAIL": "ada@burner.example", "FULL_NAME": "Ada Lovelace"})
    team = {DISPOSABLE_EMAIL_DOMAINS: frozenset({"burner.example"})}
    scored_with_entry = recorded(profile, overlay(SHIPPED, team, "c12"))
    assert replay(scored_with_entry, with_team_entry(12, "burner.example")).verified
    # The same entry made after the decision's version: the decision did not see it.
    history = TeamDatasetsHistory()
    history.apply(12, TEAM, DISPOSABLE_EMAIL_DOMAINS, "other.example", present=True)
    history.apply(15, TEAM, DISPOSABLE_EMAIL_DOMAINS, "burner.example", present=True)
    diverged = replay(scored_with_entry, ReplayDatasets(SHIPPED, history))
    assert diverged.outcome is Outcome.DIVERGED
    assert any(d.name == "authenticity.disposable-email" for d in diverged.differences)
    assert any(d.kind == "score" and d.name == "AUTHENTICITY" for d in diverged.differences)
    # A version naming no change of the team's in the log is not replayed against some other state.
    nowhere = replay(scored_with_entry, with_team_entry(11, "burner.example"))
    assert nowhere.outcome is Outcome.NOT_REPLAYABLE
    assert nowhere.reason == "its team datasets version 'c12' names no change of the team's in the log"
    odd = replay(changed(scored_with_entry, datasets_version=f"{SHIPPED.version}+x12"), shipped_only())
    assert odd.outcome is Outcome.NOT_REPLAYABLE


def test_an_unreadable_profile_or_failing_rules_are_not_replayable() -> None:
    decision = recorded(taken_over(), overlay(SHIPPED, {}, "c0"))
    result = replay(changed(decision, profile={"identity_id": "victim"}), shipped_only())
    assert result.outcome is Outcome.NOT_REPLAYABLE and result.reason.startswith("its recorded profile cannot be read")

    def failing(profile: IdentityProfile, datasets: Datasets) -> Evaluation:
        raise ZeroDivisionError("division by zero")

    broken = replay(decision, shipped_only(), {RULES_VERSION: Rules(failing, analyzer_badges)})
    assert broken.outcome is Outcome.NOT_REPLAYABLE
    assert broken.reason == "its rules failed on the recorded inputs: ZeroDivisionError('division by zero')"


def test_team_datasets_history_answers_as_of_each_change() -> None:
    history = TeamDatasetsHistory()
    other = uuid4()
    history.apply(5, TEAM, "blocked", "a", present=True)
    history.apply(6, other, "blocked", "x", present=True)
    history.apply(9, TEAM, "blocked", "b", present=True)
    history.apply(12, TEAM, "blocked", "a", present=False)
    assert history.entries_at(TEAM, 0) == {}
    assert history.entries_at(TEAM, 12) == {"blocked": frozenset({"b"})}
    assert history.entries_at(TEAM, 5) == {"blocked": frozenset({"a"})}  # an older one after a newer one
    assert history.entries_at(TEAM, 9) == {"blocked": frozenset({"a", "b"})}
    assert history.entries_at(other, 6) == {"blocked": frozenset({"x"})}
    assert history.entries_at(TEAM, 6) is None and history.entries_at(TEAM, 7) is None
    assert history.entries_at(uuid4(), 5) is None
    with pytest.raises(ValueError, match="log order"):
        history.apply(11, TEAM, "blocked", "c", present=True)


def test_datasets_version_labels() -> None:
    assert split_datasets_version("a==1,b==2+local+c17") == ("a==1,b==2+local", "c17")
    assert split_datasets_version("none") == ("none", "")
    assert [team_position(v) for v in ("c0", "c17", "c", "x17", "c-1", "c１")] == [0, 17, None, None, None, None]


# --- the decoder the replay reads the log with ------------------------------------------------------------


class Noted(Aggregate):
    @event("Noted")
    def __init__(self, team: UUID, at: datetime, details: dict[str, Any]) -> None:
        self.team, self.at, self.details = team, at, details


class Counting(Application[UUID]):
    env = {"TRANSCODER_TOPIC": TRANSCODER}  # noqa: RUF012 - as the applications set it


def stored_and_mapper(*aggregates: Aggregate) -> tuple[list[Any], Any]:
    app = Counting()
    app.save(*aggregates)
    return list(app.recorder.select_notifications(1, 100)), app.mapper


def test_the_fast_decoder_gives_what_the_mapper_gives() -> None:
    decision = recorded(taken_over(), overlay(SHIPPED, {}, "c0"))
    now = datetime(2026, 12, 1, 12, tzinfo=UTC)
    aggregates = [
        FraudDecision(customer_id=TEAM, cycle_id=1, identity="victim", scores=decision.scores,
                      observations=decision.observations, event_count=5, device_count=0, started_at=now,
                      finished_at=now, inputs_position=3, rules_version=RULES_VERSION, datasets_version="v+c0",
                      mappings_version="m0", profile=decision.profile, badges=decision.badges),
        Noted(TEAM, now, {"plain": [1, "two"]}),
        Noted(TEAM, now, {"nested": {"when": now, "who": uuid4()}}),  # tags below the top: the mapper's walk
        Noted(TEAM, now, {"_type_": "not a tag", "x": 1}),
        Noted(TEAM, now, {"_type_": "uuid_hex", "x": "0" * 32}),  # no "_data_": a dict, as the mapper leaves it
        Noted(TEAM, now, {"_type_": "uuid_hex", "_data_": "1" * 32}),  # a tag at a key not seen tagged before
    ]  # fmt: skip
    notifications, mapper = stored_and_mapper(*aggregates)
    walks = []
    original = mapper.to_domain_event

    def counted(stored: Any) -> Any:
        walks.append(stored.topic)
        return original(stored)

    mapper.to_domain_event = counted
    decode = FastDecoder(mapper)
    for n in notifications:
        fast, slow = one(decode, n), original(n)
        assert type(fast) is type(slow) and fast.__dict__ == slow.__dict__
        assert {k: type(v) for k, v in fast.__dict__.items()} == {k: type(v) for k, v in slow.__dict__.items()}
    # Only those with a tag deeper down, or a key that looks like one, went through the mapper.
    assert len(walks) == 3 and len(notifications) == 6
    assert one(decode, notifications[5]).details == UUID("1" * 32)  # type: ignore[attr-defined]
    assert isinstance(one(decode, notifications[0]).customer_id, UUID)  # type: ignore[attr-defined]
    assert RecordedDecision.of(one(decode, notifications[0])).profile == decision.profile  # type: ignore[arg-type]


def one(decoder: FastDecoder, stored: Any) -> Any:
    return next(decoder.each([stored]))


def test_the_fast_decoder_leaves_an_observation_with_a_time_to_the_mapper() -> None:
    observation = Observation(
        Category.BEHAVIOR, "x.y", "X", "why", 0.5, 0.5, 1.0, {"at": datetime(2026, 1, 1, tzinfo=UTC)}
    )
    notifications, mapper = stored_and_mapper(Noted(TEAM, datetime.now(UTC), {"o": observation.to_dict()}))
    fast = one(FastDecoder(mapper), notifications[0])
    assert fast.__dict__ == mapper.to_domain_event(notifications[0]).__dict__
    assert fast.details["o"]["metadata"]["at"] == datetime(2026, 1, 1, tzinfo=UTC)  # type: ignore[attr-defined]
