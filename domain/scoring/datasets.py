"""Lookup tables the analyzers consult, with the version that scored each cycle."""

from collections.abc import Mapping
from dataclasses import dataclass, field

DISPOSABLE_EMAIL_DOMAINS = "disposable_email_domains"


@dataclass(frozen=True)
class Datasets:
    entries: Mapping[str, frozenset[str]] = field(default_factory=dict)
    version: str = "none"

    def contains(self, slug: str, key: str) -> bool:
        return key in self.entries.get(slug, frozenset())
