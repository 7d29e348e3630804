"""A team's limits (manual §18), set by the operator of the deployment: none by default, as befits
self-hosting. A limit is a whole number of what it counts; absent, the team is unlimited in it."""

from collections.abc import Mapping
from dataclasses import asdict, dataclass

from domain.errors import InvalidInput, OverLimit

# The largest limit one can set: more than any team could use, and within a PostgreSQL BIGINT.
MOST = 10**15

_WHAT = {
    "events_per_month": "events this month",
    "identities": "identities",
    "members": "members",
    "rules": "rules",
    "channels": "channels",
    "retention_days": "days of data retention",
}


@dataclass(frozen=True)
class Limits:
    events_per_month: int | None = None
    identities: int | None = None
    members: int | None = None
    rules: int | None = None  # badge and escalation rules together
    channels: int | None = None
    retention_days: int | None = None  # older data is shredded daily (application/privacy/retention.py)

    @classmethod
    def of(cls, values: Mapping[str, int | None]) -> "Limits":
        unknown = set(values) - set(_WHAT)
        if unknown:
            raise InvalidInput(f"No such limit: {', '.join(sorted(unknown))}")
        for name, value in values.items():
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MOST):
                raise InvalidInput(f"The limit of {_WHAT[name]} must be a whole number from 0 to {MOST}, or none")
        return cls(**values)

    def changed(self, values: Mapping[str, int | None]) -> "Limits":
        """These limits with `values` set (None: unlimited) and the others kept."""
        return Limits.of({**asdict(self), **values})

    def as_dict(self) -> dict[str, int | None]:
        return asdict(self)

    def allow_one_more(self, name: str, used: int) -> None:
        """Raise OverLimit if the team, having used `used`, may not have one more."""
        limit = getattr(self, name)
        if limit is not None and used >= limit:
            raise OverLimit(
                f"The team's limit of {limit} {_WHAT[name]} is reached; ask the operator of this Dregs to raise it"
            )
