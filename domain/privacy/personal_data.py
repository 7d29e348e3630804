"""Which recorded fields hold an identity's personal data, and what each reads as once erased.

Erasure crypto-shreds: these fields are stored encrypted under a key of the identity they are about
(application/privacy/sealing_mapper.py), and destroying that key leaves them unreadable in every copy of the
log. Everything else an event holds (its team, identity id, type, times, scores, rule and dataset versions)
stays in the clear, so the non-personal history still projects, counts and replays after an erasure.

The identity id itself is kept: it is the app's own handle for its user (a number or an opaque id), and the
log is keyed by it. An app that uses e-mail addresses as identity ids puts personal data where Dregs cannot
shred it; docs/privacy.md says so."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from domain.alerting.delivery import Delivery
from domain.scoring.fraud_decision import FraudDecision
from domain.scoring.review import IdentityReview
from domain.tracking.client_data import ClientData
from domain.tracking.identity import Identity
from domain.tracking.tracked_event import TrackedEvent

# Set on a decoded event whose personal fields could not be opened: its identity was erased.
ERASED_FLAG = "personal_data_erased"


# Key periods. An identity has a key for what it is (its attributes, kept until it is erased) and a key per day
# for what it did (events, decisions, reviews, news: kept as long as the team's retention from that day, so the
# daily retention job shreds a whole day by destroying one key per identity: application/privacy/retention.py).
LIFELONG = 0
_EPOCH_DAY = date(1970, 1, 1)


def day_period(moment: datetime) -> int:
    """The period of the UTC day an instant falls in: 1 for 1970-01-01, growing by one a day."""
    return (moment.astimezone(UTC).date() - _EPOCH_DAY).days + 1


@dataclass(frozen=True)
class PersonalFields:
    identity_field: str  # the event's field naming the identity (with `customer_id`, the key's owner)
    erased: Mapping[str, Callable[[], Any]]  # each personal field → what it reads as once erased
    dated_by: str | None = None  # the event's instant whose day keys its fields; None: all lifelong
    lifelong: frozenset[str] = frozenset()  # fields about the identity itself, kept until it is erased

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(self.erased)

    def period(self, name: str, state: Mapping[str, Any]) -> int:
        """The key period of one of its fields in an event's state."""
        if self.dated_by is None or name in self.lifelong:
            return LIFELONG
        return day_period(state[self.dated_by])


def _empty_client_data() -> ClientData:
    return ClientData({})


PERSONAL_FIELDS: dict[type, PersonalFields] = {
    # What the app sent: its event data, the identity's attributes, the browser's and the server's client
    # (IP address, user agent, page, signals). Groups are the group's own data and stay.
    TrackedEvent.Recorded: PersonalFields(
        "identity_id",
        {
            "data": _empty_client_data,
            "identity_data": _empty_client_data,
            "device": lambda: None,
            "client": lambda: None,
        },
        dated_by="occurred_at",
        lifelong=frozenset({"identity_data"}),  # the identity's attributes as the app sent them
    ),
    Identity.AttributesEdited: PersonalFields("identity", {"attributes": _empty_client_data}),
    # A decision's inputs (the profile: e-mail, names, addresses, agents) and its explanations, which quote
    # them ("the email domain …", "the full name '…' looks typed at random"). Scores and versions stay.
    FraudDecision.Decided: PersonalFields(
        "identity", {"profile": dict, "observations": list, "badges": list}, dated_by="finished_at"
    ),
    IdentityReview.Requested: PersonalFields("identity", {"feedback": lambda: None}, dated_by="timestamp"),
    IdentityReview.Finished: PersonalFields("identity", {"summary": str}, dated_by="at"),
    # A channel's news carries the badges' explanations, frozen for its retries.
    Delivery.Created: PersonalFields("identity", {"data": dict}, dated_by="at"),
}


def personal_fields(event_class: type) -> PersonalFields | None:
    return PERSONAL_FIELDS.get(event_class)


def is_erased(domain_event: object) -> bool:
    """True for an event decoded after its key was destroyed (its identity erased, or its day past the team's
    retention): its personal fields read as empty."""
    return bool(getattr(domain_event, ERASED_FLAG, False))
