"""The account activity log: one record for each thing a person, a key or the operator did to a team's
account, its access or its settings, with who, when, and from which address and browser (manual §16, §18).

A record is its own aggregate, written once and never changed: a log an auditor can trust is one nothing
rewrites. It names what was acted on (`subject`) and what changed (`detail`), never a secret."""

from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

MAX_USER_AGENT = 512
MAX_SUBJECT = 320


class Kind(StrEnum):
    SIGNED_UP = "account.signed_up"
    SIGNED_IN = "auth.signed_in"
    SIGN_IN_FAILED = "auth.sign_in_failed"
    PASSWORD_CHANGED = "account.password_changed"
    PASSWORD_RESET_REQUESTED = "account.password_reset_requested"
    PASSWORD_RESET = "account.password_reset"
    ACCOUNT_DELETED = "account.deleted"
    MEMBER_INVITED = "member.invited"
    INVITATION_REVOKED = "member.invitation_revoked"
    MEMBER_JOINED = "member.joined"
    ROLE_CHANGED = "member.role_changed"
    MEMBER_DISABLED = "member.disabled"
    MEMBER_ENABLED = "member.enabled"
    MEMBER_REMOVED = "member.removed"
    CREDENTIAL_CREATED = "credential.created"
    CREDENTIAL_CHANGED = "credential.changed"
    CREDENTIAL_REVOKED = "credential.revoked"
    BADGE_RULE_CREATED = "badge_rule.created"
    BADGE_RULE_CHANGED = "badge_rule.changed"
    BADGE_RULE_DELETED = "badge_rule.deleted"
    ESCALATION_RULE_CREATED = "escalation_rule.created"
    ESCALATION_RULE_CHANGED = "escalation_rule.changed"
    ESCALATION_RULE_DELETED = "escalation_rule.deleted"
    CHANNEL_CREATED = "channel.created"
    CHANNEL_CHANGED = "channel.changed"
    CHANNEL_DELETED = "channel.deleted"
    CHANNEL_SECRET_ROTATED = "channel.secret_rotated"
    DATASET_ENTRY_SET = "dataset.entry_set"
    DATASET_ENTRY_REMOVED = "dataset.entry_removed"
    MAPPING_SET = "mapping.set"
    MAPPING_REMOVED = "mapping.removed"
    LIMITS_CHANGED = "team.limits_changed"
    IDENTITY_ERASED = "identity.erased"


@dataclass(frozen=True)
class Actor:
    """Who did it: a person (their user id, named by email), a key ("key <name>"), or the operator."""

    name: str
    user_id: UUID | None = None
    ip: str | None = None
    user_agent: str | None = None


OPERATOR = Actor("operator")


class Activity(Aggregate):
    @event("Recorded")
    def __init__(  # noqa: PLR0913 - who did what to what, and from where
        self,
        customer_id: UUID,
        kind: str,
        actor_id: UUID | None,
        actor: str,
        subject: str | None,
        detail: dict[str, Any],
        ip: str | None,
        user_agent: str | None,
    ) -> None:
        self.customer_id = customer_id
        self.kind = kind
        self.actor_id = actor_id
        self.actor = actor
        self.subject = subject
        self.detail = detail
        self.ip = ip
        self.user_agent = user_agent

    @classmethod
    def of(
        cls,
        customer_id: UUID,
        kind: Kind,
        actor: Actor,
        subject: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> "Activity":
        return cls(
            customer_id=customer_id,
            kind=Kind(kind).value,
            actor_id=actor.user_id,
            actor=actor.name,
            subject=subject[:MAX_SUBJECT] if subject is not None else None,
            detail=detail or {},
            ip=actor.ip,
            user_agent=actor.user_agent[:MAX_USER_AGENT] if actor.user_agent is not None else None,
        )
