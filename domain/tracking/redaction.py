"""Sensitive values are dropped before an event is stored, so neither the event
store nor a read model ever holds a password or a card number a client sent by mistake."""

import re
from typing import Any

REDACTED = "[REDACTED]"

_WORDS = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
_SENSITIVE_WORDS = frozenset({"password", "passwd", "pwd", "passphrase", "secret", "token", "cvv", "cvc", "ssn", "otp"})
_SENSITIVE_KEYS = frozenset(
    {
        "apikey",
        "authorization",
        "cookie",
        "setcookie",
        "creditcard",
        "cardnumber",
        "ccnumber",
        "pan",
        "iban",
        "pin",
        "privatekey",
        "sessionid",
    }
)
_CARD_LIKE = re.compile(r"^[0-9][0-9 -]{11,22}[0-9]$")


def _key_is_sensitive(key: str) -> bool:
    words = [w.lower() for w in _WORDS.findall(key)]
    return bool(_SENSITIVE_WORDS.intersection(words)) or "".join(words) in _SENSITIVE_KEYS


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _looks_like_card_number(value: str) -> bool:
    if not _CARD_LIKE.match(value):
        return False
    digits = value.replace(" ", "").replace("-", "")
    return 13 <= len(digits) <= 19 and _luhn_ok(digits)


def redact(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: (REDACTED if _key_is_sensitive(k) else redact(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v) for v in value]
    if isinstance(value, str) and _looks_like_card_number(value):
        return REDACTED
    return value
