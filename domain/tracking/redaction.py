"""Sensitive values are dropped before an event is stored, so neither the event
store nor a read model ever holds a password or a card number a client sent by mistake."""

import functools
import re
from typing import Any

REDACTED = "[REDACTED]"

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
    "sessionid",
    "iban",
)
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


def redact(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: (REDACTED if _key_is_sensitive(k) else redact(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v) for v in value]
    if isinstance(value, (str, int)) and not isinstance(value, bool) and _looks_like_card_number(value):
        return REDACTED
    return value
