"""People of 17 cultures: names in native spelling, how they write email addresses, and their networks.

Sources (small curated lists written for this benchmark, no generator library):
- Given names and surnames: the Wikipedia lists "List of most popular given names" (by country) and
  "List of most common surnames in Europe / Asia / Africa / South America" and the national pages they
  cite (Destatis/GfdS for Germany, INE for Spain, IBGE for Brazil, INSEE for France, PESEL/GUS for
  Poland, TÜİK for Turkey, Rosstat-based lists for Russia, the Chinese Ministry of Public Security's 2019
  name report, Meiji Yasuda's annual name ranking for Japan, the Korean Supreme Court's birth registry
  ranking, Statistics Sweden/Norway/Denmark/Finland, ISTAT for Italy, US SSA and Census for English).
  Native scripts as people write them (Cyrillic, CJK, Hangul, Arabic, Devanagari); the Latin spellings
  are the romanizations in common use (BGN/PCGN and passport forms for Russian, Hanyu Pinyin, Hepburn
  with the passport "oh"/"ou" variants, Revised Romanization and the traditional Kim/Lee/Park).
- Email habits: ASCII folding conventions (German ü→ue or u, ß→ss; Scandinavian ø→o/oe, å→a/aa; Turkish
  ı→i, ş→s), the common local-part shapes (first.last, initials, birth years, numbers, QQ numbers at
  qq.com, ID-style handles in Korea and Japan) and each country's large free-mail providers (web.de,
  gmx.de, t-online.de; wp.pl, o2.pl, onet.pl, interia.pl; yandex.ru, mail.ru, bk.ru, list.ru; qq.com,
  163.com, 126.com; yahoo.co.jp, docomo.ne.jp; naver.com, daum.net, hanmail.net; orange.fr, sfr.fr,
  free.fr, laposte.net; libero.it, virgilio.it; uol.com.br, bol.com.br; rediffmail.com; ...).
- Networks: address blocks of each country's large home ISPs and mobile carriers (RIR allocations:
  RIPE NCC, APNIC, AFRINIC, LACNIC, ARIN), checked against the offline IP database the server ships:
  each block below geolocated to its country and ASN in a live Dregs (2026-12-01).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

# --- ASCII folding conventions ---------------------------------------------------------------

GERMAN = {"ä": ("ae", "a"), "ö": ("oe", "o"), "ü": ("ue", "u"), "ß": ("ss",)}
NORDIC = {"å": ("a", "aa"), "ä": ("a", "ae"), "ö": ("o", "oe"), "ø": ("o", "oe"), "æ": ("ae", "a")}
TURKISH = {"ı": ("i",), "İ": ("i",), "ş": ("s",), "ğ": ("g",), "ç": ("c",), "ö": ("o",), "ü": ("u",)}
POLISH = {"ł": ("l",), "Ł": ("l",)}  # the rest (ą ę ś ć ń ó ź ż) folds by dropping the mark
VIETNAMESE = {"đ": ("d",), "Đ": ("d",)}
SPANISH = {"ñ": ("n", "ny")}
FRENCH = {"œ": ("oe",), "æ": ("ae",)}


def fold(text: str, table: dict[str, tuple[str, ...]] | None = None, variant: int = 0) -> str:
    """The ASCII spelling of text: the table's convention (variant picks the alternative), else the
    character without its accent."""
    out = []
    for ch in text:
        low = ch.lower()
        if table and (ch in table or low in table):
            options = table.get(ch) or table[low]
            out.append(options[min(variant, len(options) - 1)])
            continue
        decomposed = unicodedata.normalize("NFKD", low)
        out.append("".join(c for c in decomposed if not unicodedata.combining(c)))
    return "".join(out)


def is_ascii(text: str) -> bool:
    return all(ord(c) < 128 for c in text)


# --- names -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Name:
    """A given name or a surname as written natively, with the ASCII spellings used in addresses (the
    first is also the ASCII display form), nicknames, and for gendered surnames the feminine form."""

    native: str
    latin: tuple[str, ...]
    nick: tuple[str, ...] = ()
    female: bool = False
    fem: Name | None = None  # surname's feminine form (Polish -ska, Russian -ova)


def latin_name(native: str, table: dict | None, *, female: bool = False, nick: tuple[str, ...] = ()) -> Name:
    """A Latin-script name: its ASCII spellings by the culture's folding convention."""
    forms = []
    for variant in (0, 1):
        form = fold(native, table, variant).replace(" ", "").replace("'", "").replace("-", "")
        if form not in forms:
            forms.append(form)
    return Name(native, tuple(forms), nick, female)


def display_latin(name: Name) -> str:
    """How the person writes the name on an ASCII keyboard: first spelling, capitalised."""
    text = name.latin[0]
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class Culture:
    key: str
    label: str
    countries: tuple[tuple[str, float], ...]  # where people of this culture in the set live
    languages: tuple[str, ...]  # navigator.languages
    given: tuple[Name, ...]
    surnames: tuple[Name, ...]
    providers: tuple[tuple[str, float], ...]  # free-mail domains and their weights
    styles: tuple[tuple[str, float], ...]  # local-part shapes (see populations.local_part)
    family_first: bool = False  # native display order: family name first (CJK, Vietnamese)
    native_joiner: str = " "  # "" where the native full name is written without a space
    latin_display_share: float = 0.0  # share who type a native-script name in Latin letters anyway
    two_surnames: bool = False  # Spanish: paternal and maternal surname
    middle: tuple[Name, ...] = ()  # Vietnamese middle names (Văn, Thị, ...)
    handles: tuple[str, ...] = field(default=())  # handle words people use instead of their name


def _latin(table: dict | None, given: list[tuple[str, bool] | tuple[str, bool, tuple[str, ...]]], surnames: list):
    g = tuple(latin_name(x[0], table, female=x[1], nick=x[2] if len(x) > 2 else ()) for x in given)
    s = []
    for item in surnames:
        if isinstance(item, tuple):
            masc, fem = item
            s.append(
                Name(masc, latin_name(masc, table).latin, fem=Name(fem, latin_name(fem, table).latin, female=True))
            )
        else:
            s.append(latin_name(item, table))
    return g, tuple(s)


WESTERN_STYLES = (
    ("first.last", 0.26),
    ("firstlast", 0.12),
    ("first_last", 0.05),
    ("f.last", 0.08),
    ("flast", 0.07),
    ("first.lastNN", 0.08),
    ("firstYYYY", 0.07),
    ("firstlastYY", 0.08),
    ("last.first", 0.04),
    ("nickNN", 0.06),
    ("firstl", 0.04),
    ("handleNN", 0.05),
)

# --- the cultures ------------------------------------------------------------------------------

_g, _s = _latin(
    GERMAN,
    [
        ("Jürgen", False), ("Jörg", False), ("Björn", False), ("Sören", False), ("Lukas", False),
        ("Maximilian", False, ("max",)), ("Felix", False), ("Jonas", False), ("Uwe", False),
        ("Hannah", True), ("Sophie", True), ("Mia", True), ("Bärbel", True), ("Käthe", True),
        ("Anna", True), ("Lea", True),
    ],
    ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schäfer", "Köhler",
     "Groß", "Weiß", "Hoffmann", "Schröder", "Krüger", "Böhm"],
)  # fmt: skip
GERMAN_C = Culture(
    "de", "German", (("DE", 1.0),), ("de-DE", "de", "en-US", "en"), _g, _s,
    (("web.de", 0.22), ("gmx.de", 0.2), ("gmail.com", 0.28), ("t-online.de", 0.1), ("gmx.net", 0.07),
     ("outlook.de", 0.05), ("freenet.de", 0.03), ("yahoo.de", 0.05)),
    WESTERN_STYLES, handles=("sonnenschein", "blaubeere", "kaffeetasse", "bergfex"),
)  # fmt: skip

_g, _s = _latin(
    SPANISH,
    [
        ("José", False, ("pepe",)), ("Raúl", False), ("Javier", False, ("javi",)), ("Álvaro", False),
        ("Íñigo", False), ("Alejandro", False, ("alex",)), ("Sergio", False), ("Jesús", False, ("chus",)),
        ("María", True), ("Lucía", True), ("Sofía", True), ("Paula", True), ("Marta", True),
        ("Nuria", True), ("Begoña", True), ("Inés", True),
    ],
    ["García", "Martínez", "López", "Sánchez", "Pérez", "Gómez", "Fernández", "Rodríguez", "Jiménez", "Muñoz",
     "Álvarez", "Romero", "Ibáñez", "Peña", "Navarro", "Ruiz"],
)  # fmt: skip
SPANISH_C = Culture(
    "es", "Spanish", (("ES", 1.0),), ("es-ES", "es", "en"), _g, _s,
    (("gmail.com", 0.42), ("hotmail.com", 0.16), ("hotmail.es", 0.12), ("outlook.es", 0.1), ("yahoo.es", 0.08),
     ("telefonica.net", 0.04), ("icloud.com", 0.08)),
    WESTERN_STYLES, two_surnames=True, handles=("pichi", "lunallena", "elbuho"),
)  # fmt: skip

_g, _s = _latin(
    None,
    [
        ("João", False), ("José", False), ("Antônio", False, ("toninho",)), ("Gabriel", False), ("Lucas", False),
        ("Matheus", False), ("Luís", False), ("Conceição", True, ("ceiça",)), ("Letícia", True),
        ("Júlia", True, ("ju",)), ("Luíza", True), ("Vitória", True), ("Beatriz", True, ("bia",)),
        ("Ana", True), ("Maria", True), ("Francisco", False, ("chico",)),
    ],
    ["Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves", "Pereira", "Lima", "Gomes",
     "Araújo", "Gonçalves", "Magalhães", "Conceição", "Simões", "Guimarães"],
)  # fmt: skip
BRAZILIAN_C = Culture(
    "br", "Portuguese/Brazilian", (("BR", 0.8), ("PT", 0.2)), ("pt-BR", "pt", "en-US", "en"), _g, _s,
    (("gmail.com", 0.5), ("hotmail.com", 0.16), ("uol.com.br", 0.08), ("bol.com.br", 0.07), ("yahoo.com.br", 0.07),
     ("terra.com.br", 0.04), ("outlook.com", 0.08)),
    WESTERN_STYLES, handles=("gatinha", "flamengo", "corinthiano"),
)  # fmt: skip

_g, _s = _latin(
    FRENCH,
    [
        ("Hélène", True), ("Amélie", True), ("Chloé", True), ("Léa", True), ("Zoé", True), ("Noémie", True),
        ("Céline", True), ("Gaëlle", True), ("François", False), ("Jérôme", False), ("Théo", False),
        ("Benoît", False), ("Mathéo", False), ("Clément", False), ("Loïc", False), ("Nicolas", False, ("nico",)),
    ],
    ["Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Girard", "Fournier", "Rousseau", "Mercier", "Lambert",
     "Bonnet", "François", "Leroy", "Roux", "Gauthier", "Chevalier"],
)  # fmt: skip
FRENCH_C = Culture(
    "fr", "French", (("FR", 1.0),), ("fr-FR", "fr", "en-US", "en"), _g, _s,
    (("gmail.com", 0.36), ("orange.fr", 0.14), ("hotmail.fr", 0.12), ("sfr.fr", 0.08), ("free.fr", 0.09),
     ("laposte.net", 0.07), ("wanadoo.fr", 0.05), ("yahoo.fr", 0.05), ("outlook.fr", 0.04)),
    WESTERN_STYLES, handles=("petitloup", "chouquette", "lebreton"),
)  # fmt: skip

_g, _s = _latin(
    POLISH,
    [
        ("Małgorzata", True, ("gosia",)), ("Agnieszka", True, ("aga",)), ("Katarzyna", True, ("kasia",)),
        ("Zofia", True, ("zosia",)), ("Barbara", True, ("basia",)), ("Anna", True, ("ania",)),
        ("Łukasz", False), ("Paweł", False), ("Wojciech", False, ("wojtek",)), ("Krzysztof", False, ("krzysiek",)),
        ("Michał", False), ("Józef", False), ("Grzegorz", False, ("grzesiek",)), ("Piotr", False, ("piotrek",)),
    ],
    ["Nowak", ("Kowalski", "Kowalska"), ("Wiśniewski", "Wiśniewska"), "Wójcik", "Kowalczyk",
     ("Kamiński", "Kamińska"), ("Lewandowski", "Lewandowska"), ("Zieliński", "Zielińska"),
     ("Szymański", "Szymańska"), "Woźniak", ("Dąbrowski", "Dąbrowska"), ("Kozłowski", "Kozłowska")],
)  # fmt: skip
POLISH_C = Culture(
    "pl", "Polish", (("PL", 1.0),), ("pl-PL", "pl", "en-US", "en"), _g, _s,
    (("gmail.com", 0.4), ("wp.pl", 0.18), ("o2.pl", 0.12), ("onet.pl", 0.1), ("interia.pl", 0.12),
     ("op.pl", 0.04), ("outlook.com", 0.04)),
    WESTERN_STYLES, handles=("kotek", "zabka", "misiek"),
)  # fmt: skip

_g, _s = _latin(
    TURKISH,
    [
        ("Tuğba", True), ("Büşra", True), ("Çağla", True), ("Özge", True), ("Ayşe", True), ("Fatma", True),
        ("Elif", True), ("Gökhan", False), ("Şükrü", False), ("Ömer", False), ("Mehmet", False),
        ("Emre", False), ("İbrahim", False), ("Mustafa", False), ("Uğur", False), ("Barış", False),
    ],
    ["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Yıldırım", "Öztürk", "Aydın", "Özdemir",
     "Arslan", "Doğan", "Kılıç", "Aslan", "Güneş", "Koç"],
)  # fmt: skip
TURKISH_C = Culture(
    "tr", "Turkish", (("TR", 1.0),), ("tr-TR", "tr", "en-US", "en"), _g, _s,
    (("gmail.com", 0.52), ("hotmail.com", 0.26), ("outlook.com", 0.08), ("yandex.com", 0.06), ("icloud.com", 0.04),
     ("yahoo.com", 0.04)),
    WESTERN_STYLES, handles=("fenerli", "cimbomlu", "kartal"),
)  # fmt: skip

_g, _s = _latin(
    NORDIC,
    [
        ("Åsa", True), ("Märta", True), ("Siri", True), ("Mette", True), ("Päivi", True), ("Aino", True),
        ("Linnéa", True), ("Göran", False), ("Bjørn", False), ("Ørjan", False), ("Kåre", False),
        ("Søren", False), ("Jørgen", False), ("Mikko", False), ("Jyrki", False), ("Håkon", False),
    ],
    ["Lindström", "Andersson", "Johansson", "Nilsson", "Håkansson", "Ødegård", "Hansen", "Kjærgaard",
     "Sørensen", "Nielsen", "Virtanen", "Mäkinen", "Korhonen", "Järvinen", "Bjørklund", "Åberg"],
)  # fmt: skip
NORDIC_C = Culture(
    "nordic", "Nordic", (("SE", 0.3), ("NO", 0.25), ("DK", 0.25), ("FI", 0.2)), ("sv-SE", "sv", "en-US", "en"),
    _g, _s,
    (("gmail.com", 0.5), ("hotmail.com", 0.14), ("outlook.com", 0.1), ("live.se", 0.06), ("telia.com", 0.05),
     ("online.no", 0.05), ("icloud.com", 0.06), ("yahoo.dk", 0.04)),
    WESTERN_STYLES, handles=("fjellgeit", "hygge", "sauna"),
)  # fmt: skip

_g, _s = _latin(
    None,
    [
        ("Niccolò", False), ("Nicolò", False), ("Giuseppe", False, ("peppe",)), ("Giovanni", False, ("gianni",)),
        ("Alessandro", False, ("ale",)), ("Matteo", False), ("Andrea", False), ("Lucia", True),
        ("Francesca", True, ("fra",)), ("Chiara", True), ("Federica", True, ("fede",)), ("Ilaria", True),
        ("Noemi", True), ("Mattia", False),
    ],
    ["Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco",
     "Bruno", "Gallo", "De Luca", "D'Angelo", "Mancini", "Costa"],
)  # fmt: skip
ITALIAN_C = Culture(
    "it", "Italian", (("IT", 1.0),), ("it-IT", "it", "en-US", "en"), _g, _s,
    (("gmail.com", 0.45), ("libero.it", 0.18), ("hotmail.it", 0.1), ("virgilio.it", 0.06), ("alice.it", 0.05),
     ("yahoo.it", 0.06), ("tiscali.it", 0.04), ("outlook.it", 0.06)),
    WESTERN_STYLES, handles=("forzanapoli", "lupetto", "stellina"),
)  # fmt: skip

_g, _s = _latin(
    None,
    [
        ("James", False, ("jim", "jimmy")), ("Michael", False, ("mike",)), ("Robert", False, ("bob", "rob")),
        ("David", False, ("dave",)), ("William", False, ("will", "bill")), ("Christopher", False, ("chris",)),
        ("Daniel", False, ("dan",)), ("Mary", True), ("Jennifer", True, ("jen", "jenny")), ("Linda", True),
        ("Sarah", True), ("Emily", True, ("em",)), ("Jessica", True, ("jess",)), ("Ashley", True),
    ],
    ["Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson", "Taylor",
     "O'Brien", "Thompson", "Garcia", "Moore"],
)  # fmt: skip
ENGLISH_C = Culture(
    "en", "English (US/UK)", (("US", 1.0),), ("en-US", "en"), _g, _s,
    (("gmail.com", 0.5), ("yahoo.com", 0.14), ("outlook.com", 0.1), ("hotmail.com", 0.08), ("icloud.com", 0.1),
     ("aol.com", 0.04), ("comcast.net", 0.04)),
    WESTERN_STYLES, handles=("bluejay", "hoopsfan", "coffeelover"),
)  # fmt: skip

_g, _s = _latin(
    {"ọ": ("o",), "ṣ": ("s",), "ẹ": ("e",)},
    [
        ("Chukwuemeka", False, ("emeka",)), ("Chinedu", False), ("Oluwaseun", False, ("seun",)),
        ("Adébáyọ̀", False, ("bayo",)), ("Ibrahim", False), ("Musa", False), ("Babatunde", False, ("tunde",)),
        ("Ngozi", True), ("Chiamaka", True, ("amaka",)), ("Fúnmiláyọ̀", True, ("funmi",)), ("Aisha", True),
        ("Olúwakẹ́mi", True, ("kemi",)), ("Blessing", True), ("Halima", True),
    ],
    ["Okafor", "Adeyemi", "Ogunleye", "Okonkwo", "Eze", "Bello", "Abubakar", "Nwosu", "Ọláwálé", "Ibrahim",
     "Adeleke", "Obi", "Usman", "Balógun"],
)  # fmt: skip
NIGERIAN_C = Culture(
    "ng", "Nigerian", (("NG", 1.0),), ("en-NG", "en-GB", "en"), _g, _s,
    (("gmail.com", 0.62), ("yahoo.com", 0.24), ("outlook.com", 0.06), ("hotmail.com", 0.06), ("ymail.com", 0.02)),
    WESTERN_STYLES, handles=("naijaboy", "lagosbabe", "kingdavid"),
)  # fmt: skip

_g, _s = _latin(
    VIETNAMESE,
    [
        ("Hùng", False), ("Dũng", False), ("Tuấn", False), ("Quân", False), ("Nam", False), ("Bình", False),
        ("Minh", False), ("Đức", False), ("Hương", True), ("Lan", True), ("Linh", True), ("Mai", True),
        ("Phương", True), ("Thảo", True), ("Trang", True), ("Hà", True),
    ],
    ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ"],
)  # fmt: skip
_middle = (
    latin_name("Văn", VIETNAMESE), latin_name("Thị", VIETNAMESE, female=True), latin_name("Ngọc", VIETNAMESE),
    latin_name("Thanh", VIETNAMESE), latin_name("Minh", VIETNAMESE),
)  # fmt: skip
VIETNAMESE_C = Culture(
    "vi", "Vietnamese", (("VN", 1.0),), ("vi-VN", "vi", "en-US", "en"), _g, _s,
    (("gmail.com", 0.78), ("yahoo.com", 0.1), ("yahoo.com.vn", 0.05), ("outlook.com", 0.04), ("icloud.com", 0.03)),
    (("givenfamily", 0.22), ("familymiddlegiven", 0.2), ("given.initials", 0.12), ("initialsgivenYY", 0.14),
     ("familygivenYYYY", 0.12), ("given.family", 0.1), ("handleNN", 0.1)),
    family_first=True, middle=_middle, handles=("hoami", "meocon", "cuncon"),
)  # fmt: skip


def _native(items: list[tuple]) -> tuple[Name, ...]:
    """(native, latin spellings, [nicknames], [female]) tuples; for surnames a pair of such tuples
    (masculine, feminine)."""
    out = []
    for item in items:
        if isinstance(item[0], tuple):
            masc, fem = item
            out.append(Name(masc[0], masc[1], fem=Name(fem[0], fem[1], female=True)))
        else:
            native, latin, *rest = item
            nick = rest[0] if rest else ()
            female = rest[1] if len(rest) > 1 else False
            out.append(Name(native, latin, nick, female))
    return tuple(out)


RUSSIAN_C = Culture(
    "ru", "Russian", (("RU", 1.0),), ("ru-RU", "ru", "en-US", "en"),
    _native([
        ("Александр", ("aleksandr", "alexander", "alexandr"), ("sasha", "san")),
        ("Дмитрий", ("dmitry", "dmitriy", "dmitrii"), ("dima",)), ("Сергей", ("sergey", "sergei"), ("serg",)),
        ("Андрей", ("andrey", "andrei"), ()), ("Алексей", ("aleksey", "alexey", "alexei"), ("lesha",)),
        ("Иван", ("ivan",), ("vanya",)), ("Анна", ("anna",), ("anya",), True),
        ("Екатерина", ("ekaterina", "yekaterina"), ("katya",), True), ("Мария", ("maria", "mariya"), ("masha",), True),
        ("Ольга", ("olga",), ("olya",), True), ("Наталья", ("natalya", "natalia"), ("natasha",), True),
        ("Татьяна", ("tatyana", "tatiana"), ("tanya",), True), ("Юлия", ("yulia", "yuliya", "julia"), ("yulya",), True),
        ("Елена", ("elena", "yelena"), ("lena",), True),
    ]),
    _native([
        (("Иванов", ("ivanov",)), ("Иванова", ("ivanova",))), (("Смирнов", ("smirnov",)), ("Смирнова", ("smirnova",))),
        (("Кузнецов", ("kuznetsov",)), ("Кузнецова", ("kuznetsova",))), (("Попов", ("popov",)), ("Попова", ("popova",))),
        (("Васильев", ("vasilyev", "vasiliev")), ("Васильева", ("vasilyeva", "vasilieva"))),
        (("Петров", ("petrov",)), ("Петрова", ("petrova",))), (("Соколов", ("sokolov",)), ("Соколова", ("sokolova",))),
        (("Михайлов", ("mikhailov", "mihailov")), ("Михайлова", ("mikhailova", "mihailova"))),
        (("Новиков", ("novikov",)), ("Новикова", ("novikova",))), (("Фёдоров", ("fedorov", "fyodorov")), ("Фёдорова", ("fedorova",))),
        (("Морозов", ("morozov",)), ("Морозова", ("morozova",))), (("Волков", ("volkov",)), ("Волкова", ("volkova",))),
    ]),
    (("yandex.ru", 0.28), ("mail.ru", 0.3), ("gmail.com", 0.2), ("bk.ru", 0.06), ("list.ru", 0.05), ("inbox.ru", 0.04),
     ("rambler.ru", 0.04), ("ya.ru", 0.03)),
    WESTERN_STYLES, latin_display_share=0.15, handles=("kotik", "medved", "zvezda"),
)  # fmt: skip

CHINESE_C = Culture(
    "zh", "Chinese", (("CN", 1.0),), ("zh-CN", "zh", "en"),
    _native([
        ("伟", ("wei",)), ("强", ("qiang",)), ("磊", ("lei",)), ("军", ("jun",)), ("洋", ("yang",)), ("勇", ("yong",)),
        ("杰", ("jie",)), ("志强", ("zhiqiang",)), ("浩然", ("haoran",)), ("子轩", ("zixuan",)),
        ("芳", ("fang",), (), True), ("娜", ("na",), (), True), ("敏", ("min",), (), True), ("静", ("jing",), (), True),
        ("秀英", ("xiuying",), (), True), ("欣怡", ("xinyi",), (), True), ("梓涵", ("zihan",), (), True),
        ("丽", ("li",), (), True),
    ]),
    _native([
        ("王", ("wang",)), ("李", ("li",)), ("张", ("zhang",)), ("刘", ("liu",)), ("陈", ("chen",)), ("杨", ("yang",)),
        ("黄", ("huang",)), ("赵", ("zhao",)), ("吴", ("wu",)), ("周", ("zhou",)), ("徐", ("xu",)), ("孙", ("sun",)),
    ]),
    (("qq.com", 0.42), ("163.com", 0.24), ("126.com", 0.1), ("gmail.com", 0.08), ("sina.com", 0.06),
     ("foxmail.com", 0.05), ("outlook.com", 0.05)),
    (("qqnumber", 0.4), ("familygiven", 0.14), ("givenfamily", 0.08), ("family.given", 0.06), ("familygivenYYYY", 0.14),
     ("handleNN", 0.1), ("initialsYYYYMMDD", 0.08)),
    family_first=True, native_joiner="", latin_display_share=0.1, handles=("sunny", "xiaoyu", "tiantian"),
)  # fmt: skip

JAPANESE_C = Culture(
    "ja", "Japanese", (("JP", 1.0),), ("ja-JP", "ja", "en-US", "en"),
    _native([
        ("翔太", ("shota", "shouta")), ("大翔", ("hiroto",)), ("蓮", ("ren",)), ("陽翔", ("haruto",)),
        ("健太", ("kenta",)), ("拓也", ("takuya",)), ("直樹", ("naoki",)), ("湊", ("minato",)),
        ("さくら", ("sakura",), (), True), ("陽菜", ("hina",), (), True), ("結衣", ("yui",), (), True),
        ("美咲", ("misaki",), (), True), ("葵", ("aoi",), (), True), ("由美子", ("yumiko",), (), True),
        ("愛", ("ai",), (), True), ("恵子", ("keiko",), (), True),
    ]),
    _native([
        ("佐藤", ("sato", "satou", "satoh")), ("鈴木", ("suzuki",)), ("高橋", ("takahashi",)), ("田中", ("tanaka",)),
        ("伊藤", ("ito", "itou", "itoh")), ("渡辺", ("watanabe",)), ("山本", ("yamamoto",)), ("中村", ("nakamura",)),
        ("小林", ("kobayashi",)), ("加藤", ("kato", "katou", "katoh")), ("斎藤", ("saito", "saitou")),
        ("山田", ("yamada",)),
    ]),
    (("gmail.com", 0.4), ("yahoo.co.jp", 0.26), ("docomo.ne.jp", 0.1), ("icloud.com", 0.1), ("ezweb.ne.jp", 0.06),
     ("i.softbank.jp", 0.04), ("outlook.jp", 0.04)),
    (("given.family", 0.22), ("family_given", 0.14), ("g.familyYYYY", 0.14), ("givenMMDD", 0.12),
     ("handleNN", 0.22), ("familygivenYY", 0.16)),
    family_first=True, latin_display_share=0.15, handles=("nekoneko", "sakuranbo", "momotaro", "pikachu"),
)  # fmt: skip

KOREAN_C = Culture(
    "ko", "Korean", (("KR", 1.0),), ("ko-KR", "ko", "en-US", "en"),
    _native([
        ("민준", ("minjun", "minjoon")), ("서준", ("seojun", "seojoon")), ("도윤", ("doyun", "doyoon")),
        ("지호", ("jiho",)), ("지훈", ("jihoon", "jihun")), ("현우", ("hyunwoo", "hyeonu")), ("영호", ("youngho", "yeongho")),
        ("서연", ("seoyeon",), (), True), ("지우", ("jiwoo", "jiu"), (), True), ("하은", ("haeun",), (), True),
        ("수빈", ("subin", "soobin"), (), True), ("은지", ("eunji",), (), True), ("민지", ("minji",), (), True),
        ("예은", ("yeeun",), (), True),
    ]),
    _native([
        ("김", ("kim",)), ("이", ("lee", "yi", "rhee")), ("박", ("park", "pak")), ("최", ("choi",)),
        ("정", ("jung", "jeong", "chung")), ("강", ("kang",)), ("조", ("cho", "jo")), ("윤", ("yoon", "yun")),
        ("장", ("jang", "chang")), ("임", ("lim", "im")), ("한", ("han",)), ("오", ("oh",)),
    ]),
    (("naver.com", 0.46), ("gmail.com", 0.24), ("daum.net", 0.12), ("hanmail.net", 0.1), ("kakao.com", 0.04),
     ("nate.com", 0.04)),
    (("givenYY", 0.2), ("initialsMMDD", 0.16), ("handleNN", 0.3), ("familygiven", 0.14), ("given.family", 0.1),
     ("familygivenYYYY", 0.1)),
    family_first=True, native_joiner="", latin_display_share=0.1, handles=("skyblue", "happyday", "gomdori", "dalbit"),
)  # fmt: skip

ARABIC_C = Culture(
    "ar", "Arabic", (("SA", 0.45), ("EG", 0.35), ("AE", 0.2)), ("ar-SA", "ar", "en-US", "en"),
    _native([
        ("محمد", ("mohammed", "muhammad", "mohamed"), ("mido",)), ("أحمد", ("ahmed", "ahmad"), ()),
        ("عبدالله", ("abdullah", "abdallah"), ("abdo",)), ("علي", ("ali",), ()), ("عمر", ("omar", "umar"), ()),
        ("خالد", ("khaled", "khalid"), ()), ("يوسف", ("youssef", "yousef", "yusuf"), ("joe",)),
        ("فاطمة", ("fatima", "fatma"), ("fatoom",), True), ("عائشة", ("aisha", "aysha"), (), True),
        ("مريم", ("mariam", "maryam"), (), True), ("نورة", ("noura", "nora"), (), True), ("سارة", ("sara", "sarah"), (), True),
        ("ليلى", ("layla", "leila"), (), True), ("هدى", ("huda", "hoda"), (), True),
    ]),
    _native([
        ("العتيبي", ("alotaibi", "al-otaibi", "otaibi")), ("القحطاني", ("alqahtani", "al-qahtani", "qahtani")),
        ("الشمري", ("alshammari", "al-shammari", "shammari")), ("الحربي", ("alharbi", "al-harbi")),
        ("حسن", ("hassan", "hasan")), ("إبراهيم", ("ibrahim", "ebrahim")), ("عبدالرحمن", ("abdelrahman", "abdulrahman")),
        ("محمود", ("mahmoud", "mahmud")), ("السيد", ("elsayed", "el-sayed", "alsayed")), ("مصطفى", ("mostafa", "mustafa")),
        ("الزهراني", ("alzahrani", "al-zahrani")), ("سالم", ("salem", "salim")),
    ]),
    (("gmail.com", 0.55), ("hotmail.com", 0.22), ("yahoo.com", 0.12), ("outlook.com", 0.08), ("icloud.com", 0.03)),
    WESTERN_STYLES, latin_display_share=0.45, handles=("falcon", "desertrose", "alnasr"),
)  # fmt: skip

INDIAN_C = Culture(
    "hi", "Indian", (("IN", 1.0),), ("en-IN", "hi-IN", "hi", "en"),
    _native([
        ("आदित्य", ("aditya",)), ("राहुल", ("rahul",)), ("अमित", ("amit",)), ("विकास", ("vikas",)),
        ("रोहित", ("rohit",)), ("अर्जुन", ("arjun",)), ("दीपक", ("deepak", "dipak")),
        ("प्रिया", ("priya",), (), True), ("अंजलि", ("anjali",), (), True), ("पूजा", ("pooja", "puja"), (), True),
        ("नेहा", ("neha",), (), True), ("सुनीता", ("sunita",), (), True), ("कविता", ("kavita", "kavitha"), (), True),
        ("श्रेया", ("shreya",), (), True),
    ]),
    _native([
        ("शर्मा", ("sharma",)), ("वर्मा", ("verma",)), ("सिंह", ("singh",)), ("कुमार", ("kumar",)),
        ("गुप्ता", ("gupta",)), ("पटेल", ("patel",)), ("यादव", ("yadav",)), ("जैन", ("jain",)),
        ("मिश्रा", ("mishra",)), ("अग्रवाल", ("agarwal", "aggarwal")), ("चौधरी", ("chaudhary", "choudhary")),
        ("रेड्डी", ("reddy",)),
    ]),
    (("gmail.com", 0.66), ("yahoo.com", 0.08), ("yahoo.co.in", 0.08), ("rediffmail.com", 0.08), ("outlook.com", 0.06),
     ("hotmail.com", 0.04)),
    WESTERN_STYLES, latin_display_share=0.7, handles=("cricketfan", "mastermind", "sunshine"),
)  # fmt: skip

CULTURES: tuple[Culture, ...] = (
    GERMAN_C, SPANISH_C, BRAZILIAN_C, FRENCH_C, POLISH_C, TURKISH_C, NORDIC_C, ITALIAN_C, ENGLISH_C, NIGERIAN_C,
    VIETNAMESE_C, RUSSIAN_C, CHINESE_C, JAPANESE_C, KOREAN_C, ARABIC_C, INDIAN_C,
)  # fmt: skip

# --- networks -----------------------------------------------------------------------------------
# (block, operator): home broadband and mobile carriers per country. Mobile carriers put many customers
# behind few addresses (carrier-grade NAT), so populations draw a mobile address from a small pool.

NETWORKS: dict[str, dict[str, tuple[tuple[str, str], ...]]] = {
    "DE": {"home": (("79.192.0.0/10", "AS3320 Deutsche Telekom"), ("91.0.0.0/10", "AS3320 Deutsche Telekom"),
                    ("95.88.0.0/14", "AS3209 Vodafone"), ("46.128.0.0/12", "AS35244 Pepcom")),
           "mobile": (("176.0.0.0/11", "AS6805 Telefónica Germany"),)},
    "ES": {"home": (("83.32.0.0/11", "AS3352 Telefónica de España"), ("88.0.0.0/11", "AS3352 Telefónica de España")),
           "mobile": (("88.0.0.0/11", "AS3352 Telefónica de España"),)},
    "BR": {"home": (("189.0.0.0/11", "AS26599 Telefônica Brasil"), ("177.32.0.0/11", "AS28573 Claro"),
                    ("201.0.0.0/12", "AS27699 Telefônica Brasil")),
           "mobile": (("191.32.0.0/12", "AS18881 Vivo"), ("179.208.0.0/12", "AS28573 Claro"))},
    "PT": {"home": (("85.240.0.0/13", "AS3243 MEO"),), "mobile": (("188.80.0.0/13", "AS3243 MEO"),)},
    "FR": {"home": (("90.0.0.0/9", "AS3215 Orange"), ("78.192.0.0/10", "AS12322 Free")),
           "mobile": (("77.128.0.0/11", "AS15557 SFR"),)},
    "PL": {"home": (("83.0.0.0/11", "AS5617 Orange Polska"),),
           "mobile": (("37.248.0.0/14", "AS8374 Plus"), ("89.64.0.0/13", "AS9141 Play/UPC"))},
    "TR": {"home": (("78.160.0.0/11", "AS9121 Türk Telekom"), ("88.224.0.0/11", "AS9121 Türk Telekom")),
           "mobile": (("31.142.0.0/16", "AS16135 Turkcell"),)},
    "SE": {"home": (("78.64.0.0/12", "AS3301 Telia Sweden"),), "mobile": (("78.64.0.0/12", "AS3301 Telia Sweden"),)},
    "NO": {"home": (("84.208.0.0/13", "AS25400 Telia Norway"),), "mobile": (("84.208.0.0/13", "AS25400 Telia Norway"),)},
    "DK": {"home": (("87.48.0.0/12", "AS3292 TDC"),), "mobile": (("87.48.0.0/12", "AS3292 TDC"),)},
    "FI": {"home": (("91.152.0.0/13", "AS719 Elisa"),), "mobile": (("85.76.0.0/14", "AS719 Elisa"),)},
    "IT": {"home": (("79.0.0.0/12", "AS3269 TIM"), ("93.32.0.0/13", "AS12874 Fastweb")),
           "mobile": (("93.32.0.0/13", "AS12874 Fastweb"),)},
    "US": {"home": (("73.0.0.0/8", "AS7922 Comcast"), ("100.0.0.0/10", "AS701 Verizon")),
           "mobile": (("172.32.0.0/11", "AS21928 T-Mobile US"),)},
    "NG": {"home": (("105.112.0.0/12", "AS36873 Airtel Nigeria"),), "mobile": (("197.210.0.0/16", "AS29465 MTN Nigeria"),)},
    "VN": {"home": (("113.160.0.0/11", "AS45899 VNPT"), ("42.112.0.0/13", "AS18403 FPT")),
           "mobile": (("27.64.0.0/12", "AS7552 Viettel"),)},
    "RU": {"home": (("95.24.0.0/13", "AS8402 Beeline"), ("188.32.0.0/13", "AS42610 NCNet")),
           "mobile": (("85.140.0.0/14", "AS8359 MTS"), ("213.87.128.0/17", "AS8359 MTS"))},
    "CN": {"home": (("116.224.0.0/12", "AS4812 China Telecom"), ("123.112.0.0/12", "AS4808 China Unicom")),
           "mobile": (("111.0.0.0/10", "AS56041 China Mobile"), ("117.128.0.0/10", "AS9808 China Mobile"))},
    "JP": {"home": (("153.128.0.0/9", "AS4713 NTT OCN"),),
           "mobile": (("106.128.0.0/10", "AS2516 KDDI"), ("126.0.0.0/8", "AS17676 SoftBank"))},
    "KR": {"home": (("175.192.0.0/10", "AS4766 Korea Telecom"), ("1.224.0.0/11", "AS9277 SK Broadband")),
           "mobile": (("223.32.0.0/11", "AS9644 SK Telecom"),)},
    "SA": {"home": (("2.88.0.0/14", "AS25019 STC"),), "mobile": (("2.88.0.0/14", "AS25019 STC"),)},
    "EG": {"home": (("41.32.0.0/11", "AS8452 Telecom Egypt"),), "mobile": (("41.32.0.0/11", "AS8452 Telecom Egypt"),)},
    "AE": {"home": (("94.200.0.0/13", "AS15802 du"),), "mobile": (("94.200.0.0/13", "AS15802 du"),)},
    "IN": {"home": (("122.160.0.0/12", "AS24560 Airtel"), ("117.192.0.0/10", "AS9829 BSNL")),
           "mobile": (("49.32.0.0/11", "AS55836 Reliance Jio"),)},
}  # fmt: skip

TIMEZONES = {
    "DE": "Europe/Berlin", "ES": "Europe/Madrid", "BR": "America/Sao_Paulo", "PT": "Europe/Lisbon",
    "FR": "Europe/Paris", "PL": "Europe/Warsaw", "TR": "Europe/Istanbul", "SE": "Europe/Stockholm",
    "NO": "Europe/Oslo", "DK": "Europe/Copenhagen", "FI": "Europe/Helsinki", "IT": "Europe/Rome",
    "US": "America/New_York", "NG": "Africa/Lagos", "VN": "Asia/Ho_Chi_Minh", "RU": "Europe/Moscow",
    "CN": "Asia/Shanghai", "JP": "Asia/Tokyo", "KR": "Asia/Seoul", "SA": "Asia/Riyadh", "EG": "Africa/Cairo",
    "AE": "Asia/Dubai", "IN": "Asia/Kolkata",
}  # fmt: skip

LANGUAGES = {"PT": ("pt-PT", "pt", "en"), "NO": ("nb-NO", "no", "en"), "DK": ("da-DK", "da", "en"),
             "FI": ("fi-FI", "fi", "en"), "EG": ("ar-EG", "ar", "en"), "AE": ("ar-AE", "ar", "en")}  # fmt: skip
