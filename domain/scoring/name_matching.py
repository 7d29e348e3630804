"""Does an email address carry a person's name, however the name is written?

People type their addresses in ASCII; their names come in every script, with accents, in either order,
shortened to initials or nicknames. So each word of a name is compared in every spelling its owner
might use in an address: its ASCII transliteration (anyascii: Raúl → raul, Дмитрий → dmitriy, 王 →
wang), the German and Nordic conventions (Müller → mueller, Søren → soeren, Straße → strasse), the usual
romanisations of Korean surnames (김 → kim, 이 → lee), and the nicknames a dataset knows (William →
bill). Scripts that leave vowels unwritten or inherent (Arabic, Hebrew, the Indic scripts) transliterate
to consonants only (محمد → mhmd), so their words are also compared by consonant skeleton (mohammed →
mhmd).

An accented or non-Latin name thus matches whenever its ASCII spelling would: a name never loses for
being written as its owner writes it. Japanese kanji, which anyascii reads as Mandarin (山田 → shantian),
come with their Japanese readings from the datasets (`Datasets.readings`: 山田 → yamada), which an adapter
looks up in a dictionary index on disk."""

import functools
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping

from anyascii import anyascii

from domain.scoring.text_signals import written_without_vowels

# Spellings a German, Scandinavian or French speaker uses where ASCII has no letter.
_CONVENTIONS = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ø": "oe", "å": "aa", "æ": "ae", "œ": "oe", "þ": "th", "ð": "d"}
)
# Revised Romanisation (what anyascii gives) against how Korean surnames are spelled in practice.
_KOREAN_SURNAMES: dict[str, tuple[str, ...]] = {
    "김": ("kim",), "이": ("lee", "yi", "rhee", "li"), "박": ("park", "pak", "bak"), "최": ("choi", "choe"),
    "정": ("jung", "jeong", "chung"), "강": ("kang",), "조": ("cho", "jo"), "윤": ("yoon", "yun"),
    "장": ("jang", "chang"), "임": ("lim", "im", "rim"), "한": ("han",), "오": ("oh", "o"), "서": ("seo", "suh"),
    "신": ("shin", "sin"), "권": ("kwon", "gwon"), "황": ("hwang",), "안": ("ahn", "an"), "송": ("song",),
    "류": ("ryu", "yoo", "yu"), "유": ("yoo", "yu"), "전": ("jeon", "jun", "chun"), "홍": ("hong",),
    "고": ("ko", "go"), "문": ("moon", "mun"), "양": ("yang",), "손": ("son", "sohn"), "배": ("bae",),
    "백": ("baek", "paik"), "허": ("heo", "huh"), "노": ("noh", "roh", "no"), "남": ("nam",), "하": ("ha",),
}  # fmt: skip
# Sounds written with two letters in one romanisation and one in another (sharma / srma, khalid / halid).
_DIGRAPHS = (("sh", "s"), ("ch", "c"), ("kh", "k"), ("gh", "g"), ("th", "t"), ("dh", "d"), ("ph", "f"),
             ("bh", "b"), ("zh", "z"), ("ck", "k"), ("q", "k"), ("w", "v"))  # fmt: skip
_CAMEL = re.compile(r"[A-Z][a-z]*|[a-z]+")
MIN_WORD = 3  # shorter words (Li, An, Ng) match only as a whole part of the address
MIN_SKELETON = 3


def _ascii_words(word: str) -> list[str]:
    """anyascii's spelling of one word, split where it joins syllables (王小明 → WangXiaoMing)."""
    return [w.lower() for w in _CAMEL.findall(anyascii(word))]


@functools.lru_cache(maxsize=4096)
def spellings(word: str, readings: Callable[[str], Iterable[str]] = lambda _: ()) -> frozenset[str]:
    """Every ASCII spelling of one word of a name its owner might put in an address."""
    lowered = word.lower()
    found: set[str] = set(readings(word))
    for variant in (lowered, lowered.translate(_CONVENTIONS)):
        parts = _ascii_words(variant)
        found.add("".join(parts))
        if any("\u0370" <= c <= "\u03ff" for c in word):
            found.add("".join(parts).replace("oy", "ou"))  # Greek ου: Papadopoulos, not anyascii's Papadopoylos
        if len(parts) > 1 and not variant.isascii():
            found.update(parts)  # one ideograph, one syllable: 小明 is xiao and ming
    if _hangul(word):
        found |= _hangul_spellings(_ascii_words(lowered))
    for char, romanised in _KOREAN_SURNAMES.items():
        if lowered.startswith(char):
            rests = _hangul_spellings(_ascii_words(lowered[len(char) :])) if len(lowered) > len(char) else {""}
            found.update(r + rest for r in romanised for rest in rests)
            found.update(rests)
            found.update(romanised)
    if any("\u0400" <= c <= "\u04ff" for c in word):
        found |= _cyrillic_variants(anyascii(lowered))
    if lowered.startswith("ال") and len(lowered) > 3:
        found |= spellings(word[2:], readings)  # the Arabic article: al-Shammari is also Shammari
    return frozenset(s for s in found if s)


# How Korean syllables are spelled in practice besides the Revised Romanisation anyascii gives: 훈 hun as hoon,
# 성 seong as sung, 현 hyeon as hyun, 영 yeong as young, 희 hui as hee, 경 gyeong as kyung, 우 u as woo.
_HANGUL_RULES = ((r"yeo", "yu"), (r"yeo", "you"), (r"yeo", "yo"), (r"eo", "u"), (r"eo", "o"), (r"(?<![eo])u", "oo"),
                 (r"^u$", "woo"), (r"ui$", "ee"), (r"ui$", "i"), (r"(?<=[^aeiouy])i$", "ee"), (r"^g", "k"),
                 (r"^d", "t"), (r"^b", "p"), (r"^j", "ch"), (r"eu", "u"))  # fmt: skip


def _hangul(word: str) -> bool:
    return any("\uac00" <= c <= "\ud7a3" for c in word)


@functools.lru_cache(maxsize=4096)
def _syllable_spellings(syllable: str) -> frozenset[str]:
    variants = {syllable}
    for pattern, spelled in _HANGUL_RULES:
        variants |= {re.sub(pattern, spelled, v) for v in variants}
    return frozenset(variants)


def _hangul_spellings(syllables: list[str]) -> set[str]:
    """A Korean word's syllables joined in every usual spelling of each (지훈: jihun, jihoon, chihoon…)."""
    if not syllables or len(syllables) > 4:
        return {"".join(syllables)}
    return {"".join(combo) for combo in itertools.product(*(_syllable_spellings(x) for x in syllables))}


# How Russian names are romanised besides anyascii's way: Mariya / Maria, Dmitriy / Dmitry, Vasil'eva / Vasilyeva.
_CYRILLIC_RULES = (("'e", "ye"), ("'", ""), ("iya", "ia"), ("iy", "y"), ("iy", "i"), ("ya", "ia"), ("yu", "iu"),
                   ("ey", "ei"), ("kh", "h"), ("shch", "sch"), ("ks", "x"), ("ye", "e"))  # fmt: skip


def _cyrillic_variants(romanised: str) -> set[str]:
    base = romanised.lower()
    variants = {base}
    for old, new in _CYRILLIC_RULES:
        variants |= {v.replace(old, new) for v in variants}
    return {re.sub(r"[^a-z]", "", v) for v in variants}


def skeleton(text: str, *, loose: bool = False) -> str:
    """Consonants only, romanisations' digraphs as one letter, doubles as one: mohammed → mhmd. Loosely, also
    without the letters these scripts write for vowels or not at all (vav, yod, he: יוסי כהן is yvsy khhn,
    yossi cohen) and with c as k."""
    if loose:
        text = re.sub(r"[hwv]", "", text).replace("c", "k").replace("q", "k")
    for digraph, single in _DIGRAPHS:
        text = text.replace(digraph, single)
    consonants = re.sub(r"[^a-z]|[aeiouy]", "", text)
    return re.sub(r"(.)\1+", r"\1", consonants)


def _loose_skeleton(text: str) -> str:
    return skeleton(text, loose=True)


def _with_semivowels(text: str) -> str:
    """Consonants, y and w included, where Arabic writes its long vowels with them (ليلى is lyla: layla)."""
    return re.sub(r"(.)\1+", r"\1", re.sub(r"[^a-z]|[aeiou]", "", text))


def name_words(names: Iterable[str]) -> list[str]:
    """The words of names: runs of letters and the marks that belong to them (राहुल is one word, not three)."""
    found: list[str] = []
    for name in names:
        word = ""
        for c in name:
            if unicodedata.category(c)[0] in "LM":
                word += c
            elif word:
                found.append(word)
                word = ""
        if word:
            found.append(word)
    return found


def _syllabic(word: str) -> bool:
    """Written in Hangul or Chinese characters: one character, one syllable, the surname first."""
    return any("\uac00" <= c <= "\ud7a3" or "\u4e00" <= c <= "\u9fff" for c in word)


def romanised_words(name: str) -> list[str]:
    """A name's words in the ASCII its owner would write it with: Raúl Martínez → raul martinez, 王小明 →
    wang xiaoming, 김민준 → kim minjun (a surname by its usual spelling, the given name's syllables joined)."""
    found: list[str] = []
    for word in name_words([name]):
        lowered = word.lower()
        if _syllabic(word) and len(word) >= 2 and not any(c.isspace() for c in name.strip()):
            surname, given = lowered[0], lowered[1:]
            found.append(_KOREAN_SURNAMES.get(surname, ("".join(_ascii_words(surname)),))[0])
            found.append("".join(_ascii_words(given)))
        elif _syllabic(word) and lowered in _KOREAN_SURNAMES:
            found.append(_KOREAN_SURNAMES[lowered][0])
        else:
            found.append("".join(_ascii_words(lowered)))
    return [w for w in found if w]


def local_part_carries_name(
    local: str,
    names: Iterable[str],
    nicknames: Mapping[str, frozenset[str]],
    readings: Callable[[str], Iterable[str]] = lambda _: (),
) -> bool:
    """Whether an email's local part carries any word of the names, their initials, or a nickname."""
    words = name_words(names)
    if not words:
        return False
    lowered = local.lower()
    compact = re.sub(r"[^a-z]", "", lowered)
    pieces = set(re.findall(r"[a-z]+", lowered))
    forms = [spellings(w, readings) for w in words]
    for word, spelled in zip(words, forms, strict=True):
        candidates = set(spelled)
        for s in spelled:
            candidates |= nicknames.get(s, frozenset())
        if any(c in pieces or (len(c) >= MIN_WORD and c in compact) for c in candidates):
            return True
        if written_without_vowels(word) and any(
            len(sk := skeleton(s, loose=loose)) >= MIN_SKELETON and sk in skeleton(compact, loose=loose)
            for s in spelled
            for loose in (False, True)
        ):
            return True
        # A short one (عمر is mr: Omar, Umar, Amr) is too thin inside a longer address, but is the name when it
        # is a whole part of the address with no more vowels than a romanisation adds (omar2005@, not mario@).
        if written_without_vowels(word) and any(
            (sk := shape(s)) and len(piece) <= len(sk) + 2 and shape(piece) == sk
            for s in spelled
            for piece in pieces
            for shape in (skeleton, _loose_skeleton, _with_semivowels)
        ):
            return True
    # Words of a script without written vowels, whose transliteration is too thin alone, taken together.
    vowelless = [min(f) for w, f in zip(words, forms, strict=True) if f and written_without_vowels(w)]
    if len(vowelless) >= 2:
        joined = [skeleton(w, loose=True) for w in vowelless]
        address = skeleton(compact, loose=True)
        if any(len(j) >= MIN_SKELETON and j in address for j in ("".join(joined), "".join(reversed(joined)))):
            return True
    # Two short words run together (Li Na: lina@, nali@).
    if any(compact.startswith(a + b) for f, g in _pairs(forms) for a in f for b in g):
        return True
    # Initials, in the name's order or reversed (Ada Lovelace: al1815@, la@); a name in syllables also by
    # each syllable's (김지호: kjh0711@, 최은지: ce@, 赵军: zj1985@).
    options = [_initials(w, f) for w, f in zip(words, forms, strict=True) if f][:4]
    for order in (options, options[::-1]):
        for combo in itertools.product(*order):
            initials = "".join(combo)
            if len(initials) >= 2 and compact.startswith(initials):
                return True
    return False


def _initials(word: str, spelled: frozenset[str]) -> set[str]:
    """How one word of a name may be abbreviated: its first letter, or, for a word written in syllables
    (Hangul, Chinese characters), the first letters of its syllables and their beginnings."""
    found = {s[0] for s in spelled}
    if word.isascii():
        return found
    syllables = _ascii_words(word)
    if len(syllables) < 2:
        return found
    first = {syllables[0][0]} | {r[0] for r in _KOREAN_SURNAMES.get(word[0], ())}  # 김: g or k
    heads = [first, *({x[0]} for x in syllables[1:])]
    for combo in itertools.product(*heads):
        found |= {"".join(combo[:n]) for n in range(1, len(combo) + 1)}
    return found


def _pairs(forms: list[frozenset[str]]) -> Iterable[tuple[frozenset[str], frozenset[str]]]:
    return ((f, g) for i, f in enumerate(forms) for j, g in enumerate(forms) if i != j)
