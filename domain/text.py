"""The one rule for text the read models will store, used by every place that validates a name,
an id, a key or a client's string.

PostgreSQL's text types (and `jsonb`) hold no NUL character, and no UTF-8 encoding exists for a
UTF-16 surrogate code point (U+D800 to U+DFFF; a valid pair arrives as the one character it
encodes). Such a value, once accepted into an event, could never be projected: it is refused at
the edge instead, with a message that says why."""

import re

from domain.errors import InvalidInput

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def unstorable_reason(value: str) -> str | None:
    """Why `value` cannot be stored in a read model, or None when it can."""
    found = _UNSTORABLE.search(value)
    if found is None:
        return None
    if found.group() == "\x00":
        return "must not contain NUL characters"
    return "must not contain unpaired UTF-16 surrogates (U+D800 to U+DFFF)"


def check_storable(where: str, value: str) -> str:
    """`value` unchanged, or InvalidInput naming `where` (e.g. "key", "identity.id")."""
    reason = unstorable_reason(value)
    if reason is not None:
        raise InvalidInput(f"{where} {reason}")
    return value


def escaped(value: str) -> str:
    """`value` made storable for diagnostics (error texts quote the values that failed): NUL and
    surrogates become backslash escapes."""
    if _UNSTORABLE.search(value) is None:
        return value
    return _UNSTORABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", value)
