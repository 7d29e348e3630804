"""A team's rules and channels, read from the event store itself (not a read model), so what the
evaluator applies is exactly what was last saved. A team has few of them; each process keeps them
for a second, so a burst of cycles loads them once."""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from uuid import UUID

from application.alerting.application import AlertingApplication
from domain.alerting.channel import Channel
from domain.alerting.rules import BadgeRule, EscalationRule

TTL_SECONDS = 1.0


@dataclass(frozen=True)
class TeamRules:
    badge_rules: list[BadgeRule] = field(default_factory=list)  # every one, deleted and disabled included
    escalation_rules: list[EscalationRule] = field(default_factory=list)
    channels: dict[str, Channel] = field(default_factory=dict)  # slug → live channel

    def escalation_rule(self, number: int) -> EscalationRule | None:
        return next((r for r in self.escalation_rules if r.number == number), None)


class RuleBook:
    def __init__(self, app: AlertingApplication, clock: Callable[[], float] = time.monotonic) -> None:
        self.app = app
        self.clock = clock
        self._cache: dict[UUID, tuple[float, TeamRules]] = {}
        self._lock = threading.Lock()

    def forget(self, customer_id: UUID) -> None:
        with self._lock:
            self._cache.pop(customer_id, None)

    def team(self, customer_id: UUID) -> TeamRules:
        with self._lock:
            cached = self._cache.get(customer_id)
        if cached is not None and self.clock() - cached[0] < TTL_SECONDS:
            return cached[1]
        found = TeamRules(
            self.app.all_of(customer_id, "badge-rule", BadgeRule),
            self.app.all_of(customer_id, "escalation-rule", EscalationRule),
            {c.slug: c for c in self.app.all_of(customer_id, "channel", Channel) if not c.deleted},
        )
        with self._lock:
            self._cache[customer_id] = (self.clock(), found)
        return found
