"""The GLOBAL datasets, seeded from maintained packages rather than hand-typed lists.
Their version (the packages' versions) is recorded by every cycle they score."""

import functools
import importlib.metadata
from collections import defaultdict

import disposable_email_domains
import MailChecker
import nicknames
import pykakasi

from domain.scoring.datasets import DISPOSABLE_EMAIL_DOMAINS, Datasets

_PACKAGES = ("disposable-email-domains", "mailchecker", "nicknames", "pykakasi")
_KANA_OR_KANJI = range(0x3040, 0xA000)  # hiragana, katakana, CJK ideographs


def _nicknames() -> dict[str, frozenset[str]]:
    """Both directions of every relationship the dataset lists: a nickname and its name are each other's."""
    related: defaultdict[str, set[str]] = defaultdict(set)
    for triplet in nicknames.name_triplets():
        related[triplet.name1].add(triplet.name2)
        related[triplet.name2].add(triplet.name1)
    return {name: frozenset(others) for name, others in related.items()}


@functools.cache
def _kakasi() -> pykakasi.kakasi:
    return pykakasi.kakasi()  # loads its dictionaries: once, and only when a Japanese name comes


def japanese_readings(word: str) -> tuple[str, ...]:
    """A name in kanji as Japanese people romanise it, each part and the whole (山田太郎 → yamada, taro,
    yamadataro), with the long vowels both written out (tarou) and not (taro), as addresses have them."""
    if not any(ord(c) in _KANA_OR_KANJI for c in word):
        return ()
    parts = [p["hepburn"] for p in _kakasi().convert(word) if p["hepburn"].strip()]
    readings = {*parts, "".join(parts)}
    return tuple(sorted(readings | {r.replace("ou", "o").replace("uu", "u") for r in readings}))


@functools.cache
def global_datasets() -> Datasets:
    # Two maintained lists, each missing services the other knows (spamgourmet.com, burnermail.io).
    disposable = {d.lower() for d in disposable_email_domains.blocklist} | {
        d.lower() for d in MailChecker.MailChecker.blacklist
    }
    version = ",".join(f"{p}=={importlib.metadata.version(p)}" for p in _PACKAGES)
    return Datasets({DISPOSABLE_EMAIL_DOMAINS: frozenset(disposable)}, version, _nicknames(), japanese_readings)
