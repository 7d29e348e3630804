"""What the rules have made of one identity: the badges rules gave it, and how each rule's
conditions stand for it (domain/alerting/watch.py). One aggregate per identity, so one cycle's
evaluation is one load and one save, and a person closing an escalation collides with a
concurrent evaluation instead of racing it."""

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.alerting.watch import Standing
from domain.ids import alerting_id


class IdentityAlerts(Aggregate):
    @staticmethod
    def create_id(customer_id: UUID, identity: str) -> UUID:
        return alerting_id(customer_id, "identity", identity)

    @event("Started")
    def __init__(self, customer_id: UUID, identity: str) -> None:
        self.customer_id = customer_id
        self.identity = identity
        # badge rule number (as str: JSON keys) → {"holding", "since", "held"}
        self.badge_standings: dict[str, dict[str, Any]] = {}
        # escalation rule number (str) → {"holding", "since", "escalation": number | None, "status", "suppressed"}
        self.watches: dict[str, dict[str, Any]] = {}
        # badge slug → the badge as the identity shows it (with the rule number and version behind it)
        self.badges: dict[str, dict[str, Any]] = {}
        self.last_cycle_id = 0
        self.due_at: int | None = None

    def badge_standing(self, rule: int) -> tuple[Standing, bool]:
        s = self.badge_standings.get(str(rule))
        return (Standing(s["holding"], s["since"]), s["held"]) if s else (Standing(), False)

    def watch(self, rule: int) -> dict[str, Any]:
        return self.watches.get(str(rule)) or {
            "holding": False,
            "since": 0,
            "escalation": None,
            "status": None,
            "suppressed": False,
        }

    @event("Watched")
    def record(
        self,
        badge_standings: dict[str, dict[str, Any]],
        watches: dict[str, dict[str, Any]],
        cycle_id: int | None,
        due_at: int | None,
        at: datetime,
    ) -> None:
        """How conditions stand now, for the rules whose standing changed; `None` drops a rule's entry.
        `due_at` (µs) is when a delay runs out and the rules must look again without a cycle."""
        for rule, standing in badge_standings.items():
            if standing is None:
                self.badge_standings.pop(rule, None)
            else:
                self.badge_standings[rule] = standing
        for rule, w in watches.items():
            if w is None:
                self.watches.pop(rule, None)
            else:
                self.watches[rule] = w
        if cycle_id is not None:
            self.last_cycle_id = max(self.last_cycle_id, cycle_id)
        self.due_at = due_at

    @event("BadgesChanged")
    def change_badges(
        self, added: list[dict[str, Any]], removed: list[dict[str, Any]], cycle_id: int | None, at: datetime
    ) -> None:
        """`added` are whole badges, `removed` {slug, rule, ruleVersion}: each names the rule version behind it."""
        for badge in removed:
            self.badges.pop(badge["slug"], None)
        for badge in added:
            self.badges[badge["slug"]] = badge
