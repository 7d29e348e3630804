"""Verified replay: a recorded FraudDecision run again from its recorded inputs under its own rules version, and
what it decided compared with what was recorded.

The profile a decision holds is its whole input besides the datasets: it was read through the team's mappings at
the time (its fields are already canonical), so the mappings version needs nothing more. The datasets are the
GLOBAL ones this installation ships, overlaid by the team's own entries as of the recorded team version. A decision
this code cannot run as it was run (another rules version, another GLOBAL datasets version, a team version the log
does not hold, an unreadable profile) is NOT_REPLAYABLE, with the reason: never verified."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from domain.audit.kept_rules import KEPT_RULES, Rules
from domain.audit.team_datasets import ReplayDatasets
from domain.privacy.personal_data import is_erased
from domain.scoring.categories import ORDER
from domain.scoring.fraud_decision import FraudDecision
from domain.scoring.profile import IdentityProfile


class Outcome(StrEnum):
    VERIFIED = "VERIFIED"
    DIVERGED = "DIVERGED"
    NOT_REPLAYABLE = "NOT_REPLAYABLE"
    # Its identity's personal data was erased on request (DELETE /api/identities/{id}): its inputs are unreadable
    # by design, its recorded scores stand. Neither verified nor a failure of the record.
    ERASED = "ERASED"


@dataclass(frozen=True)
class RecordedDecision:
    """What a FraudDecision recorded that a replay needs, as it was stored."""

    customer_id: UUID
    cycle_id: int
    identity: str
    finished_at: datetime
    rules_version: str
    datasets_version: str
    profile: dict[str, Any]
    scores: dict[str, int]
    observations: list[dict[str, Any]]
    badges: list[dict[str, Any]]
    erased: bool = False  # its personal fields (profile, observations, badges) were erased

    @classmethod
    def of(cls, event: FraudDecision.Decided) -> "RecordedDecision":
        return cls(
            event.customer_id,
            event.cycle_id,
            event.identity,
            event.finished_at,
            event.rules_version,
            event.datasets_version,
            event.profile,
            event.scores,
            event.observations,
            event.badges,
            is_erased(event),
        )


@dataclass(frozen=True)
class Difference:
    """One thing the replay decided otherwise: a score, an observation or a badge, recorded → replayed (None
    where there was none)."""

    kind: str  # "score", "observation" or "badge"
    name: str  # the category, the analyzer's id or the badge's slug
    recorded: Any
    replayed: Any
    detail: tuple[str, ...] = ()  # which fields of an observation or badge changed, each "field: old → new"

    def __str__(self) -> str:
        if self.kind == "score":
            return f"score {self.name}: recorded {_shown(self.recorded)}, replayed {_shown(self.replayed)}"
        if self.recorded is None:
            return f"{self.kind} {self.name} appeared: {_summary(self.replayed)}"
        if self.replayed is None:
            return f"{self.kind} {self.name} disappeared (recorded: {_summary(self.recorded)})"
        return f"{self.kind} {self.name} changed: " + "; ".join(self.detail)


@dataclass(frozen=True)
class Replay:
    decision: RecordedDecision
    outcome: Outcome
    differences: tuple[Difference, ...] = ()
    reason: str = ""  # why it is not replayable

    @property
    def verified(self) -> bool:
        return self.outcome is Outcome.VERIFIED


def split_datasets_version(version: str) -> tuple[str, str]:
    """(GLOBAL version, team version) of a recorded datasets version "<global>+<team>". The team's part never
    holds a "+"; a package version may (a PEP 440 local version)."""
    base, plus, team = version.rpartition("+")
    return (base, team) if plus else (version, "")


def replay(decision: RecordedDecision, datasets: ReplayDatasets, kept: Mapping[str, Rules] = KEPT_RULES) -> Replay:
    """`datasets`: this installation's GLOBAL datasets, and the teams' entries as the log has them so far."""

    def not_replayable(reason: str) -> Replay:
        return Replay(decision, Outcome.NOT_REPLAYABLE, reason=reason)

    if decision.erased:
        return Replay(
            decision,
            Outcome.ERASED,
            reason="its inputs were shredded: its identity erased, or its day past the team's retention",
        )

    rules = kept.get(decision.rules_version)
    if rules is None:
        return not_replayable(
            f"recorded under rules {decision.rules_version!r}, which this code does not keep "
            f"(it keeps {', '.join(repr(v) for v in kept)})"
        )
    base_version, team_version = split_datasets_version(decision.datasets_version)
    shipped = datasets.shipped.version
    if base_version != shipped:
        return not_replayable(
            f"recorded with the GLOBAL datasets {base_version!r}; this installation ships {shipped!r}"
        )
    scored_with = datasets.at(decision.customer_id, team_version)
    if scored_with is None:
        return not_replayable(f"its team datasets version {team_version!r} names no change of the team's in the log")
    try:
        profile = IdentityProfile.from_dict(decision.profile)
    except (KeyError, TypeError, ValueError) as exc:
        return not_replayable(f"its recorded profile cannot be read: {exc!r}")
    try:
        evaluation = rules.evaluate(profile, scored_with)
        badges = rules.badges(evaluation.observations, decision.cycle_id)
    except Exception as exc:  # noqa: BLE001 - any failure of the rules on these inputs is the finding
        return not_replayable(f"its rules failed on the recorded inputs: {exc!r}")
    differences = [
        *_score_differences(decision.scores, {c.value: v for c, v in evaluation.scores.items()}),
        *_differences("observation", "id", decision.observations, [o.to_dict() for o in evaluation.observations]),
        *_differences("badge", "slug", decision.badges, badges),
    ]
    return Replay(decision, Outcome.DIVERGED if differences else Outcome.VERIFIED, tuple(differences))


def _score_differences(recorded: Mapping[str, Any], replayed: Mapping[str, Any]) -> Iterable[Difference]:
    known = [c.value for c in ORDER]
    for category in known + sorted((set(recorded) | set(replayed)) - set(known)):
        was, now = recorded.get(category), replayed.get(category)
        if was != now:
            yield Difference("score", category, was, now)


def _differences(
    kind: str, key: str, recorded: list[dict[str, Any]], replayed: list[dict[str, Any]]
) -> Iterable[Difference]:
    """Matched by `key` (and, were a key found twice, by its turn), so order alone is no difference: the scores
    do not depend on it."""
    if recorded == replayed:
        return  # the common case, and the cheapest: tuples make it unequal where JSON would not, hence what follows
    was, now = _keyed(key, recorded), _keyed(key, replayed)
    for name in [*was, *(n for n in now if n not in was)]:
        before, after = was.get(name), now.get(name)
        if before is None or after is None:
            yield Difference(kind, _named(name), before, after)
            continue
        detail = tuple(_changed_fields(before, _plain(after)))
        if detail:
            yield Difference(kind, _named(name), before, after, detail)


def _keyed(key: str, items: list[dict[str, Any]]) -> dict[tuple[str, int], dict[str, Any]]:
    found: dict[tuple[str, int], dict[str, Any]] = {}
    for item in items:
        name = str(item.get(key))
        turn = 0
        while (name, turn) in found:
            turn += 1
        found[(name, turn)] = item
    return found


def _named(name: tuple[str, int]) -> str:
    return name[0] if name[1] == 0 else f"{name[0]} (#{name[1] + 1})"


def _changed_fields(recorded: Mapping[str, Any], replayed: Mapping[str, Any], prefix: str = "") -> Iterable[str]:
    for name in [*recorded, *(n for n in replayed if n not in recorded)]:
        before, after = recorded.get(name, _MISSING), replayed.get(name, _MISSING)
        if before == after:
            continue
        if isinstance(before, dict) and isinstance(after, dict):
            yield from _changed_fields(before, after, f"{prefix}{name}.")
        else:
            yield f"{prefix}{name}: {_shown(before)} → {_shown(after)}"


class _Missing:
    def __repr__(self) -> str:
        return "(none)"


_MISSING: Any = _Missing()
_WIDTH = 80


def _plain(value: Any) -> Any:
    """As the event store gives it back: tuples become lists (JSON has no tuple)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _shown(value: Any) -> str:
    text = "(none)" if value is None else repr(value)
    return text if len(text) <= _WIDTH else text[: _WIDTH - 1] + "…"


def _summary(item: Mapping[str, Any]) -> str:
    """An observation's or badge's gist: what an auditor reads first."""
    parts = [f"{name} {_shown(item[name])}" for name in ("value", "confidence", "weight", "name") if name in item]
    return ", ".join(parts) if parts else _shown(dict(item))
