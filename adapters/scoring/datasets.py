"""The GLOBAL datasets, seeded from maintained packages rather than hand-typed lists.
Their version (the packages' versions) is recorded by every cycle they score."""

import functools
import importlib.metadata
from collections import defaultdict

import disposable_email_domains
import MailChecker
import nicknames

from adapters.scoring.japanese_readings import JapaneseReadings
from domain.scoring.datasets import DISPOSABLE_EMAIL_DOMAINS, Datasets

_PACKAGES = ("disposable-email-domains", "mailchecker", "nicknames", "pykakasi")


def _nicknames() -> dict[str, frozenset[str]]:
    """Both directions of every relationship the dataset lists: a nickname and its name are each other's."""
    related: defaultdict[str, set[str]] = defaultdict(set)
    for triplet in nicknames.name_triplets():
        related[triplet.name1].add(triplet.name2)
        related[triplet.name2].add(triplet.name1)
    return {name: frozenset(others) for name, others in related.items()}


@functools.cache
def global_datasets() -> Datasets:
    # Two maintained lists, each missing services the other knows (spamgourmet.com, burnermail.io).
    disposable = {d.lower() for d in disposable_email_domains.blocklist} | {
        d.lower() for d in MailChecker.MailChecker.blacklist
    }
    version = ",".join(f"{p}=={importlib.metadata.version(p)}" for p in _PACKAGES)
    return Datasets({DISPOSABLE_EMAIL_DOMAINS: frozenset(disposable)}, version, _nicknames(), JapaneseReadings())
