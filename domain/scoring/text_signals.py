"""Signals in the text people type: keyboard mashing, test data, role addresses."""

import re

_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm", "1234567890")
_VOWELS = set("aeiouy")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)

TEST_WORDS = frozenset(
    {
        "test", "testing", "tester", "testuser", "fake", "dummy", "asdf", "qwerty", "foo", "bar", "foobar",
        "sample", "example", "lorem", "ipsum", "null", "none", "undefined", "nobody", "anonymous", "xxx",
        "abc", "abcd", "temp", "placeholder", "johndoe", "janedoe", "blah", "spam",
    }
)  # fmt: skip
TEST_NAMES = frozenset({("john", "doe"), ("jane", "doe"), ("test", "user"), ("first", "last"), ("foo", "bar")})
TEST_DOMAINS = frozenset({"example.com", "example.org", "example.net", "test.com", "test.test", "localhost"})
ROLE_LOCAL_PARTS = frozenset(
    {
        "admin", "administrator", "info", "support", "sales", "contact", "noreply", "no-reply", "webmaster",
        "postmaster", "hostmaster", "abuse", "billing", "office", "hello", "team", "help", "root", "marketing",
        "security", "jobs", "careers", "enquiries", "inquiries", "accounts", "mail",
    }
)  # fmt: skip


def email_parts(email: str) -> tuple[str, str] | None:
    """(local part, domain), lower-cased, or None when it is not an address at all."""
    local, at, domain = email.strip().lower().rpartition("@")
    if not at or not local or "." not in domain or domain.startswith(".") or domain.endswith("."):
        return None
    return local, domain


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def _keyboard_run(token: str) -> bool:
    """Five keys in a row on one keyboard row (either direction), or a whole word of four."""
    for row in _ROWS:
        for line in (row, row[::-1]):
            if len(token) >= 4 and token in line:
                return True
            for i in range(len(line) - 4):
                if line[i : i + 5] in token:
                    return True
    return False


def mash_reason(text: str) -> str | None:
    """Why a name or username looks keyboard-mashed or random, or None if it does not."""
    lowered = text.lower()
    if re.search(r"(.)\1\1", lowered.replace(" ", "")):
        return "the same character three times in a row"
    tokens = words(text)
    if len(tokens) >= 2 and len(set(tokens)) == 1:
        return "the same word repeated"
    for token in tokens:
        if _keyboard_run(token):
            return f"keys in a row on the keyboard ({token!r})"
        letters = [c for c in token if c.isascii() and c.isalpha()]
        if len(letters) == len(token) and len(token) >= 5 and not _VOWELS & set(token):
            return f"no vowels in {token!r}"
        if re.search(r"[bcdfghjklmnpqrstvwxz]{5}", token):
            return f"a run of five consonants in {token!r}"
    return None


def test_data_reason(text: str) -> str | None:
    tokens = words(text)
    for token in tokens:
        if token in TEST_WORDS:
            return f"the word {token!r}"
    for first, second in zip(tokens, tokens[1:], strict=False):
        if (first, second) in TEST_NAMES:
            return f"the placeholder name {first} {second}"
    return None


def name_tokens(names: list[str]) -> set[str]:
    return {w for name in names for w in words(name) if len(w) >= 3}


def local_part_matches_name(local: str, names: list[str]) -> bool:
    """Whether the email's local part carries the person's name or its initials."""
    compact = re.sub(r"[^a-z]", "", local.lower())
    tokens = name_tokens(names)
    if any(t in compact for t in tokens if t.isascii()):
        return True
    initials = "".join(w[0] for name in names for w in words(name))
    return len(initials) >= 2 and compact.startswith(initials)
