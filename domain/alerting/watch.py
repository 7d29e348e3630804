"""How a rule's conditions have stood for one identity over time, and what follows from it.

Delays make rules depend on time, not only on cycles: a badge is applied once its conditions
have held for applyDelaySeconds, an escalation opens once they held for openAfterSeconds and
closes once they stopped holding for closeAfterSeconds. Each watch records when the
conditions last started or stopped holding (`since`); `step` says what is due at `now`, and
when to look again if no cycle comes first. Pure: the application saves what it decides."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Standing:
    holding: bool = False
    since: int = 0  # µs since the epoch when `holding` last changed


def observe(standing: Standing, holds: bool, now: int) -> Standing:
    return standing if standing.holding == holds else Standing(holds, now)


@dataclass(frozen=True)
class BadgeStep:
    apply: bool = False
    remove: bool = False
    due_at: int | None = None  # when to evaluate again without a cycle


def badge_step(standing: Standing, held: bool, apply_delay: int, remove_delay: int, now: int) -> BadgeStep:
    """Delays are in seconds; times in µs."""
    if standing.holding and not held:
        due = standing.since + apply_delay * 1_000_000
        return BadgeStep(apply=True) if now >= due else BadgeStep(due_at=due)
    if not standing.holding and held:
        due = standing.since + remove_delay * 1_000_000
        return BadgeStep(remove=True) if now >= due else BadgeStep(due_at=due)
    return BadgeStep()


@dataclass(frozen=True)
class EscalationStep:
    match: bool = False  # a new escalation: PENDING, or OPEN at once when `open_now`
    open_now: bool = False
    cancel: bool = False  # a PENDING one whose conditions stopped holding
    close: bool = False
    due_at: int | None = None


def escalation_step(  # noqa: PLR0911 - one branch a state
    standing: Standing,
    status: str | None,
    suppressed: bool,
    open_after: int,
    close_after: int | None,
    now: int,
) -> EscalationStep:
    """`status` is that of the rule's not-closed escalation for the identity (None: there is none);
    `suppressed` means a person closed it while the conditions still held: a new one opens only
    after they stop holding and hold again."""
    if standing.holding:
        opens = standing.since + open_after * 1_000_000
        if status is None:
            if suppressed:
                return EscalationStep()
            return (
                EscalationStep(match=True, open_now=True) if now >= opens else EscalationStep(match=True, due_at=opens)
            )
        if status == "PENDING":
            return EscalationStep(open_now=True) if now >= opens else EscalationStep(due_at=opens)
        return EscalationStep()
    if status == "PENDING":
        return EscalationStep(cancel=True)
    if status in ("OPEN", "ACKNOWLEDGED") and close_after is not None:
        closes = standing.since + close_after * 1_000_000
        return EscalationStep(close=True) if now >= closes else EscalationStep(due_at=closes)
    return EscalationStep()
