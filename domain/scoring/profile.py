"""Everything one analysis cycle reads about one identity."""

from dataclasses import dataclass, field

from domain.scoring.activity import Activity


@dataclass(frozen=True)
class IdentityProfile:
    identity_id: str
    fields: dict[str, str] = field(default_factory=dict)  # canonical field (EMAIL, FULL_NAME, …) → value
    activity: Activity = field(default_factory=Activity)
    device_count: int = 0

    @property
    def email(self) -> str | None:
        return self.fields.get("EMAIL")

    def names(self) -> list[tuple[str, str]]:
        """(field, value) of every name-like field the identity has."""
        return [(f, self.fields[f]) for f in ("FULL_NAME", "FIRST_NAME", "LAST_NAME", "USERNAME") if f in self.fields]
