"""Sensitive values are dropped before an event is stored, so neither the event
store nor a read model ever holds a password or a card number a client sent by mistake.

Session ids are bearer credentials too, but which events share a session is evidence
(the identity graph links accounts seen in one session): they are stored as their
SHA-256 digest, which still tells sessions apart and opens none of them."""

import functools
import hashlib
import re
from typing import Any

REDACTED = "[REDACTED]"
DIGEST_PREFIX = "sha256:"

_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
# Any key with one of these words: `password2`, `new_password`, `authToken`, `client_secret`.
_SENSITIVE_WORDS = frozenset({"password", "passwd", "pwd", "passphrase", "secret", "token", "cvv", "cvc", "ssn", "otp"})
# Any key whose letters contain one of these: `stripe_api_key`, `X-Api-Key`, `customerCardNumber`.
_SENSITIVE_PARTS = (
    "apikey",
    "accesskey",
    "secretkey",
    "privatekey",
    "creditcard",
    "cardnumber",
    "ccnumber",
    "authorization",
    "setcookie",
    "iban",
)
# Keys whose value is kept as a digest: `session_id`, `sessionId`, `X-Session-Id`.
_DIGESTED_PARTS = ("sessionid",)
# Only as the whole key: as parts these would also hit `company` or `spinner`.
_SENSITIVE_KEYS = frozenset({"cookie", "pan", "pin"})
_CARD_LIKE = re.compile(r"^[0-9][0-9 -]{11,22}[0-9]$")


@functools.lru_cache(maxsize=8192)  # apps send the same few keys over and over
def _key_is_sensitive(key: str) -> bool:
    words = [w.lower() for w in _WORDS.findall(key)]
    letters = "".join(words)
    return (
        bool(_SENSITIVE_WORDS.intersection(words))
        or any(part in letters for part in _SENSITIVE_PARTS)
        or letters in _SENSITIVE_KEYS
    )


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _looks_like_card_number(value: str | int) -> bool:
    text = str(value)
    if not _CARD_LIKE.match(text):
        return False
    digits = text.replace(" ", "").replace("-", "")
    return 13 <= len(digits) <= 19 and _luhn_ok(digits)


@functools.lru_cache(maxsize=8192)
def _key_is_digested(key: str) -> bool:
    letters = "".join(w.lower() for w in _WORDS.findall(key))
    return any(part in letters for part in _DIGESTED_PARTS)


def digest(value: Any) -> str:
    """A value's stand-in: equal values give equal digests, and the digest gives nothing back."""
    text = str(value)
    if text.startswith(DIGEST_PREFIX):
        return text  # already a digest: an edit that sends back what it read
    return DIGEST_PREFIX + hashlib.sha256(text.encode()).hexdigest()


def _redacted_entry(key: str, value: Any) -> Any:
    if _key_is_sensitive(key):
        return REDACTED
    if _key_is_digested(key) and isinstance(value, (str, int)) and not isinstance(value, bool):
        return digest(value)
    return redact(value)


def redact(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _redacted_entry(k, v) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v) for v in value]
    if isinstance(value, (str, int)) and not isinstance(value, bool) and _looks_like_card_number(value):
        return REDACTED
    return value
