"""Lookup tables the analyzers consult, with the version that scored each cycle."""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

DISPOSABLE_EMAIL_DOMAINS = "disposable_email_domains"


@dataclass(frozen=True)
class Datasets:
    entries: Mapping[str, frozenset[str]] = field(default_factory=dict)
    version: str = "none"
    # A given name → its nicknames and the names it is a nickname of (william → bill, will; bill → william).
    nicknames: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # The readings of a word in a script that has several (Japanese kanji: 山田太郎 → yamada, taro), in ASCII;
    # none where a word has only the one transliteration gives.
    readings: Callable[[str], Iterable[str]] = field(default=lambda _: ())

    def contains(self, slug: str, key: str) -> bool:
        return key in self.entries.get(slug, frozenset())


def overlay(base: Datasets, team: Mapping[str, frozenset[str]], team_version: str) -> Datasets:
    """The GLOBAL datasets with a team's own entries added to the lists of the same slug."""
    if not team:
        return Datasets(base.entries, f"{base.version}+{team_version}", base.nicknames, base.readings)
    entries = dict(base.entries)
    for slug, keys in team.items():
        entries[slug] = entries.get(slug, frozenset()) | keys
    return Datasets(entries, f"{base.version}+{team_version}", base.nicknames, base.readings)
