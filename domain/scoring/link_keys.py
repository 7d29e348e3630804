"""The identifiers that tie identities together in the identity graph.

Two identities are linked when they hold the same key: a device fingerprint, a
session, an IP address, or a normalized email or name. Email keys undo provider
aliasing (Gmail ignores dots and `+tags`, `googlemail.com` is `gmail.com`), so the
aliases a multi-accounter registers with collide on one key."""

import functools
import ipaddress
import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from domain.devices.client import IP_FIELDS
from domain.scoring.name_matching import romanised_words
from domain.scoring.text_signals import email_parts, without_counter
from domain.tracking.data_fields import by_spelling, first_named


class KeyKind(StrEnum):
    DEVICE = "DEVICE"
    SESSION = "SESSION"
    IP = "IP"
    EMAIL = "EMAIL"  # the mailbox, aliases undone
    EMAIL_STEM = "EMAIL_STEM"  # the mailbox without trailing digits: ann.lee1, ann.lee2
    EMAIL_LOCAL = "EMAIL_LOCAL"  # a distinctive mailbox name at any provider: ppavlov1@mail.ru, ppavlov1@bk.ru
    NAME = "NAME"  # full name, case, accents and word order ignored
    BEHAVIOR = "BEHAVIOR"  # the same first events, begun within the same ten minutes
    PROMO = "PROMO"  # a promo, coupon or referral code the identity redeemed


MAX_KEY = 255

# Providers that deliver `local+anything@` to `local@`, and those that also ignore dots.
_PLUS_ALIASING = frozenset(
    {"gmail.com", "outlook.com", "hotmail.com", "live.com", "icloud.com", "me.com", "protonmail.com", "proton.me",
     "fastmail.com", "yahoo.com", "zoho.com"}
)  # fmt: skip
_DOT_BLIND = frozenset({"gmail.com"})
_DOMAIN_ALIASES = {"googlemail.com": "gmail.com", "protonmail.ch": "protonmail.com", "pm.me": "protonmail.com"}

# Context an app's backend may send in event data (server-side events carry no tracker).
_CONTEXT_FIELDS: dict[KeyKind, tuple[str, ...]] = {
    KeyKind.IP: IP_FIELDS,
    KeyKind.SESSION: ("session", "sessionid", "sessionhash"),
    KeyKind.DEVICE: ("fingerprint", "deviceid", "devicefingerprint", "visitorid"),
}


def mailbox(email: str) -> str | None:
    """The mailbox an address delivers to: `A.Lee+promo@googlemail.com` → `alee@gmail.com`."""
    parts = email_parts(email)
    if parts is None:
        return None
    local, domain = parts
    domain = _DOMAIN_ALIASES.get(domain, domain)
    if domain in _PLUS_ALIASING:
        local = local.split("+", 1)[0]
    if domain in _DOT_BLIND:
        local = local.replace(".", "")
    return f"{local}@{domain}" if local else None


def mailbox_stem(email: str) -> str | None:
    """The mailbox without a trailing counter: `ann.lee1@x.com` and `annlee02@x.com` share `annlee@x.com`.
    An un-numbered mailbox has the stem too when it is distinctive (`tugba.dogan@` is `tugba.dogan1@`'s
    stem), but not a short one: `ann@` and `ann1@` are strangers as often as not."""
    box = mailbox(email)
    if box is None:
        return None
    local, _, domain = box.rpartition("@")
    stem = without_counter(local).replace(".", "").replace("_", "").replace("-", "")
    numbered = stem != local.replace(".", "").replace("_", "").replace("-", "")
    if len(stem) < 3 or not (numbered or len(stem) >= MIN_DISTINCTIVE_LOCAL):
        return None
    return f"{stem}@{domain}"


# Shorter mailbox names (ann, jsmith) are held by strangers at every provider.
MIN_DISTINCTIVE_LOCAL = 8


def mailbox_local(email: str) -> str | None:
    """A mailbox name long enough to be one person's wherever it is hosted: `p.pavlov1@rambler.ru` → `ppavlov1`."""
    box = mailbox(email)
    if box is None:
        return None
    local = re.sub(r"[._-]", "", box.rpartition("@")[0])
    return local if len(local) >= MIN_DISTINCTIVE_LOCAL else None


def name_key(name: str) -> str | None:
    """A full name with case, accents, script, punctuation and word order ignored (王小明 and Xiaoming Wang
    are one key, as Raúl Martínez and Martinez Raul are, and Björn Müller, Bjoern Mueller and Bjorn Muller);
    None for a single word."""
    words = sorted(_one_spelling(word) for word in romanised_words(name))
    return " ".join(words) if len(words) >= 2 else None


# The e of German and Nordic spellings (ö as oe, ü as ue, ä as ae) and the doubled a of å (aa), which anyascii's
# plain letters lack; and the ways Russian names are romanised (Dmitriy, Dmitrii, Dmitry; Natalya, Natalia,
# Nataliya): each spelling of a name gives one key.
_UMLAUT_SPELLINGS = re.compile(r"(?<=[aou])e|(?<=a)a")
_RUSSIAN_ENDINGS = re.compile(r"(?:iy|ii|yi|ij)$")
_RUSSIAN_YA = re.compile(r"(?<=[a-z])i?ya")


def _one_spelling(word: str) -> str:
    word = _RUSSIAN_YA.sub("ia", _RUSSIAN_ENDINGS.sub("y", word))
    return _UMLAUT_SPELLINGS.sub("", word)


BEHAVIOR_BUCKET = 600 * 1_000_000  # µs


def behavior_key(first_seen: int, opening: list[str]) -> str:
    """Accounts a script creates begin alike: the same first events, at the same time."""
    return f"{first_seen // BEHAVIOR_BUCKET}:{'>'.join(opening)}"[:MAX_KEY]


def identity_keys(fields: Mapping[str, str]) -> set[tuple[KeyKind, str]]:
    """Keys from an identity's canonical fields (EMAIL, FULL_NAME, FIRST_NAME, LAST_NAME)."""
    keys: set[tuple[KeyKind, str]] = set()
    email = fields.get("EMAIL")
    if email:
        if box := mailbox(email):
            keys.add((KeyKind.EMAIL, box))
        if stem := mailbox_stem(email):
            keys.add((KeyKind.EMAIL_STEM, stem))
        if local := mailbox_local(email):
            keys.add((KeyKind.EMAIL_LOCAL, local))
    full = fields.get("FULL_NAME") or " ".join(fields[f] for f in ("FIRST_NAME", "LAST_NAME") if f in fields)
    if full and (key := name_key(full)):
        keys.add((KeyKind.NAME, key))
    return {(kind, key[:MAX_KEY]) for kind, key in keys}


@functools.lru_cache(maxsize=8192)  # a cycle asks about the same few addresses many times
def network(address: str) -> str:
    """The network an address belongs to: its /24 (IPv4) or /64 (IPv6); the text itself if not an address."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return address
    prefix = 24 if ip.version == 4 else 64
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def ip_key(address: str) -> str:
    """An IPv4 address links as itself; an IPv6 one by its /64, since privacy extensions give a home's
    devices a new address every day inside the prefix the ISP delegated to that one subscriber."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return address
    return network(address) if ip.version == 6 else str(ip)


# Where a redemption event's data names its code (only PROMO_REDEEM events are read, so `code` is safe).
_PROMO_FIELDS = ("promocode", "promo", "coupon", "couponcode", "voucher", "vouchercode", "discountcode",
                 "referralcode", "code")  # fmt: skip


def promo_key(data: Mapping[str, Any]) -> str | None:
    """The code a PROMO_REDEEM event's data names, case and spacing ignored (SUMMER20 and summer20 are one)."""
    code = first_named(by_spelling(data), _PROMO_FIELDS)
    return re.sub(r"\s+", "", code).upper()[:MAX_KEY] if code is not None else None


def graph_keys(context: Mapping[KeyKind, str]) -> dict[KeyKind, str]:
    """The keys an event's context adds to the identity graph."""
    return {kind: ip_key(value) if kind is KeyKind.IP else value for kind, value in context.items()}


def context_keys(data: Mapping[str, Any]) -> dict[KeyKind, str]:
    """IP, session and device an event's data names, by the common spellings of those fields."""
    by_key = by_spelling(data)
    found = {kind: first_named(by_key, names) for kind, names in _CONTEXT_FIELDS.items()}
    return {kind: value[:MAX_KEY] for kind, value in found.items() if value is not None}
