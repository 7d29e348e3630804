"""Aggregate ids derived from natural keys.

Deriving ids (uuid5) lets the event store itself enforce uniqueness: a second
aggregate with the same natural key collides on (originator_id, version 1),
so idempotency and uniqueness hold across processes without a lookup table.
"""

from uuid import UUID, uuid5

_ROOT = UUID("6b1f0c8e-3b57-4c1e-9d0a-2f7c1d5e8a40")
_USERS = uuid5(_ROOT, "users")
_CREDENTIALS = uuid5(_ROOT, "credentials")


def user_id_for_email(email: str) -> UUID:
    return uuid5(_USERS, email.strip().lower())


def credential_id_for_key_hash(secret_key_hash: str) -> UUID:
    return uuid5(_CREDENTIALS, secret_key_hash)


def tracked_event_id(customer_id: UUID, event_id: str) -> UUID:
    return uuid5(customer_id, "event\x00" + event_id)


def identity_id(customer_id: UUID, identity: str) -> UUID:
    return uuid5(customer_id, "identity\x00" + identity)


def group_id(customer_id: UUID, group_type: str, group: str) -> UUID:
    return uuid5(customer_id, "group\x00" + group_type + "\x00" + group)


def device_id(customer_id: UUID, fingerprint: str) -> UUID:
    return uuid5(customer_id, "device\x00" + fingerprint)


def fraud_decision_id(customer_id: UUID, cycle_id: int) -> UUID:
    return uuid5(customer_id, f"cycle\x00{cycle_id}")


def review_id(customer_id: UUID, number: int) -> UUID:
    return uuid5(customer_id, f"review\x00{number}")


def mapping_id(customer_id: UUID, kind: str, source_key: str) -> UUID:
    return uuid5(customer_id, "mapping\x00" + kind + "\x00" + source_key)


def dataset_entry_id(customer_id: UUID, slug: str, key: str) -> UUID:
    return uuid5(customer_id, "dataset\x00" + slug + "\x00" + key)


def alerting_id(customer_id: UUID, kind: str, *key: object) -> UUID:
    """Alerting's aggregates: rules, channels and escalations by number, slug claims by slug, an
    identity's rule badges, a rule's watch over one identity, a delivery by channel and trigger."""
    return uuid5(customer_id, "\x00".join(("alerting", kind, *(str(k) for k in key))))


def team_retention_id(customer_id: UUID) -> UUID:
    return uuid5(customer_id, "retention")
