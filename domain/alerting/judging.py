"""One rule's judgement of one identity at one instant: whether its conditions hold (conditions.py), how they
have stood since (watch.py `observe`), and what is due (watch.py's steps).

The live evaluator (application/alerting/evaluator.py) and the backtest (domain/alerting/backtest.py) both judge
through these functions, so a rule tried on the past behaves exactly as it would have live. Pure."""

from collections.abc import Iterable
from dataclasses import dataclass

from domain.alerting.conditions import Condition, Facts, all_hold
from domain.alerting.escalation import OPEN, PENDING
from domain.alerting.watch import BadgeStep, EscalationStep, Standing, badge_step, escalation_step, observe


@dataclass(frozen=True)
class BadgeJudgement:
    holds: bool  # the conditions, at this instant
    standing: Standing
    step: BadgeStep
    held: bool  # whether the identity holds the rule's badge after this step


def judge_badge(  # noqa: PLR0913 - the rule's terms, the identity's standing, and what it is now
    conditions: Iterable[Condition],
    apply_delay: int,
    remove_delay: int,
    standing: Standing,
    held: bool,
    facts: Facts,
) -> BadgeJudgement:
    holds = all_hold(conditions, facts)
    standing = observe(standing, holds, facts.now)
    step = badge_step(standing, held, apply_delay, remove_delay, facts.now)
    return BadgeJudgement(holds, standing, step, (held or step.apply) and not step.remove)


@dataclass(frozen=True)
class EscalationJudgement:
    holds: bool
    standing: Standing
    suppressed: bool  # a person's close still keeps a new escalation from opening
    step: EscalationStep


def judge_escalation(  # noqa: PLR0913 - the rule's terms, the identity's watch, and what it is now
    conditions: Iterable[Condition],
    open_after: int,
    close_after: int | None,
    standing: Standing,
    status: str | None,
    suppressed: bool,
    facts: Facts,
) -> EscalationJudgement:
    """`status`: that of the rule's escalation for the identity that is not closed (None: there is none)."""
    holds = all_hold(conditions, facts)
    standing = observe(standing, holds, facts.now)
    suppressed = suppressed and standing.holding
    step = escalation_step(standing, status, suppressed, open_after, close_after, facts.now)
    return EscalationJudgement(holds, standing, suppressed, step)


def status_after(status: str | None, step: EscalationStep) -> str | None:
    """The escalation's status once the evaluator has carried out `step` (domain/alerting/escalation.py's moves:
    matched PENDING, opened, cancelled or closed; None once there is no escalation that is not closed)."""
    if step.match:
        status = PENDING
    if step.open_now and status is not None:
        return OPEN
    if (step.cancel or step.close) and status is not None:
        return None
    return status
