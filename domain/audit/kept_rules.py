"""The rules versions this code can still run.

A recorded decision is replayed under the rules of its own version or not at all: replaying it under other rules
and calling the result "verified" would prove nothing. Today only the running version is kept. Keeping an older
one means keeping its analyzers (as a package of their own, say `domain/scoring/analyzers_2026_11/`) and adding
one line below that names its version and its functions."""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from domain.scoring.analyzer_badges import analyzer_badges
from domain.scoring.analyzers import RULES_VERSION
from domain.scoring.datasets import Datasets
from domain.scoring.fraud_decision import Evaluation, evaluate
from domain.scoring.observation import Observation
from domain.scoring.profile import IdentityProfile


@dataclass(frozen=True)
class Rules:
    """What one rules version decides from a cycle's inputs: its scores and observations, and the badges its
    analyzers give on their own."""

    evaluate: Callable[[IdentityProfile, Datasets], Evaluation]
    badges: Callable[[Iterable[Observation], int], list[dict[str, Any]]]


KEPT_RULES: Mapping[str, Rules] = MappingProxyType(
    {
        RULES_VERSION: Rules(evaluate, analyzer_badges),
    }
)
