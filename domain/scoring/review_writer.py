"""Writes a review from an analysis: a verdict, the scores, the findings that matter
most (suspicious ones first, by how much they moved their score) and the links."""

from collections.abc import Sequence
from dataclasses import dataclass

from domain.scoring.categories import ORDER, Category
from domain.scoring.links import Link
from domain.scoring.observation import Observation
from domain.scoring.wording import counted

LIKELY_FRAUD = "LIKELY_FRAUD"
LIKELY_COMPROMISED = "LIKELY_COMPROMISED"
SUSPICIOUS = "SUSPICIOUS"
LIKELY_LEGITIMATE = "LIKELY_LEGITIMATE"
INCONCLUSIVE = "INCONCLUSIVE"

_VERDICT_TEXT = {
    LIKELY_FRAUD: "Likely fraudulent",
    LIKELY_COMPROMISED: "Likely compromised (the owner looks genuine; recent activity looks like someone else's)",
    SUSPICIOUS: "Suspicious",
    LIKELY_LEGITIMATE: "Likely legitimate",
    INCONCLUSIVE: "Inconclusive",
}
KEY_FINDINGS = 5


@dataclass(frozen=True)
class WrittenReview:
    verdict: str
    summary: str


# Findings that say someone else is using the account: its owner is the victim, not the fraud.
_TAKEOVER_FINDINGS = frozenset({"behavior.account-takeover-signal", "behavior.key-change-from-new-network"})


def verdict_of(scores: dict[Category, int], observations: Sequence[Observation] = ()) -> str:
    if not scores:
        return INCONCLUSIVE
    lowest = min(scores.values())
    others = [score for category, score in scores.items() if category is not Category.BEHAVIOR]
    taken_over = any(o.id in _TAKEOVER_FINDINGS and o.value < 0.5 for o in observations)
    if taken_over and scores.get(Category.BEHAVIOR, 100) < 50 and all(score >= 50 for score in others):
        return LIKELY_COMPROMISED
    if lowest < 25:
        return LIKELY_FRAUD
    if lowest < 50:
        return SUSPICIOUS
    if len(scores) >= 2 and lowest >= 65:
        return LIKELY_LEGITIMATE
    return INCONCLUSIVE


def _weight(o: Observation) -> float:
    return o.weight * o.confidence * abs(0.5 - o.value)


def key_findings(observations: Sequence[Observation]) -> list[Observation]:
    suspicious = sorted((o for o in observations if o.value < 0.5), key=_weight, reverse=True)
    reassuring = sorted((o for o in observations if o.value >= 0.5), key=_weight, reverse=True)
    return (suspicious + reassuring)[:KEY_FINDINGS]


def write_review(
    identity: str,
    scores: dict[Category, int],
    observations: Sequence[Observation],
    links: Sequence[Link],
    feedback: str | None,
) -> WrittenReview:
    verdict = verdict_of(scores, observations)
    lines = [f"{_VERDICT_TEXT[verdict]}: identity {identity}."]
    if scores:
        lines.append("Scores: " + ", ".join(f"{c.value.title()} {scores[c]}" for c in ORDER if c in scores) + ".")
    else:
        lines.append("No category has enough evidence for a score yet.")
    findings = key_findings(observations)
    if findings:
        lines.append("Key findings:")
        lines += [
            f"- {o.label} ({o.category.value.title()}, value {o.value:.2f}, confidence {o.confidence:.2f}): "
            f"{o.explanation}"
            for o in findings
        ]
    if links:
        strongest = links[0]
        lines.append(
            f"Linked to {counted(len({lk.other for lk in links}), 'other identity', 'other identities')}; strongest: "
            f"{strongest.type.value.replace('_', ' ').lower()} with {strongest.other} ({strongest.value:.2f})."
        )
    else:
        lines.append("Not linked to any other identity.")
    if feedback:
        lines.append(f'Requested with the note: "{feedback}".')
    return WrittenReview(verdict, "\n".join(lines))
