"""Labelled synthetic traffic for bench/scoring_quality.py: per-identity event lists as an app's
backend sends them (event names such as "user.signup", "login", "promo_redeem"; the IP, session and
device fingerprint in each event's data; email and names in the identity data).

Seeded and deterministic: `generate(per_class, seed)` returns the same identities, events and
timestamps for the same seed (and the same Faker and disposable-email-domains versions).

Each population models what the real thing looks like, not what Dregs' analyzers happen to look
for, so the hard cases are in on purpose:

  legit              people from many countries (Faker's locales): names that are real but odd
                     (Hirschfeld, Nguyễn, 山田), addresses with the name, a birth year or nothing of
                     the name at all; log-normal gaps from seconds to weeks; the odd typo'd password
                     and the odd forgotten one (a few failures, then a reset); new phones, travel,
                     IPv6 privacy addresses; colleagues behind one office IP, households on one IP,
                     some sharing a family tablet; phones behind a carrier's shared (CGNAT) IPs.
  fake_signup        throwaway sign-ups: disposable domains (real ones, from the
                     disposable-email-domains blocklist), fresh throwaway domains no list knows yet,
                     random free-mail boxes; mashed, random, test or generated names; little else.
  alias_multi        one person, several accounts: Gmail dots, +tags, googlemail.com, numbered
                     mailboxes, the same mailbox at other providers, or unrelated new addresses; the
                     same device or session, or an antidetect browser; the welcome promo each time.
  ato_victim         real people's accounts (a legit history) taken over: password guessing, a
                     credential-stuffing hit (often no failure at all), a reset through a hijacked
                     mailbox, or low-and-slow guessing over rotating IPs; then the attacker's actions.
  promo_abuser       real-looking accounts redeeming many promotion codes: a leaked list or a code
                     tester in a burst, or a coupon hunter over a day or a week.
  bot                scripted accounts: a fixed sleep plus network jitter, a randomised sleep, flat
                     out, or a cron job running a short clockwork script every few hours.
  registration_bomb  campaigns creating 8-80 accounts within minutes: one IP and device, one IP and
                     rotating fingerprints, rotating proxies on one device, or both rotating.
"""

from __future__ import annotations

import math
import random
import re
import string
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import disposable_email_domains
from faker import Faker

from bench import browsers

START = datetime(2026, 6, 1, tzinfo=UTC)
SPAN = timedelta(days=120)
END = START + SPAN

LEGIT = "legit"
FAKE_SIGNUP = "fake_signup"
ALIAS_MULTI = "alias_multi"
ATO_VICTIM = "ato_victim"
PROMO_ABUSER = "promo_abuser"
BOT = "bot"
REGISTRATION_BOMB = "registration_bomb"
POPULATIONS = (LEGIT, FAKE_SIGNUP, ALIAS_MULTI, ATO_VICTIM, PROMO_ABUSER, BOT, REGISTRATION_BOMB)
GOOD_POPULATIONS = frozenset({LEGIT})

# Where people come from (an international web shop); weights.
LOCALES = {
    "en_US": 30, "en_GB": 8, "de_DE": 8, "fr_FR": 6, "es_ES": 5, "it_IT": 4, "pt_BR": 5, "en_IN": 5, "pl_PL": 3,
    "nl_NL": 3, "sv_SE": 2, "cs_CZ": 2, "tr_TR": 2, "vi_VN": 2, "ja_JP": 2, "zh_CN": 2, "ru_RU": 2, "ko_KR": 1,
}  # fmt: skip
_ROMANIZED = frozenset({"ja_JP", "zh_CN"})  # Faker has romanized names for these
_NON_LATIN = frozenset({"ja_JP", "zh_CN", "ru_RU", "ko_KR"})
FREE_MAIL = {
    "gmail.com": 40, "yahoo.com": 7, "outlook.com": 8, "hotmail.com": 7, "icloud.com": 6, "aol.com": 2,
    "proton.me": 2, "live.com": 2, "me.com": 1, "mail.com": 1, "gmx.de": 2, "web.de": 2, "orange.fr": 1,
    "free.fr": 1, "libero.it": 1, "mail.ru": 1, "yandex.ru": 1, "qq.com": 1, "163.com": 1, "naver.com": 1,
    "comcast.net": 1, "btinternet.com": 1, "wp.pl": 1, "seznam.cz": 1,
}  # fmt: skip
# Throwaway providers people actually reach for first; each is kept only if the blocklist has it.
_POPULAR_DISPOSABLE = (
    "mailinator.com", "guerrillamail.com", "sharklasers.com", "10minutemail.com", "temp-mail.org", "yopmail.com",
    "yopmail.fr", "trashmail.com", "maildrop.cc", "dispostable.com", "getnada.com", "mailnesia.com",
    "throwawaymail.com", "fakeinbox.com", "emailondeck.com", "moakt.com", "mohmal.com", "discard.email",
    "mytemp.email", "tmpmail.org", "grr.la", "spam4.me", "emailfake.com", "mail.tm", "tempmailo.com",
    "minuteinbox.com", "1secmail.com", "dropmail.me", "mailsac.com", "harakirimail.com", "trash-mail.com",
)  # fmt: skip
DISPOSABLE_BLOCKLIST = tuple(sorted(disposable_email_domains.blocklist))
POPULAR_DISPOSABLE = tuple(d for d in _POPULAR_DISPOSABLE if d in disposable_email_domains.blocklist)

HANDLE_WORDS = (
    "sunny", "blue", "wolf", "tiger", "pixel", "ninja", "coffee", "guitar", "dragon", "star", "moon", "happy",
    "lucky", "shadow", "rocket", "panda", "cookie", "surfer", "gamer", "music", "river", "storm", "bear", "fox",
    "cherry", "mango", "silver", "chef", "biker", "runner", "book", "travel", "sky", "ocean", "dream", "jazz",
)  # fmt: skip
PAGES = ("/", "/products", "/products/{n}", "/cart", "/account", "/search", "/help", "/blog/{n}", "/deals")
PROMO_CODES = ("WELCOME10", "SPRING20", "FREESHIP", "SAVE15", "VIP25", "BLACKFRIDAY", "NEWUSER", "FRIEND10")
# Mashed, random and placeholder names people type into forms they do not mean to keep.
JUNK_NAMES = (
    "asdf", "asdf asdf", "qwerty", "sdfsdf", "dfgdfg", "jjjjj", "aaa aaa", "xxx", "test", "Test User", "test test",
    "tester", "fake name", "John Doe", "no name", "abc", "hjkl", "zxcvb", "ghjghj", "kkk", "q", "a b", "wer wer",
    "lol", "user", "Name Surname", "first last", "fdsa", "poiuy", "mnbvc",
)  # fmt: skip


@dataclass(frozen=True)
class Event:
    type: str  # the name the app sends
    at: datetime
    data: dict[str, Any] = field(default_factory=dict)
    identity_data: dict[str, Any] = field(default_factory=dict)
    # What dregs.js reports from the event's device (tracker protocol `signals`), and whether its IP is
    # a data centre's; None for events without a device (webhooks, API scripts).
    browser: dict[str, Any] | None = None
    hosting: bool = False


@dataclass
class Identity:
    id: str
    population: str
    variant: str  # how this one was made (e.g. "clockwork", "stuffing-hit"): for diagnosis only
    group: str | None = None  # household, office, person, operator or campaign it belongs to
    events: list[Event] = field(default_factory=list)

    @property
    def bad(self) -> bool:
        return self.population not in GOOD_POPULATIONS

    @property
    def email(self) -> str | None:
        for e in self.events:
            if "email" in e.identity_data:
                return e.identity_data["email"]
        return None

    @property
    def name(self) -> str | None:
        for e in self.events:
            d = e.identity_data
            if "name" in d:
                return d["name"]
            if "first_name" in d:
                return f"{d['first_name']} {d.get('last_name', '')}".strip()
        return None


@dataclass
class Context:
    """Where an event comes from: its IP, browser session and device."""

    ip: str | None
    session: str | None
    device: str | None

    def data(self) -> dict[str, Any]:
        found = {"ip": self.ip, "session_id": self.session, "fingerprint": self.device}
        return {k: v for k, v in found.items() if v is not None}


@dataclass
class Person:
    locale: str
    first: str  # as the person writes it
    last: str
    first_ascii: str  # as it goes into an email address
    last_ascii: str


@dataclass
class Home:
    ip: str
    ipv6_prefix: str | None  # privacy addresses: a new one every day
    tablet: str | None  # a family device, shared

    def address(self, rng: random.Random, at: datetime) -> str:
        if self.ipv6_prefix is None:
            return self.ip
        day = at.toordinal()
        mixed = random.Random(f"{self.ipv6_prefix}-{day}-{rng.random() < 0.8}")  # mostly one address a day
        return f"{self.ipv6_prefix}:{mixed.getrandbits(16):x}:{mixed.getrandbits(16):x}:{mixed.getrandbits(16):x}"


def _fold(text: str) -> str:
    """How a name goes into an address: accents dropped, letters only."""
    for a, b in (("ß", "ss"), ("ł", "l"), ("Ł", "L"), ("ø", "o"), ("đ", "d"), ("Đ", "D"), ("ı", "i"), ("æ", "ae")):
        text = text.replace(a, b)
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z]", "", plain)


class TrafficGenerator:
    def __init__(self, seed: int = 1) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self._fakers: dict[str, Faker] = {}
        self._ids: set[str] = set()
        self._groups = 0
        # Carriers' shared egress IPs (CGNAT): thousands of phones behind a few dozen addresses.
        self.carrier_ips = [self._public_ip(10, 223) for _ in range(40)]
        # Side records for the browser reports (bench/browsers.py); they draw nothing from self.rng.
        self.device_kinds: dict[str, str] = {}
        self._browsers: dict[str, dict[str, Any]] = {}
        self.datacenter_ips: set[str] = set()

    # --- building blocks ----------------------------------------------------------------

    def faker(self, locale: str) -> Faker:
        if locale not in self._fakers:
            made = Faker(locale)
            made.seed_instance(self.seed * 1_000 + list(LOCALES).index(locale))
            self._fakers[locale] = made
        return self._fakers[locale]

    def _pick(self, weights: dict[str, float]) -> str:
        return self.rng.choices(list(weights), list(weights.values()))[0]

    def _public_ip(self, low: int = 24, high: int = 212) -> str:
        r = self.rng
        first = r.randint(low, high)
        while first in (100, 127, 169, 172, 192, 198, 203):
            first = r.randint(low, high)
        return f"{first}.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}"

    def _datacenter_ip(self) -> str:
        r = self.rng
        first = r.choice((3, 13, 18, 34, 35, 44, 45, 52, 54, 64, 104, 138, 139, 142, 146, 157, 159, 161, 165, 167))
        made = f"{first}.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}"
        self.datacenter_ips.add(made)
        return made

    def _hex(self, n: int) -> str:
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(n))

    def device(self, kind: str = "laptop") -> str:
        """A device id; `kind` (bench/browsers.py) says what browser it is."""
        made = self._hex(32)
        self.device_kinds[made] = kind
        return made

    def browser_signals(self, device: str) -> dict[str, Any]:
        """What dregs.js would report from this device."""
        return browsers.report(self.device_kinds.get(device, "laptop"), device, self.seed)

    def session(self) -> str:
        return self._hex(24)

    def identity_id(self) -> str:
        while True:
            made = f"usr_{self._hex(12)}"
            if made not in self._ids:
                self._ids.add(made)
                return made

    def group(self, kind: str) -> str:
        self._groups += 1
        return f"{kind}-{self._groups}"

    def _lognormal_seconds(self, median: float, sigma: float, low: float = 0.0) -> timedelta:
        return timedelta(seconds=max(low, self.rng.lognormvariate(math.log(median), sigma)))

    def person(self, locale: str | None = None, last: Person | None = None) -> Person:
        locale = locale or self._pick(LOCALES)
        fake = self.faker(locale)
        if locale in _ROMANIZED and self.rng.random() < 0.4:
            first, last_name = fake.first_romanized_name(), fake.last_romanized_name()
            first_ascii, last_ascii = first, last_name
        else:
            first, last_name = fake.first_name(), fake.last_name()
            if locale in _ROMANIZED:
                first_ascii, last_ascii = fake.first_romanized_name(), fake.last_romanized_name()
            elif locale in _NON_LATIN:  # no romanization at hand: the address is a handle
                first_ascii, last_ascii = "", ""
            else:
                first_ascii, last_ascii = first.split()[0], last_name
        if last is not None:  # family: the same surname
            last_name, last_ascii = last.last, last.last_ascii
        if locale == "de_DE" and self.rng.random() < 0.5:
            first_ascii = first_ascii.replace("ü", "ue").replace("ö", "oe").replace("ä", "ae")
            last_ascii = last_ascii.replace("ü", "ue").replace("ö", "oe").replace("ä", "ae")
        return Person(locale, first, last_name, _fold(first_ascii), _fold(last_ascii))

    def free_mail_domain(self, locale: str) -> str:
        if self.rng.random() < 0.3:
            return self.faker(locale).free_email_domain()
        return self._pick(FREE_MAIL)

    def handle(self, locale: str = "en_US") -> str:
        r = self.rng
        if r.random() < 0.5:
            return re.sub(r"[^a-z0-9._]", "", self.faker(locale).user_name().lower()) or "user"
        word = r.choice(HANDLE_WORDS) + (r.choice(("_", ".", "")) + r.choice(HANDLE_WORDS) if r.random() < 0.5 else "")
        return word + (str(r.randint(1, 9999)) if r.random() < 0.7 else "")

    def local_part(self, p: Person) -> str:
        """The part before the @ a person picks: mostly their name, sometimes not at all."""
        r = self.rng
        f, last = p.first_ascii, p.last_ascii
        if not f or not last or r.random() < 0.15:
            return self.handle(p.locale)
        year = r.randint(1955, 2006)
        style = r.choices(
            ["first.last", "firstlast", "flast", "first.l", "first_last", "first.last+year", "firstlast+nn",
             "first+nn", "lastfirst", "f.last", "first"],
            [25, 12, 9, 3, 4, 12, 7, 8, 3, 4, 3],
        )[0]  # fmt: skip
        nn = (
            str(year % 100).zfill(2)
            if r.random() < 0.6
            else (str(year) if r.random() < 0.5 else str(r.randint(1, 999)))
        )
        return {
            "first.last": f"{f}.{last}",
            "firstlast": f"{f}{last}",
            "flast": f"{f[0]}{last}",
            "first.l": f"{f}.{last[0]}",
            "first_last": f"{f}_{last}",
            "first.last+year": f"{f}.{last}{nn}",
            "firstlast+nn": f"{f}{last}{nn}",
            "first+nn": f"{f}{nn}",
            "lastfirst": f"{last}{f}",
            "f.last": f"{f[0]}.{last}",
            "first": f,
        }[style]

    def identity_data(self, p: Person, email: str, *, name_style: str | None = None) -> dict[str, Any]:
        r = self.rng
        style = name_style or r.choices(["name", "split", "none"], [50, 35, 15])[0]
        data: dict[str, Any] = {"email": email}
        if style == "name":
            # East Asian names are written family name first.
            data["name"] = f"{p.last} {p.first}" if p.locale in ("ja_JP", "zh_CN", "ko_KR") else f"{p.first} {p.last}"
        elif style == "split":
            data["first_name"], data["last_name"] = p.first, p.last
        if r.random() < 0.35:
            data["username"] = self.handle(p.locale) if r.random() < 0.6 else email.split("@")[0]
        return data

    def event(self, type_: str, at: datetime, ctx: Context | None, identity_data: dict[str, Any] | None = None,
              **extra: Any) -> Event:  # fmt: skip
        data = ctx.data() if ctx is not None else {}
        data.update(extra)
        browser = None
        if ctx is not None and ctx.device is not None:
            browser = self._browsers.get(ctx.device)
            if browser is None:
                browser = self._browsers[ctx.device] = self.browser_signals(ctx.device)
        hosting = ctx is not None and ctx.ip in self.datacenter_ips
        return Event(type_, at, data, identity_data or {}, browser, hosting)

    def page(self) -> str:
        return self.rng.choice(PAGES).replace("{n}", str(self.rng.randint(1, 500)))

    # --- people -------------------------------------------------------------------------

    def legit_life(  # noqa: PLR0913 - a person's whole situation
        self,
        p: Person,
        identity_data: dict[str, Any],
        *,
        home: Home,
        office_ip: str | None,
        begin: datetime,
        until: datetime,
        signs_up: bool = True,
    ) -> list[Event]:
        """A person's use of the app from sign-up (or from `begin`, for an older account) until `until`."""
        r = self.rng
        laptop = self.device()
        phone = self.device("phone") if r.random() < 0.6 else None
        phone_on_carrier = r.random() < 0.7
        new_phone_at = begin + timedelta(days=r.uniform(20, 200)) if phone and r.random() < 0.2 else None
        events: list[Event] = []
        sessions = max(1, min(250, int(r.lognormvariate(1.6, 1.1))))
        at = begin
        promo_used = False
        for n in range(sessions):
            if at >= until:
                break
            if new_phone_at is not None and at >= new_phone_at:
                phone, new_phone_at = self.device("phone"), None
            on_phone = phone is not None and r.random() < 0.4
            device = phone if on_phone else laptop
            if home.tablet is not None and r.random() < 0.2:
                device = home.tablet
            workday = at.weekday() < 5 and 8 <= at.hour < 18
            if office_ip is not None and workday and not on_phone and r.random() < 0.7:
                ip = office_ip
            elif on_phone and phone_on_carrier and r.random() < 0.7:
                ip = r.choice(self.carrier_ips)
            elif r.random() < 0.04:  # a hotel, a café, a friend's place
                ip = self._public_ip()
            else:
                ip = home.address(r, at)
            ctx = Context(ip, self.session(), device)
            t = at
            if n == 0 and signs_up:
                events.append(self.event("user.signup", t, ctx, identity_data))
                if r.random() < 0.6:
                    events.append(self.event("email_verified", t + self._lognormal_seconds(120, 1.5, 10), ctx))
            elif r.random() < 0.5:  # otherwise still logged in from last time
                events.extend(self._login(ctx, t))
                t = events[-1].at
            for _ in range(max(1, int(r.lognormvariate(1.3, 0.8)))):
                t += self._lognormal_seconds(20, 1.0, 1)
                kind = r.choices(["page_view", "search", "add_to_cart"], [75, 15, 10])[0]
                events.append(
                    self.event(kind, t, ctx, path=self.page()) if kind == "page_view" else self.event(kind, t, ctx)
                )
            if r.random() < 0.12:
                if not promo_used and r.random() < 0.15:
                    t += self._lognormal_seconds(15, 0.8, 2)
                    events.append(self.event("promo_redeem", t, ctx, code=r.choice(PROMO_CODES)))
                    promo_used = r.random() < 0.8  # the odd person redeems a second one, months later
                t += self._lognormal_seconds(40, 0.8, 3)
                # Payment providers' webhooks carry no browser context.
                events.append(self.event("purchase", t, ctx if r.random() < 0.6 else None,
                                         amount=round(r.lognormvariate(3.5, 0.9), 2), currency="EUR"))  # fmt: skip
            if r.random() < 0.1:
                events.append(self.event("logout", t + self._lognormal_seconds(10, 0.7, 1), ctx))
            at = t + self._lognormal_seconds(1.5 * 86_400, 1.4, 600)
        return [e for e in events if e.at < until]

    def _login(self, ctx: Context, at: datetime) -> list[Event]:
        r = self.rng
        events: list[Event] = []
        t = at
        roll = r.random()
        if roll < 0.015:  # forgot the password: a few tries, then a reset
            for _ in range(r.randint(2, 5)):
                events.append(self.event("login_failed", t, ctx))
                t += self._lognormal_seconds(25, 0.7, 4)
            events.append(self.event("password_reset", t, ctx))
            t += self._lognormal_seconds(180, 0.8, 30)
            events.append(self.event("password_changed", t, ctx))
            t += self._lognormal_seconds(20, 0.6, 3)
        elif roll < 0.07:  # a typo
            events.append(self.event("login_failed", t, ctx))
            t += self._lognormal_seconds(12, 0.6, 3)
        events.append(self.event("login", t, ctx))
        return events

    def legit_people(self, count: int, population: str = LEGIT) -> list[Identity]:
        """People alone, in households (one IP; some share a tablet) and in offices (one IP by day)."""
        r = self.rng
        found: list[Identity] = []
        while len(found) < count:
            roll = r.random()
            if roll < 0.12:  # about a fifth of people, a quarter to a third in offices, half alone
                size, kind = r.randint(2, 4), "household"
            elif roll < 0.19:
                size, kind = r.randint(3, 10), "office"
            else:
                size, kind = 1, "single"
            size = min(size, count - len(found))
            group = self.group(kind) if size > 1 else None
            locale = self._pick(LOCALES)
            shared_home = self._home(tablet=kind == "household" and r.random() < 0.3)
            office_ip = self._public_ip() if kind == "office" else None
            company = self._company_domain(locale) if kind == "office" else None
            family: Person | None = None
            for _ in range(size):
                if kind == "household":
                    p = self.person(locale, last=family if r.random() < 0.7 else None)
                    family = family or p
                else:
                    p = self.person(locale if kind == "office" and r.random() < 0.7 else None)
                home = shared_home if kind == "household" else self._home(tablet=False)
                if company is not None and r.random() < 0.6:
                    email = f"{self._work_local(p)}@{company}"
                else:
                    email = self.email(p)
                found.append(self._legit_identity(population, kind, group, p, email, home, office_ip))
        return found

    def _legit_identity(  # noqa: PLR0913
        self, population: str, variant: str, group: str | None, p: Person, email: str, home: Home, office_ip: str | None
    ) -> Identity:
        r = self.rng
        begin = START + timedelta(seconds=r.uniform(0, 0.8 * SPAN.total_seconds()))
        signs_up = r.random() < 0.85  # the others signed up before the app sent events
        events = self.legit_life(p, self.identity_data(p, email), home=home, office_ip=office_ip, begin=begin,
                                 until=END, signs_up=signs_up)  # fmt: skip
        if not signs_up and events:  # an older account still tells who it is, with its first event
            first = events[0]
            events[0] = Event(first.type, first.at, first.data, self.identity_data(p, email))
        return Identity(self.identity_id(), population, variant, group, events)

    def email(self, p: Person) -> str:
        r = self.rng
        local = self.local_part(p)
        domain = self.free_mail_domain(p.locale)
        if domain in ("gmail.com", "fastmail.com", "outlook.com") and r.random() < 0.03:
            local += "+" + r.choice(("shop", "news", "spam", "store", "deals"))
        return f"{local}@{domain}"

    def _work_local(self, p: Person) -> str:
        if not p.first_ascii or not p.last_ascii:
            return self.handle(p.locale)
        f, last = p.first_ascii, p.last_ascii
        return self.rng.choice((f"{f}.{last}", f"{f[0]}{last}", f, f"{f}{last[0]}"))

    def _company_domain(self, locale: str) -> str:
        words = [w for w in (_fold(x) for x in self.faker(locale).company().split()) if len(w) > 1][:2]
        name = "-".join(words) or _fold(self.faker("en_US").company().split()[0])
        return f"{name}.{self.rng.choice(('com', 'com', 'io', 'de', 'co.uk', 'fr', 'net'))}"

    def _home(self, *, tablet: bool) -> Home:
        ipv6 = None
        if self.rng.random() < 0.25:
            ipv6 = f"2a0{self.rng.randint(0, 9)}:{self._hex(4)}:{self._hex(4)}:{self._hex(4)}"
        return Home(self._public_ip(), ipv6, self.device("tablet") if tablet else None)

    # --- fraud --------------------------------------------------------------------------

    def fake_signups(self, count: int) -> list[Identity]:
        r = self.rng
        found = []
        for _ in range(count):
            kind = r.choices(["disposable", "fresh-throwaway", "random-freemail"], [65, 10, 25])[0]
            if kind == "disposable":
                domain = r.choice(POPULAR_DISPOSABLE) if r.random() < 0.6 else r.choice(DISPOSABLE_BLOCKLIST)
            elif kind == "fresh-throwaway":  # registered last week: on no list yet
                domain = (
                    f"{r.choice(HANDLE_WORDS)}{r.randint(10, 999)}.{r.choice(('xyz', 'top', 'click', 'shop', 'site'))}"
                )
            else:
                domain = self._pick(FREE_MAIL)
            name_kind = r.choices(["junk", "random-letters", "generated", "none"], [40, 20, 25, 15])[0]
            identity_data: dict[str, Any]
            if name_kind == "generated":  # a form filler's plausible name
                p = self.person()
                local = self.local_part(p) + str(r.randint(1, 9999)) if r.random() < 0.5 else self._random_local()
                identity_data = self.identity_data(p, f"{local}@{domain}", name_style=r.choice(("name", "split")))
            else:
                identity_data = {"email": ""}
                if name_kind == "junk":
                    identity_data["name"] = r.choice(JUNK_NAMES)
                elif name_kind == "random-letters":
                    identity_data["name"] = f"{self._letters(4, 9).title()} {self._letters(4, 9).title()}"
                if r.random() < 0.3:
                    identity_data["username"] = r.choice(("user", "test", "abc", "xx", "guest")) + str(
                        r.randint(1, 99999)
                    )
                local = self._random_local() if r.random() < 0.7 else r.choice(JUNK_NAMES).replace(" ", "")
            identity_data["email"] = f"{local}@{domain}"
            ctx = Context(
                self._datacenter_ip() if r.random() < 0.3 else self._public_ip(), self.session(), self.device()
            )
            at = START + timedelta(seconds=r.uniform(0, SPAN.total_seconds() - 86_400))
            events = [self.event("user.signup", at, ctx, identity_data)]
            if r.random() < 0.3:
                at += self._lognormal_seconds(60, 1.0, 5)
                events.append(self.event("email_verified", at, ctx))
            for _ in range(r.choice((0, 0, 0, 1, 2))):
                at += self._lognormal_seconds(15, 1.0, 1)
                events.append(self.event(r.choice(("page_view", "login")), at, ctx, path=self.page()))
            found.append(Identity(self.identity_id(), FAKE_SIGNUP, f"{kind}/{name_kind}", None, events))
        return found

    def _letters(self, low: int, high: int) -> str:
        return "".join(self.rng.choice(string.ascii_lowercase) for _ in range(self.rng.randint(low, high)))

    def _random_local(self) -> str:
        r = self.rng
        return r.choice((
            lambda: self._letters(6, 12),
            lambda: self._letters(3, 6) + str(r.randint(10, 99999)),
            lambda: "".join(r.choice(string.ascii_lowercase + string.digits) for _ in range(r.randint(8, 14))),
        ))()  # fmt: skip

    def alias_multi_accounters(self, count: int) -> list[Identity]:
        r = self.rng
        found: list[Identity] = []
        while len(found) < count:
            left = count - len(found)
            accounts = min(2 + int(r.lognormvariate(0.5, 0.6)), 10, left)
            if left - accounts == 1:  # no one has a single account here
                accounts = left
            group = self.group("person")
            p = self.person()
            strategy = r.choices(["gmail-dots", "plus-tags", "googlemail", "numbered", "other-providers", "unrelated"],
                                 [20, 15, 5, 25, 15, 20])[0]  # fmt: skip
            devices = r.choices(["same-device", "antidetect", "two-devices"], [55, 25, 20])[0]
            network = r.choices(["home", "vpn", "carrier"], [60, 25, 15])[0]
            base_local = self.local_part(p)
            base_domain = (
                "gmail.com"
                if strategy in ("gmail-dots", "plus-tags", "googlemail")
                else self.free_mail_domain(p.locale)
            )
            own = [self.device(), self.device()]
            home = self._public_ip()
            at = START + timedelta(seconds=r.uniform(0, 0.9 * SPAN.total_seconds()))
            session = self.session()
            last_at = at
            for n in range(accounts):
                email = self._alias(strategy, base_local, base_domain, n, p)
                if r.random() < 0.12:
                    email = f"{self._random_local()}@{r.choice(POPULAR_DISPOSABLE)}"
                name = self._alias_name(p)
                if devices == "same-device":
                    device = own[0]
                elif devices == "two-devices":
                    device = own[n % 2]
                else:
                    device = self.device("antidetect")
                if network == "vpn":
                    ip = self._datacenter_ip()
                elif network == "carrier":
                    ip = r.choice(self.carrier_ips)
                else:
                    ip = home
                if n > 0:
                    at += self._lognormal_seconds(2 * 3600, 2.0, 30)
                    if devices != "same-device" or r.random() < 0.5 or at - last_at > timedelta(minutes=30):
                        session = self.session()
                last_at = at
                ctx = Context(ip, session, device)
                identity_data: dict[str, Any] = {"email": email, **name}
                events = [self.event("user.signup", at, ctx, identity_data)]
                t = at
                if r.random() < 0.6:
                    t += self._lognormal_seconds(60, 1.0, 5)
                    events.append(self.event("email_verified", t, ctx))
                for _ in range(r.randint(1, 6)):
                    t += self._lognormal_seconds(20, 1.0, 1)
                    events.append(self.event("page_view", t, ctx, path=self.page()))
                if r.random() < 0.85:
                    t += self._lognormal_seconds(120, 1.5, 5)
                    events.append(
                        self.event("promo_redeem", t, ctx, code=r.choice(("WELCOME10", "NEWUSER", "FRIEND10")))
                    )
                    if r.random() < 0.65:
                        t += self._lognormal_seconds(60, 1.0, 5)
                        events.append(
                            self.event("purchase", t, ctx, amount=round(r.uniform(10, 60), 2), currency="EUR")
                        )
                if r.random() < 0.3:  # comes back once or twice
                    for _ in range(r.randint(1, 2)):
                        t += self._lognormal_seconds(86_400, 1.2, 3600)
                        events.append(self.event("login", t, ctx))
                        events.append(
                            self.event("page_view", t + self._lognormal_seconds(20, 1, 1), ctx, path=self.page())
                        )
                variant = f"{strategy}/{devices}/{network}"
                found.append(
                    Identity(self.identity_id(), ALIAS_MULTI, variant, group, [e for e in events if e.at < END])
                )
        return found

    def _alias(self, strategy: str, local: str, domain: str, n: int, p: Person) -> str:
        r = self.rng
        if n == 0:
            return f"{local}@{domain}"
        plain = local.replace(".", "")
        if strategy == "gmail-dots":
            cut = sorted(r.sample(range(1, len(plain)), k=min(len(plain) - 1, r.randint(1, 2))))
            dotted = "".join(ch + ("." if i + 1 in cut else "") for i, ch in enumerate(plain))
            return f"{dotted}@{domain}"
        if strategy == "plus-tags":
            return f"{local}+{r.choice(('promo', 'shop', str(n), 'deal', 'new' + str(n), 'x'))}@{domain}"
        if strategy == "googlemail":
            return f"{local if r.random() < 0.5 else plain}@{r.choice(('googlemail.com', 'gmail.com'))}"
        if strategy == "numbered":
            return f"{local}{n if r.random() < 0.7 else str(n).zfill(2)}@{domain}"
        if strategy == "other-providers":
            return f"{local}@{self._pick({d: w for d, w in FREE_MAIL.items() if d != domain})}"
        return f"{self.handle(p.locale)}@{self.free_mail_domain(p.locale)}"

    def _alias_name(self, p: Person) -> dict[str, Any]:
        r = self.rng
        kind = r.choices(["same", "swapped", "initial", "other", "none"], [45, 10, 15, 20, 10])[0]
        if kind == "same":
            return {"name": f"{p.first} {p.last}"}
        if kind == "swapped":
            return {"first_name": p.last, "last_name": p.first}
        if kind == "initial":
            return {"name": f"{p.first[0]}. {p.last}"}
        if kind == "other":
            q = self.person(p.locale)
            return {"name": f"{q.first} {q.last}"}
        return {}

    def ato_victims(self, count: int) -> list[Identity]:
        r = self.rng
        found = []
        for _ in range(count):
            p = self.person()
            email = self.email(p)
            home = self._home(tablet=False)
            attack_at = START + timedelta(seconds=r.uniform(0.3, 0.97) * SPAN.total_seconds())
            begin = START + timedelta(seconds=r.uniform(0, max(0.0, (attack_at - START).total_seconds() - 7 * 86_400)))
            identity_data = self.identity_data(p, email)
            history = self.legit_life(p, identity_data, home=home, office_ip=None, begin=begin, until=attack_at)
            if not history:
                history = [
                    self.event("user.signup", begin, Context(home.ip, self.session(), self.device()), identity_data)
                ]
            owner = next((e.data["fingerprint"] for e in reversed(history) if "fingerprint" in e.data), None)
            variant, attack = self._attack(attack_at)
            events = history + attack
            if r.random() < 0.3:  # the owner notices, days later, and takes the account back
                t = attack[-1].at + self._lognormal_seconds(2 * 86_400, 1.0, 3600)
                ctx = Context(home.address(r, t), self.session(), owner)
                events += [self.event("login_failed", t, ctx), self.event("password_reset", t + timedelta(seconds=40), ctx),
                           self.event("password_changed", t + timedelta(minutes=4), ctx),
                           self.event("login", t + timedelta(minutes=5), ctx)]  # fmt: skip
            found.append(Identity(self.identity_id(), ATO_VICTIM, variant, None, [e for e in events if e.at < END]))
        return found

    def _attack(self, at: datetime) -> tuple[str, list[Event]]:
        r = self.rng
        variant = r.choices(["guessing", "stuffing-hit", "reset-hijack", "low-and-slow"], [30, 35, 20, 15])[0]
        # A script calling the API has no fingerprint; a stuffing tool drives a patched headless browser.
        device = self.device("stealth" if variant == "stuffing-hit" else "laptop") if r.random() < 0.7 else None
        ip = self._public_ip() if r.random() < 0.6 else self._datacenter_ip()
        rotating = variant == "low-and-slow" or r.random() < 0.4

        def ctx() -> Context:
            return Context(self._public_ip() if rotating else ip, self.session(), device)

        events: list[Event] = []
        t = at
        if variant == "guessing":
            scripted = r.random() < 0.6
            for _ in range(r.randint(4, 30)):
                events.append(self.event("login_failed", t, ctx()))
                t += self._lognormal_seconds(4 if scripted else 20, 0.6, 0.5)
        elif variant == "stuffing-hit":
            for _ in range(0 if r.random() < 0.6 else r.randint(1, 2)):
                events.append(self.event("login_failed", t, ctx()))
                t += self._lognormal_seconds(3, 0.6, 0.3)
        elif variant == "reset-hijack":
            for _ in range(r.choice((0, 0, 1, 2))):
                events.append(self.event("login_failed", t, ctx()))
                t += self._lognormal_seconds(10, 0.6, 1)
        else:
            for _ in range(r.randint(3, 10)):
                events.append(self.event("login_failed", t, ctx()))
                t += self._lognormal_seconds(2 * 3600, 1.0, 300)
        last = Context(ip, self.session(), device)
        if variant == "reset-hijack" or (variant == "guessing" and r.random() < 0.45):
            events.append(self.event("password_reset", t, last))
            t += self._lognormal_seconds(120, 0.7, 20)
            events.append(self.event("password_changed", t, last))
            t += self._lognormal_seconds(15, 0.5, 2)
        events.append(self.event("login", t, last))
        # What the attacker came for.
        if r.random() < 0.35:
            t += self._lognormal_seconds(60, 0.8, 5)
            events.append(self.event("email_changed", t, last))
        if r.random() < 0.3 and not any(e.type == "password_changed" for e in events):
            t += self._lognormal_seconds(60, 0.8, 5)
            events.append(self.event("password_changed", t, last))
        for _ in range(r.randint(1, 6)):
            t += self._lognormal_seconds(15, 0.8, 1)
            events.append(self.event("page_view", t, last, path=self.page()))
        for _ in range(r.choice((0, 0, 1, 2, 3))):
            t += self._lognormal_seconds(40, 0.8, 5)
            events.append(self.event("purchase", t, last, amount=round(r.uniform(50, 500), 2), currency="EUR"))
        return variant, events

    def promo_abusers(self, count: int) -> list[Identity]:
        r = self.rng
        found = []
        for _ in range(count):
            p = self.person()
            identity_data = self.identity_data(p, self.email(p))
            ctx = Context(self._public_ip(), self.session(), self.device())
            at = START + timedelta(seconds=r.uniform(0, 0.85 * SPAN.total_seconds()))
            events = [self.event("user.signup", at, ctx, identity_data)]
            t = at + self._lognormal_seconds(600, 2.0, 10)
            pace = r.choices(["burst", "day", "week"], [60, 25, 15])[0]
            redemptions = min(3 + int(r.lognormvariate(1.0, 0.8)), 25)
            gap = {"burst": (40, 0.8), "day": (3600, 0.8), "week": (12 * 3600, 0.7)}[pace]
            for _ in range(redemptions):
                if pace == "burst":  # codes from a leaked list: the invalid ones fail first
                    for _ in range(r.choice((0, 0, 1, 3))):
                        events.append(self.event("promo_invalid", t, ctx, code=self._letters(6, 8).upper()))
                        t += self._lognormal_seconds(8, 0.7, 1)
                else:
                    ctx = Context(ctx.ip, self.session(), ctx.device)
                    events.append(self.event("login", t, ctx))
                    t += self._lognormal_seconds(30, 0.8, 2)
                events.append(self.event("promo_redeem", t, ctx, code=self._letters(6, 10).upper()))
                if r.random() < 0.7:
                    t += self._lognormal_seconds(45, 0.8, 5)
                    events.append(self.event("purchase", t, ctx, amount=round(r.uniform(5, 80), 2), currency="EUR"))
                t += self._lognormal_seconds(*gap, 1)
            found.append(Identity(self.identity_id(), PROMO_ABUSER, pace, None, [e for e in events if e.at < END]))
        return found

    def bots(self, count: int) -> list[Identity]:
        r = self.rng
        found: list[Identity] = []
        while len(found) < count:
            # An operator runs a few accounts from one cloud host and one headless browser build.
            group = self.group("operator")
            host_ips = [self._datacenter_ip() for _ in range(r.randint(1, 3))]
            headless = self.device(browsers.bot_kind(self.seed, group))
            for _ in range(min(r.randint(1, 8), count - len(found))):
                found.append(self._bot(group, host_ips, headless))
        return found

    def _bot(self, group: str, host_ips: list[str], headless: str) -> Identity:
        r = self.rng
        variant = r.choices(["clockwork", "randomised-sleep", "flat-out", "cron"], [40, 25, 15, 20])[0]
        job = r.choices(["scraper", "shopper", "engager"], [50, 25, 25])[0]
        total = int(math.exp(r.uniform(math.log(40), math.log(600))))
        p = self.person("en_US")
        email = f"{self.local_part(p)}{r.randint(1, 999)}@{self._pick(FREE_MAIL)}"
        identity_data = {"email": email, "name": f"{p.first} {p.last}"} if r.random() < 0.7 else {"email": email}
        ctx = Context(r.choice(host_ips), self.session(),
                      headless if r.random() < 0.7 else self.device(self.device_kinds[headless]))  # fmt: skip
        t = START + timedelta(seconds=r.uniform(0, 0.7 * SPAN.total_seconds()))
        events = [self.event("user.signup", t, ctx, identity_data)] if r.random() < 0.6 else []
        base = r.choice((1, 2, 3, 5, 10, 15, 30, 60, 120, 300))
        network = r.uniform(0.02, 0.3)  # seconds of latency jitter
        spread = r.uniform(1.5, 4)
        every = r.choice((1, 2, 4, 6, 12, 24)) * 3600
        run_length = r.randint(5, 30)

        def gap(i: int) -> float:
            if variant == "clockwork":
                return base * r.gauss(1, 0.01) + abs(r.gauss(0, network))
            if variant == "randomised-sleep":
                return r.uniform(base, base * spread) + abs(r.gauss(0, network))
            if variant == "flat-out":
                return r.uniform(0.02, 0.4)
            if i % run_length == 0:  # cron: the next run, on the hour
                return every - run_length * 2 + r.gauss(0, 2)
            return 2 * r.gauss(1, 0.02) + abs(r.gauss(0, network))

        names = {
            "scraper": (("page_view", 70), ("search", 30)),
            "shopper": (("page_view", 40), ("add_to_cart", 30), ("purchase", 30)),
            "engager": (("like", 50), ("follow", 30), ("comment", 20)),
        }[job]
        for i in range(total - len(events)):
            if variant == "cron" and i % run_length == 0:
                ctx = Context(ctx.ip, self.session(), ctx.device)
                kind = "login"
            else:
                kind = r.choices([n for n, _ in names], [w for _, w in names])[0]
            t += timedelta(seconds=gap(i) if i or events else 0)
            extra = {"path": self.page()} if kind == "page_view" else {}
            events.append(self.event(kind, t, ctx, **extra))
        return Identity(self.identity_id(), BOT, f"{variant}/{job}", group, [e for e in events if e.at < END])

    def registration_bombs(self, count: int) -> list[Identity]:
        r = self.rng
        found: list[Identity] = []
        while len(found) < count:
            left = count - len(found)
            size = min(8 + int(r.lognormvariate(2.5, 0.7)), 80, left)
            if left - size < 3:
                size = left
            group = self.group("campaign")
            rotation = r.choices(["one-ip-one-device", "one-ip-rotating-devices", "proxies-one-device", "proxies-rotating"],
                                 [35, 25, 20, 20])[0]  # fmt: skip
            mail = r.choices(["disposable", "random-freemail", "numbered"], [45, 35, 20])[0]
            naming = r.choices(["generated", "junk", "none"], [40, 20, 40])[0]
            with_promo = r.random() < 0.4
            tool = browsers.campaign_kind(self.seed, group)
            ip, device = (self._datacenter_ip() if r.random() < 0.5 else self._public_ip()), self.device(tool)
            stem = self.handle()
            stem_domain = self._pick(FREE_MAIL) if r.random() < 0.5 else r.choice(POPULAR_DISPOSABLE)
            base, jitter = r.choice((3, 5, 10, 20, 45)), r.uniform(0.05, 0.6)
            t = START + timedelta(seconds=r.uniform(0, SPAN.total_seconds() - 86_400))
            for n in range(size):
                if mail == "disposable":
                    email = f"{self._random_local()}@{r.choice(POPULAR_DISPOSABLE)}"
                elif mail == "random-freemail":
                    email = f"{self._random_local()}@{self._pick(FREE_MAIL)}"
                else:
                    email = f"{stem}{n + 1}@{stem_domain}"
                identity_data: dict[str, Any] = {"email": email}
                if naming == "generated":
                    q = self.person("en_US")
                    identity_data["name"] = f"{q.first} {q.last}"
                elif naming == "junk":
                    identity_data["name"] = r.choice(JUNK_NAMES)
                ctx = Context(
                    ip if rotation.startswith("one-ip") else self._public_ip(),
                    self.session(),
                    device if rotation in ("one-ip-one-device", "proxies-one-device") else self.device(tool),
                )
                events = [self.event("user.signup", t, ctx, identity_data)]
                u = t
                if r.random() < 0.5:
                    u += timedelta(seconds=r.uniform(3, 60))
                    events.append(self.event("email_verified", u, ctx))
                if with_promo:
                    u += timedelta(seconds=r.uniform(1, 10))
                    events.append(self.event("promo_redeem", u, ctx, code="WELCOME10"))
                found.append(Identity(self.identity_id(), REGISTRATION_BOMB, f"{rotation}/{mail}", group, events))
                t += timedelta(seconds=base * (1 + r.uniform(-jitter, jitter)))
        return found

    # --- long histories, for the cycle-cost measurement -----------------------------------

    def long_history(self, events: int, end: datetime = END) -> Iterator[Event]:
        """A long-lived customer's `events` events in time order, ending near `end`: a new session
        every few events, a new home IP every month or so, a new device every year or so."""
        r = self.rng
        p = self.person()
        identity_data = self.identity_data(p, self.email(p))
        t = end - timedelta(seconds=events * 4_300)  # the mean gap below
        device, ip = self.device(), self._public_ip()
        made = 0
        while made < events:
            if r.random() < 0.01:
                ip = self._public_ip()
            if r.random() < 0.001:
                device = self.device()
            ctx = Context(ip if r.random() < 0.8 else r.choice(self.carrier_ips), self.session(), device)
            for i in range(min(events - made, max(1, int(r.lognormvariate(2.5, 0.6))))):
                kind = "login" if i == 0 else r.choices(["page_view", "search", "purchase"], [80, 15, 5])[0]
                yield self.event(kind, t, ctx, identity_data if made == 0 else None)
                made += 1
                t += self._lognormal_seconds(20, 1.0, 1)
            t += self._lognormal_seconds(8 * 3600, 1.2, 600)


def generate(per_class: int, seed: int = 1) -> list[Identity]:
    """`per_class` identities of each population, in population order."""
    g = TrafficGenerator(seed)
    return [
        *g.legit_people(per_class),
        *g.fake_signups(per_class),
        *g.alias_multi_accounters(per_class),
        *g.ato_victims(per_class),
        *g.promo_abusers(per_class),
        *g.bots(per_class),
        *g.registration_bombs(per_class),
    ]
