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
from typing import Any

from domain.alerting.delivery import Delivery
from domain.scoring.fraud_decision import FraudDecision
from domain.scoring.review import IdentityReview
from domain.tracking.client_data import ClientData
from domain.tracking.identity import Identity
from domain.tracking.tracked_event import TrackedEvent

# Set on a decoded event whose personal fields could not be opened: its identity was erased.
ERASED_FLAG = "personal_data_erased"


@dataclass(frozen=True)
class PersonalFields:
    identity_field: str  # the event's field naming the identity (with `customer_id`, the key's owner)
    erased: Mapping[str, Callable[[], Any]]  # each personal field → what it reads as once erased

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(self.erased)


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
    ),
    Identity.AttributesEdited: PersonalFields("identity", {"attributes": _empty_client_data}),
    # A decision's inputs (the profile: e-mail, names, addresses, agents) and its explanations, which quote
    # them ("the email domain …", "the full name '…' looks typed at random"). Scores and versions stay.
    FraudDecision.Decided: PersonalFields("identity", {"profile": dict, "observations": list, "badges": list}),
    IdentityReview.Requested: PersonalFields("identity", {"feedback": lambda: None}),
    IdentityReview.Finished: PersonalFields("identity", {"summary": str}),
    # A channel's news carries the badges' explanations, frozen for its retries.
    Delivery.Created: PersonalFields("identity", {"data": dict}),
}


def personal_fields(event_class: type) -> PersonalFields | None:
    return PERSONAL_FIELDS.get(event_class)


def is_erased(domain_event: object) -> bool:
    """True for an event decoded after its identity's erasure: its personal fields read as empty."""
    return bool(getattr(domain_event, ERASED_FLAG, False))
