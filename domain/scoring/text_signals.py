"""Signals in the text people type: keyboard mashing, test data, role addresses."""

import re
import unicodedata

from anyascii import anyascii

_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm", "1234567890")
_VOWELS = set("aeiouy")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)

TEST_WORDS = frozenset(
    {
        "test", "testing", "tester", "testuser", "fake", "dummy", "asdf", "qwerty", "foo", "bar", "foobar",
        "sample", "example", "lorem", "ipsum", "null", "none", "undefined", "nobody", "anonymous", "xxx",
        "abc", "abcd", "temp", "placeholder", "johndoe", "janedoe", "blah", "spam", "demo", "guest", "noname",
        "firstname", "lastname", "surname", "username", "yourname", "myname", "fullname",
    }
)  # fmt: skip
# Placeholder and fictional names people type instead of their own.
TEST_NAMES = frozenset(
    {
        ("john", "doe"), ("jane", "doe"), ("test", "user"), ("first", "last"), ("foo", "bar"), ("name", "surname"),
        ("first", "name"), ("last", "name"), ("your", "name"), ("santa", "claus"), ("mickey", "mouse"),
        ("minnie", "mouse"), ("donald", "duck"), ("daisy", "duck"), ("bugs", "bunny"), ("homer", "simpson"),
        ("bart", "simpson"), ("harry", "potter"), ("james", "bond"), ("darth", "vader"), ("luke", "skywalker"),
        ("peter", "pan"), ("snow", "white"), ("max", "mustermann"), ("erika", "mustermann"), ("jan", "kowalski"),
        ("fulano", "tal"), ("joe", "bloggs"),
    }
)  # fmt: skip
TEST_DOMAINS = frozenset({"example.com", "example.org", "example.net", "test.com", "test.test", "localhost"})
ROLE_LOCAL_PARTS = frozenset(
    {
        "admin", "administrator", "info", "support", "sales", "contact", "noreply", "no-reply", "webmaster",
        "postmaster", "hostmaster", "abuse", "billing", "office", "hello", "team", "help", "root", "marketing",
        "security", "jobs", "careers", "enquiries", "inquiries", "accounts", "mail",
    }
)  # fmt: skip
_TRAILING_COUNTER = re.compile(r"[\d._-]+$")
# Consonant clusters of real languages, each one sound (Schwarz, Szczepański, Mkrtchyan).
_CLUSTERS = (("tsch", "c"), ("szcz", "c"), ("sch", "c"), ("sz", "s"), ("cz", "c"), ("rz", "z"), ("ch", "c"),
             ("sh", "s"), ("th", "t"), ("ph", "f"), ("gh", "g"), ("ck", "k"), ("dz", "z"), ("zh", "z"),
             ("kh", "k"), ("tz", "c"), ("ts", "c"), ("ng", "n"))  # fmt: skip
MAX_CONSONANT_RUN = 5
_VOWELLESS_SCRIPTS = ("ARABIC", "HEBREW", "SYRIAC", "THAANA", "DEVANAGARI", "BENGALI", "GURMUKHI", "GUJARATI",
                      "ORIYA", "TAMIL", "TELUGU", "KANNADA", "MALAYALAM", "SINHALA")  # fmt: skip


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


def written_without_vowels(word: str) -> bool:
    """Whether the word is in a script that leaves vowels unwritten or inherent (Arabic, Hebrew, the Indic
    scripts): its transliteration is mostly consonants, and says nothing about mashing."""
    return any(c.isalpha() and unicodedata.name(c, "").startswith(_VOWELLESS_SCRIPTS) for c in word)


def fold(text: str) -> str:
    """The text as ASCII, lower-cased: Raúl → raul, Дмитрий → dmitriy, 王小明 → wangxiaoming."""
    return anyascii(text).lower()


def _collapsed(token: str) -> str:
    for cluster, sound in _CLUSTERS:
        token = token.replace(cluster, sound)
    return token


def mash_reason(text: str, *, personal_name: bool = False, surname: bool = False) -> str | None:
    """Why a name or username looks keyboard-mashed or random, or None if it does not. Digits are no sign
    of mashing (joao1999), but a personal name has none (Q65Y24 Ixi); a surname may repeat a word
    (Fernández Fernández: both parents' first surnames)."""
    if personal_name and any(c.isdigit() for c in text):
        return "digits in a name"
    folded = fold(text)
    if re.search(r"([a-z])\1\1", folded.replace(" ", "")):
        return "the same letter three times in a row"
    tokens = words(folded)
    if len(tokens) >= 2 and len(set(tokens)) == 1 and not surname:
        return "the same word repeated"
    vowelled = not any(written_without_vowels(w) for w in _WORD.findall(text))
    for token in tokens:
        if _keyboard_run(token):
            return f"keys in a row on the keyboard ({token!r})"
        if not vowelled:
            continue
        if len(token) >= 5 and not _VOWELS & set(token):
            return f"no vowels in {token!r}"
        if re.search(f"[bcdfghjklmnpqrstvwxz]{{{MAX_CONSONANT_RUN + 1}}}", _collapsed(token)):
            return f"a run of consonants no language has in {token!r}"
    return None


def test_data_reason(text: str) -> str | None:
    tokens = words(fold(text))
    for token in tokens:
        if token in TEST_WORDS:
            return f"the word {token!r}"
    for first, second in zip(tokens, tokens[1:], strict=False):
        if (first, second) in TEST_NAMES:
            return f"the placeholder name {first} {second}"
    return None


def without_counter(local: str) -> str:
    """A mailbox name without the number people add when the plain one is taken: ann.lee1 → ann.lee."""
    return _TRAILING_COUNTER.sub("", local)


def role_local_part(local: str) -> str | None:
    """The role an address's local part names (admin22@ is admin@ with a counter), or None."""
    stem = without_counter(local.lower())
    return stem if stem in ROLE_LOCAL_PARTS else None
