"""The labelled populations: each identity with the events a real app would send about it over days.

Event names and fields follow the README's table of types Dregs understands (user.signup, user.login,
login_failed, password_reset, password_changed, email_verified, order.completed, promo_redeemed, ...)
and the identity fields (email, name, first_name, last_name). Server events carry what the README says
a backend event may name in its data: `ip`, `session_id`; they also carry `user_agent`, as apps log it
(whether Dregs reads it is Dregs' business). Browser events are what dregs.js sends
(docs/tracker-protocol.md): dregs_init and page_view on each page load, dregs_identify after sign-in, the
app's own dregs.track() names, each with the device report and the tab's session; the one liberty taken
is a `timestamp`, so that days of history can be laid out.

Populations (labels):
  legit              people of 17 cultures using the app over days: sign-up, email confirmation, logins
                     from a laptop and a phone (home broadband, mobile carriers behind CGNAT, some from an
                     office), page views, purchases, the odd mistyped password, password resets, public
                     marketing promo codes; some households share a computer and a home IP
  fake_signup        keyboard mash, names made from the address, famous fake names, role/demo addresses,
                     disposable domains (two merged lists), a name that is not the address's owner
  registration_bomb  bursts of plausible sign-ups from one address within minutes (scripted browsers or
                     one real browser behind a proxy)
  credential_stuffing 2-5 failed logins per account, machine-regular across accounts, from datacenter
                     networks, with script user agents or headless/driven Chromium
  multi_account      one person, 3-5 accounts: Gmail dots, +tags, googlemail.com, numbered mailboxes,
                     the same mailbox at another provider; the same computer or at least the same home IP
  promo_ring         many accounts, each redeeming ONE ring code once; some alone on their IP with a
                     fresh browser each (antidetect), others on a few mobile addresses
  account_takeover   a legit owner's history, then an attacker: new device, another country, password
                     change, payout details changed (sometimes 2FA off)
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from . import material
from .cultures import CULTURES, LANGUAGES, NETWORKS, TIMEZONES, Culture, Name, display_latin, is_ascii

ORIGIN = "https://shop.example.com"


@dataclass
class Ev:
    at: datetime
    type: str
    browser: bool
    data: dict = field(default_factory=dict)
    identity_data: dict | None = None
    ip: str | None = None
    signals: dict | None = None
    session: str | None = None
    path: str = "/"
    anonymous: bool = False  # a browser event before the tab identified its user


@dataclass
class Plan:
    id: str
    population: str
    kind: str  # how this identity was made (sub-kind)
    name: str
    email: str
    events: list[Ev]
    ascii_name: str | None = None  # legit: the ASCII spelling, used by the twin team
    identity_fields: dict = field(default_factory=dict)
    meta: dict = field(default_factory=dict)


# --- people ------------------------------------------------------------------------------------


@dataclass
class Person:
    culture: Culture
    country: str
    given: Name
    family: Name
    family2: Name | None
    middle: Name | None
    female: bool
    born: int
    latin_display: bool

    @property
    def languages(self) -> tuple[str, ...]:
        return LANGUAGES.get(self.country, self.culture.languages)

    @property
    def timezone(self) -> str:
        return TIMEZONES[self.country]

    def _parts(self, latin: bool) -> list[str]:
        def show(n: Name | None) -> str:
            if n is None:
                return ""
            return display_latin(n) if latin else n.native

        fam = show(self.family)
        if self.family2:
            fam += " " + show(self.family2)
        if self.culture.family_first:
            parts = [fam, show(self.middle), show(self.given)]
        else:
            parts = [show(self.given), fam]
        return [p for p in parts if p]

    def display(self) -> str:
        latin = self.latin_display
        joiner = " " if latin else self.culture.native_joiner
        return joiner.join(self._parts(latin))

    def ascii_display(self) -> str:
        return " ".join(self._parts(True))

    def fields(self, rng: random.Random, ascii_only: bool = False) -> dict:
        """What the sign-up form sends: a full name, or first and last name."""
        if rng.random() < 0.75:
            return {"name": self.ascii_display() if ascii_only else self.display()}
        latin = self.latin_display or ascii_only
        first = display_latin(self.given) if latin else self.given.native
        last = self.family
        last_text = display_latin(last) if latin else last.native
        if self.family2:
            last_text += " " + (display_latin(self.family2) if latin else self.family2.native)
        return {"first_name": first, "last_name": last_text}


def _weighted(rng: random.Random, pairs) -> str:
    items, weights = zip(*pairs, strict=True)
    return rng.choices(items, weights)[0]


def make_person(rng: random.Random, culture: Culture | None = None) -> Person:
    culture = culture or rng.choice(CULTURES)
    country = _weighted(rng, culture.countries)
    female = rng.random() < 0.5
    given = rng.choice([g for g in culture.given if g.female == female] or culture.given)
    family = rng.choice(culture.surnames)
    if female and family.fem:
        family = family.fem
    family2 = rng.choice(culture.surnames) if culture.two_surnames else None
    middle = None
    if culture.middle:
        options = [m for m in culture.middle if m.native != "Thị" or female]
        middle = rng.choice(options if female else [m for m in options if m.native != "Thị"])
    native_script = not is_ascii(given.native + family.native) and given.latin[0] not in given.native.lower()
    latin_display = native_script and rng.random() < culture.latin_display_share
    return Person(culture, country, given, family, family2, middle, female, rng.randint(1962, 2006), latin_display)


def _spell(rng: random.Random, name: Name) -> str:
    return name.latin[0] if rng.random() < 0.7 or len(name.latin) == 1 else rng.choice(name.latin[1:])


def local_part(rng: random.Random, p: Person, style: str) -> str:
    first, last = _spell(rng, p.given), _spell(rng, p.family)
    if p.family2 and rng.random() < 0.3:
        last = last + _spell(rng, p.family2)[0]
    nick = rng.choice(p.given.nick) if p.given.nick else first
    mid = _spell(rng, p.middle) if p.middle else ""
    yy, yyyy = f"{p.born % 100:02d}", str(p.born)
    nn = str(rng.randint(1, 99))
    mmdd = f"{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    handle = rng.choice(p.culture.handles or ("user",))
    initials = last[0] + (mid[:1] or "")
    shapes = {
        "first.last": f"{first}.{last}", "firstlast": first + last, "first_last": f"{first}_{last}",
        "f.last": f"{first[0]}.{last}", "flast": first[0] + last, "first.lastNN": f"{first}.{last}{nn}",
        "firstYYYY": first + yyyy, "firstlastYY": first + last + yy, "last.first": f"{last}.{first}",
        "nickNN": nick + nn, "firstl": first + last[0], "handleNN": handle + nn,
        "givenfamily": first + last, "familymiddlegiven": last + mid + first, "given.initials": f"{first}.{initials}",
        "initialsgivenYY": initials + first + yy, "familygivenYYYY": last + first + yyyy, "given.family": f"{first}.{last}",
        "familygiven": last + first, "familygivenYY": last + first + yy, "family.given": f"{last}.{first}", "family_given": f"{last}_{first}",
        "g.familyYYYY": f"{first[0]}.{last}{yyyy}", "givenMMDD": first + mmdd, "givenYY": first + yy,
        "initialsMMDD": last[0] + first[0] + first[len(first) // 2] + mmdd,
        "initialsYYYYMMDD": last[0] + first[0] + yyyy + mmdd,
        "qqnumber": str(rng.randint(10_000_000, 3_999_999_999)),
    }  # fmt: skip
    return shapes[style].lower().replace("'", "")


def make_email(rng: random.Random, p: Person, used: set[str], domain: str | None = None) -> str:
    style = _weighted(rng, p.culture.styles)
    if domain is None:
        domain = "qq.com" if style == "qqnumber" else _weighted(rng, p.culture.providers)
    if style == "qqnumber" and domain != "qq.com":
        style = "familygivenYYYY"
    local = local_part(rng, p, style)
    email = f"{local}@{domain}"
    while inbox(email) in used:  # the address was taken: people add a number
        email = f"{local}{rng.randint(1, 999)}@{domain}"
    used.add(inbox(email))
    return email


def inbox(email: str) -> str:
    """The mailbox an address delivers to, as its provider counts it taken: Gmail ignores dots and +tags, and
    googlemail.com is gmail.com, so l.lima@ is not free once llima@ exists (two people never share one)."""
    local, _, domain = email.lower().partition("@")
    if domain in ("gmail.com", "googlemail.com"):
        return local.split("+")[0].replace(".", "") + "@gmail.com"
    return f"{local}@{domain}"


# --- devices and networks ------------------------------------------------------------------------


CGNAT_POOL = 40  # public addresses a carrier's customers of this set share (carrier-grade NAT)


class Networks:
    """Addresses for one seed: homes unique, mobile carriers from small CGNAT pools, datacenters. Drawn
    from data/networks.json: the blocks of cultures.NETWORKS and material.DATACENTER narrowed to the parts
    the server's IP database places in the right country (check_networks.py)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.blocks = json.loads((material.DATA / "networks.json").read_text())
        self.cgnat: dict[str, list[str]] = {}

    def home(self, country: str) -> str:
        block, _ = self.rng.choice(self.blocks[country]["home"])
        return material.address_in(block, self.rng)

    def mobile(self, country: str) -> str:
        carriers = sorted({label for _, label in self.blocks[country]["mobile"]})
        label = self.rng.choice(carriers)
        if label not in self.cgnat:
            subs = [b for b, lab in self.blocks[country]["mobile"] if lab == label]
            self.cgnat[label] = [material.address_in(self.rng.choice(subs), self.rng) for _ in range(CGNAT_POOL)]
        return self.rng.choice(self.cgnat[label])

    def datacenter(self) -> str:
        block, _ = self.rng.choice(self.blocks["DC"]["datacenter"])
        return material.address_in(block, self.rng)

    def residential_proxy(self) -> str:
        country = self.rng.choice(sorted(NETWORKS))
        return self.home(country) if self.rng.random() < 0.7 else self.mobile(country)


def _hex(rng: random.Random, n: int = 32) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


@dataclass
class Device:
    signals: dict
    mobile: bool


def person_devices(rng: random.Random, p: Person, when: datetime) -> tuple[Device | None, Device | None]:
    """A person's laptop/desktop and phone (some have only one)."""
    desktop_os = rng.choices(["windows", "macos", "linux"], [0.72, 0.24, 0.04])[0]
    phone_os = rng.choices(["android", "ios"], [0.62, 0.38])[0]
    has_desktop = rng.random() < 0.8
    has_phone = not has_desktop or rng.random() < 0.75
    desk = Device(material.person_browser(rng, "desktop", desktop_os, p.languages, p.timezone, when), False)
    phone = Device(material.person_browser(rng, "mobile", phone_os, p.languages, p.timezone, when), True)
    return (desk if has_desktop else None), (phone if has_phone else None)


# --- event helpers ------------------------------------------------------------------------------

PAGES = ("/", "/products", "/products/{n}", "/cart", "/account", "/search?q=shoes", "/blog/{n}", "/help", "/pricing")


def _page(rng: random.Random) -> str:
    return rng.choice(PAGES).replace("{n}", str(rng.randint(1, 400)))


def human_gap(rng: random.Random, mean: float = 25.0) -> timedelta:
    return timedelta(seconds=max(1.2, rng.lognormvariate(0, 0.9) * mean))


def page_load(
    at: datetime, dev: Device, ip: str, session: str, path: str, *, anonymous: bool = False, first: bool = False
) -> list[Ev]:
    """What dregs.js sends on one page load: dregs_init on the tab's first load, then page_view."""
    evs = []
    if first:
        evs.append(
            Ev(at, "dregs_init", True, ip=ip, signals=dev.signals, session=session, path=path, anonymous=anonymous)
        )
    evs.append(
        Ev(at + timedelta(milliseconds=40), "page_view", True, ip=ip, signals=dev.signals, session=session, path=path,
           anonymous=anonymous)
    )  # fmt: skip
    return evs


def server(at: datetime, type_: str, ip: str | None, ua: str | None, data: dict | None = None, **kw) -> Ev:
    payload = dict(data or {})
    if ip:
        payload["ip"] = ip
    if ua:
        payload["user_agent"] = ua
    return Ev(at, type_, False, payload, ip=ip, **kw)


def local_daytime(rng: random.Random, day: datetime, tz: str) -> datetime:
    """A moment of the given day when people are awake where they live (8:00-23:30 local)."""
    import zoneinfo  # noqa: PLC0415

    local = day.astimezone(zoneinfo.ZoneInfo(tz)).replace(hour=8, minute=0, second=0, microsecond=0)
    return (local + timedelta(minutes=rng.randint(0, 15 * 60 + 30), seconds=rng.randint(0, 59))).astimezone(UTC)


# --- builders -------------------------------------------------------------------------------------


@dataclass
class Ctx:
    rng: random.Random
    held_out: bool
    now: datetime
    nets: Networks
    used: set[str] = field(default_factory=set)
    n: int = 0

    def new_id(self, prefix: str = "usr") -> str:
        self.n += 1
        return f"{prefix}_{_hex(self.rng, 12)}"

    @property
    def start(self) -> datetime:
        return self.now - timedelta(days=21)


MARKETING_CODES = ("WELCOME10", "SUMMER15", "FREESHIP", "NEWSLETTER5")


def legit_life(
    ctx: Ctx,
    p: Person,
    email: str,
    fields: dict,
    *,
    desk: Device | None,
    phone: Device | None,
    home_ip: str,
    office_ip: str | None = None,
    signup_at: datetime | None = None,
    until: datetime | None = None,
) -> list[Ev]:
    """A real person's use of the app from sign-up until `until` (default: a couple of hours ago)."""
    rng = ctx.rng
    until = until or ctx.now - timedelta(hours=2)
    at = signup_at or local_daytime(rng, ctx.start + timedelta(days=rng.uniform(0, 12)), p.timezone)
    events: list[Ev] = []

    def where(dev: Device) -> str:
        if dev.mobile and rng.random() < 0.7:
            return ctx.nets.mobile(p.country)
        if office_ip and not dev.mobile and rng.random() < 0.5:
            return office_ip
        return home_ip

    dev = desk if desk and (not phone or rng.random() < 0.6) else phone
    assert dev is not None
    ip, sess = where(dev), _hex(rng)
    ua = dev.signals["userAgent"]
    events += page_load(at, dev, ip, sess, "/", anonymous=True, first=True)
    at += human_gap(rng, 40)
    events += page_load(at, dev, ip, sess, "/signup", anonymous=True)
    at += timedelta(seconds=rng.uniform(35, 240))  # filling in the form
    events.append(
        server(
            at, "user.signup", ip, ua, {"plan": "free", "session_id": sess}, identity_data={"email": email, **fields}
        )
    )
    at += timedelta(seconds=rng.uniform(0.3, 1.5))
    events.append(Ev(at, "dregs_identify", True, identity_data={"email": email, **fields}, ip=ip, signals=dev.signals,
                     session=sess, path="/welcome"))  # fmt: skip
    events += page_load(at + timedelta(seconds=1), dev, ip, sess, "/welcome")
    if rng.random() < 0.85:
        at += timedelta(minutes=rng.uniform(1, 90))
        verify_dev = phone if phone and rng.random() < 0.5 else dev
        vip = where(verify_dev)
        events.append(server(at, "email_verified", vip, verify_dev.signals["userAgent"]))
    buyer = rng.random() < 0.6
    promo = rng.random() < 0.15
    resets = rng.random() < 0.1
    sessions = rng.randint(3, 12)
    day = at
    for k in range(sessions):
        day = day + timedelta(days=rng.uniform(0.3, 3.5))
        at = local_daytime(rng, day, p.timezone)
        if at >= until:
            break
        dev = rng.choice([d for d in (desk, phone) if d])
        ip, sess = where(dev), _hex(rng)
        ua = dev.signals["userAgent"]
        logs_in = rng.random() < 0.55
        if logs_in:
            events += page_load(at, dev, ip, sess, "/login", first=True)
            at += human_gap(rng, 12)
            if rng.random() < 0.1:  # a mistyped password, then the right one
                events.append(server(at, "login_failed", ip, ua, {"reason": "invalid_password", "session_id": sess}))
                at += human_gap(rng, 10)
            if resets and k == 1:
                events.append(server(at, "password_reset", ip, ua, {"session_id": sess}))
                at += timedelta(minutes=rng.uniform(1, 20))
                events.append(server(at, "password_changed", ip, ua, {"via": "reset_link", "session_id": sess}))
                at += human_gap(rng, 20)
            events.append(server(at, "user.login", ip, ua, {"method": "password", "session_id": sess}))
            at += human_gap(rng, 3)
        for j in range(rng.randint(2, 8)):
            events += page_load(at, dev, ip, sess, _page(rng), first=(j == 0 and not logs_in))
            if rng.random() < 0.25:
                events.append(Ev(at + human_gap(rng, 4), "product_viewed", True, {"sku": f"SKU-{rng.randint(100, 999)}"},
                                 ip=ip, signals=dev.signals, session=sess, path="/products"))  # fmt: skip
            at += human_gap(rng)
        if promo and k == 0:
            events.append(
                server(at, "promo_redeemed", ip, ua, {"code": rng.choice(MARKETING_CODES), "session_id": sess})
            )
            at += human_gap(rng, 15)
        if buyer and rng.random() < 0.45:
            events += page_load(at, dev, ip, sess, "/checkout")
            at += timedelta(seconds=rng.uniform(30, 200))
            amount = round(rng.lognormvariate(3.4, 0.7), 2)
            events.append(server(at, "order.completed", ip, ua, {"amount": amount, "currency": "EUR",
                                                               "items": rng.randint(1, 4), "session_id": sess}))  # fmt: skip
            at += human_gap(rng)
        if rng.random() < 0.3:
            events.append(server(at, "user.logout", ip, ua, {"session_id": sess}))
    return events


def build_legit(ctx: Ctx, count: int) -> list[Plan]:
    rng = ctx.rng
    plans: list[Plan] = []
    households = int(count * 0.04)  # pairs sharing a computer and the home address
    offices = [ctx.nets.home(c) for c in ("DE", "FR", "US", "PL", "JP")]
    i = 0
    while len(plans) < count:
        culture = CULTURES[i % len(CULTURES)] if rng.random() < 0.8 else rng.choice(CULTURES)
        i += 1
        p = make_person(rng, culture)
        sign = local_daytime(rng, ctx.start + timedelta(days=rng.uniform(0, 12)), p.timezone)
        desk, phone = person_devices(rng, p, sign)
        home = ctx.nets.home(p.country)
        members = [p]
        if households > 0 and desk is not None:
            households -= 1
            partner = make_person(rng, culture)
            partner.country = p.country
            members.append(partner)
        office = None
        if p.country in ("DE", "FR", "US", "PL", "JP") and rng.random() < 0.25:
            office = offices[("DE", "FR", "US", "PL", "JP").index(p.country)]
        for m, member in enumerate(members):
            m_desk = desk
            m_phone = phone if m == 0 else person_devices(rng, member, sign)[1]
            email = make_email(rng, member, ctx.used)
            fields = member.fields(rng)
            fields_ascii = {k: _ascii_field(member, k, v) for k, v in fields.items()}
            events = legit_life(
                ctx, member, email, fields, desk=m_desk, phone=m_phone, home_ip=home, office_ip=office,
                signup_at=sign + timedelta(days=rng.uniform(0, 4)) if m else sign,
            )  # fmt: skip
            plans.append(
                Plan(
                    ctx.new_id(), "legit", "household" if len(members) > 1 else ("office" if office else "alone"),
                    " ".join(str(v) for v in fields.values()), email, events,
                    ascii_name=" ".join(str(v) for v in fields_ascii.values()), identity_fields=fields,
                    meta={"culture": member.culture.label, "country": member.country, "ascii_fields": fields_ascii},
                )
            )  # fmt: skip
    return plans[:count]


def _ascii_field(p: Person, key: str, value: str) -> str:
    if is_ascii(value):
        return value
    if key == "name":
        return p.ascii_display()
    if key == "first_name":
        return display_latin(p.given)
    last = display_latin(p.family)
    return last + (" " + display_latin(p.family2) if p.family2 else "")


def build_fake(ctx: Ctx, count: int) -> list[Plan]:
    rng = ctx.rng
    plans = []
    kinds = ("mash", "email-derived", "famous", "role", "disposable", "disposable", "mismatch")
    for k in range(count):
        kind = kinds[k % len(kinds)]
        p = make_person(rng)
        meta: dict = {}
        if kind == "mash":
            a, b = material.keyboard_mash(rng), material.keyboard_mash(rng)
            name = f"{a.capitalize()} {b.capitalize()}" if rng.random() < 0.6 else f"{a} {b}"
            email = f"{material.keyboard_mash(rng)}{rng.randint(0, 999) if rng.random() < 0.5 else ''}@" + rng.choice(
                ("gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "mail.ru", "gmx.de")
            )
        elif kind == "email-derived":
            local = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(rng.randint(6, 10)))
            cut = rng.randint(3, len(local) - 2)
            name = f"{local[:cut].capitalize()} {local[cut:].capitalize()}"
            email = f"{local}@" + rng.choice(("gmail.com", "outlook.com", "yahoo.com", "proton.me"))
        elif kind == "famous":
            pool = [n for n in material.FAKE_NAMES if material.half(n, ctx.held_out)]
            name = rng.choice(pool)
            base = name.lower().replace(" ", rng.choice(("", ".", "_")))
            base = base if base.isascii() else "ivan.ivanov"
            domain = rng.choice(("gmail.com", "yahoo.com", "hotmail.com", "outlook.com"))
            if rng.random() < 0.3:
                domain, meta["disposable_source"] = material.pick_disposable(rng, ctx.held_out)
            email = f"{base}{rng.randint(1, 999) if rng.random() < 0.5 else ''}@{domain}"
        elif kind == "role":
            role = rng.choice(material.ROLE_LOCALS)
            email = f"{role}{rng.randint(1, 99) if rng.random() < 0.6 else ''}@{rng.choice((f'{role}.com', *material.ROLE_DOMAINS))}"
            name = rng.choice(
                (
                    role.capitalize(),
                    f"{role.capitalize()} User",
                    f"{role.capitalize()} {role.capitalize()}",
                    p.display(),
                )
            )
        elif kind == "disposable":
            domain, meta["disposable_source"] = material.pick_disposable(rng, ctx.held_out)
            name = p.display()
            local = local_part(rng, p, _weighted(rng, p.culture.styles)) if rng.random() < 0.6 else _hex(rng, 10)
            email = f"{local}@{domain}"
        else:  # mismatch: a real-looking name, someone else's address
            other = make_person(rng)
            while other.culture is p.culture:
                other = make_person(rng)
            name = p.display()
            email = make_email(rng, other, ctx.used)
            meta["address_of"] = other.culture.label
        if inbox(email) in ctx.used and kind != "mismatch":
            email = email.replace("@", f"{rng.randint(1000, 9999)}@")
        ctx.used.add(inbox(email))
        at = local_daytime(rng, ctx.start + timedelta(days=rng.uniform(0, 19)), p.timezone)
        dev = Device(material.person_browser(rng, rng.choice(("desktop", "mobile")), rng.choice(("windows", "android")),
                                             p.languages, p.timezone, at), False)  # fmt: skip
        ip = ctx.nets.home(p.country) if rng.random() < 0.6 else ctx.nets.mobile(p.country)
        sess = _hex(rng)
        events = page_load(at, dev, ip, sess, "/signup", anonymous=True, first=True)
        at += timedelta(seconds=rng.uniform(8, 60))
        fields = {"name": name}
        events.append(server(at, "user.signup", ip, dev.signals["userAgent"], {"plan": "free", "session_id": sess},
                             identity_data={"email": email, **fields}))  # fmt: skip
        events.append(Ev(at + timedelta(seconds=1), "dregs_identify", True, identity_data={"email": email, **fields},
                         ip=ip, signals=dev.signals, session=sess, path="/welcome"))  # fmt: skip
        for _ in range(rng.randint(0, 4)):
            at += human_gap(rng)
            events += page_load(at, dev, ip, sess, _page(rng))
        plans.append(Plan(ctx.new_id(), "fake_signup", kind, name, email, events, identity_fields=fields, meta=meta))
    return plans


def build_bombers(ctx: Ctx, count: int) -> list[Plan]:
    rng = ctx.rng
    plans: list[Plan] = []
    burst_no = 0
    while len(plans) < count:
        burst_no += 1
        size = min(rng.randint(8, 16), count - len(plans))
        scripted = burst_no % 2 == 1
        ip = ctx.nets.datacenter() if rng.random() < 0.5 else ctx.nets.residential_proxy()
        at = ctx.start + timedelta(days=rng.uniform(1, 19), hours=rng.uniform(0, 23))
        culture = rng.choice(CULTURES)
        if scripted:
            kind = rng.choice(("playwright-headless", "stealth-headless", "headless", "playwright-headful"))
            dev = Device(material.bot_browser(kind, rng), False)
        else:
            kind = "one real browser"
            p0 = make_person(rng, culture)
            dev = Device(material.person_browser(rng, "desktop", "windows", p0.languages, p0.timezone, at), False)
        interval = rng.uniform(20, 70)
        for _ in range(size):
            p = make_person(rng, culture if rng.random() < 0.7 else None)
            email = make_email(
                rng, p, ctx.used, domain=rng.choice(("gmail.com", "outlook.com", "yahoo.com", "hotmail.com"))
            )
            fields = p.fields(rng)
            sess = _hex(rng)
            events = page_load(at, dev, ip, sess, "/signup", anonymous=True, first=True)
            t = at + timedelta(seconds=(rng.uniform(2, 4) if scripted else rng.uniform(15, 40)))
            events.append(server(t, "user.signup", ip, dev.signals["userAgent"], {"plan": "free", "session_id": sess},
                                 identity_data={"email": email, **fields}))  # fmt: skip
            events.append(Ev(t + timedelta(milliseconds=600), "dregs_identify", True, identity_data={"email": email, **fields},
                             ip=ip, signals=dev.signals, session=sess, path="/welcome"))  # fmt: skip
            plans.append(
                Plan(ctx.new_id(), "registration_bomb", f"burst {burst_no} ({kind})", " ".join(fields.values()), email,
                     events, identity_fields=fields, meta={"burst": burst_no})
            )  # fmt: skip
            at += timedelta(seconds=interval + (rng.uniform(-0.5, 0.5) if scripted else rng.uniform(-15, 40)))
    return plans


def build_stuffing(ctx: Ctx, count: int) -> list[Plan]:
    """Campaigns walking a combo list: each account tried 2-5 times, round robin, at a fixed pace."""
    rng = ctx.rng
    plans: list[Plan] = []
    uas = material.bot_user_agents(ctx.held_out)
    campaign = 0
    while len(plans) < count:
        campaign += 1
        size = min(rng.randint(15, 30), count - len(plans))
        ips = [ctx.nets.datacenter() for _ in range(rng.randint(1, 3))]
        headless = campaign % 2 == 0
        kind = rng.choice(("headless", "playwright-headless", "stealth-headless")) if headless else "script"
        report = material.bot_browser(kind, rng) if headless else None
        ua = report["userAgent"] if report else rng.choice(uas)
        pace = rng.choice((1.0, 1.5, 2.0, 3.0))
        at = ctx.start + timedelta(days=rng.uniform(2, 20), hours=rng.uniform(0, 23))
        accounts = []
        for _ in range(size):
            p = make_person(rng)
            email = make_email(rng, p, ctx.used)
            accounts.append(Plan(email, "credential_stuffing", f"campaign {campaign} ({kind}: {ua[:40]})", "", email, [],
                                 meta={"campaign": campaign}))  # fmt: skip
        tries = {a.id: rng.randint(2, 5) for a in accounts}
        step = 0
        while any(tries.values()):
            for acc in accounts:
                if not tries[acc.id]:
                    continue
                tries[acc.id] -= 1
                t = at + timedelta(seconds=pace * step + rng.uniform(-0.02, 0.02))
                step += 1
                ip = ips[step % len(ips)]
                sess = _hex(rng)
                if report is not None:
                    acc.events += page_load(t - timedelta(milliseconds=900), Device(report, False), ip, sess, "/login",
                                            anonymous=True, first=True)  # fmt: skip
                acc.events.append(server(t, "login_failed", ip, ua, {"reason": "invalid_password", "session_id": sess},
                                         identity_data={"email": acc.email}))  # fmt: skip
        plans += accounts
    return plans


def _gmail_variants(rng: random.Random, local: str, n: int) -> list[str]:
    """The tricks: dots, +tags, googlemail.com, numbered mailboxes, the same name at another provider."""
    base = local.replace(".", "")
    out = [f"{local}@gmail.com"]
    tricks = ["dots", "plus", "googlemail", "number", "number", "other", "dots"]
    rng.shuffle(tricks)
    for trick in tricks:
        if len(out) >= n:
            break
        if trick == "dots":
            cut = rng.randint(1, len(base) - 1)
            addr = f"{base[:cut]}.{base[cut:]}@gmail.com"
        elif trick == "plus":
            addr = f"{local}+{rng.choice(('shop', 'promo', '2', 'deals', 'x'))}@gmail.com"
        elif trick == "googlemail":
            addr = f"{local}@googlemail.com"
        elif trick == "number":
            addr = f"{local}{rng.randint(1, 9)}@gmail.com"
        else:
            addr = f"{local}@{rng.choice(('hotmail.com', 'outlook.com', 'yahoo.com', 'icloud.com'))}"
        if addr not in out:
            out.append(addr)
    return out


def build_multi(ctx: Ctx, count: int) -> list[Plan]:
    rng = ctx.rng
    plans: list[Plan] = []
    person_no = 0
    while len(plans) < count:
        person_no += 1
        p = make_person(rng)
        n = min(rng.randint(3, 5), count - len(plans))
        local = local_part(rng, p, rng.choice(("first.last", "firstlast", "f.last", "firstYYYY")))
        while inbox(f"{local}@gmail.com") in ctx.used:  # someone else's mailbox: this person has another
            local = f"{local}{rng.randint(1, 99)}"
        emails = _gmail_variants(rng, local, n)
        ctx.used.update(inbox(e) for e in emails)
        at = local_daytime(rng, ctx.start + timedelta(days=rng.uniform(0, 14)), p.timezone)
        desk, phone = person_devices(rng, p, at)
        dev = desk or phone
        assert dev is not None
        same_device = rng.random() < 0.7
        home = ctx.nets.home(p.country)
        for k, email in enumerate(emails):
            if same_device:
                d = dev
            else:  # another browser on the same machine
                d = Device(material.person_browser(rng, "desktop", rng.choice(("windows", "macos")), p.languages,
                                                   p.timezone, at), False)  # fmt: skip
            fields = p.fields(rng)
            if k and rng.random() < 0.3 and p.given.nick:
                fields = {"name": f"{p.given.nick[0].capitalize()} {display_latin(p.family)}"}
            events = legit_life(ctx, p, email, fields, desk=d, phone=None, home_ip=home,
                                signup_at=at, until=at + timedelta(days=rng.uniform(1, 6)))  # fmt: skip
            if rng.random() < 0.5:
                t = events[-1].at + human_gap(rng)
                events.append(server(t, "promo_redeemed", home, d.signals["userAgent"], {"code": "WELCOME10"}))
            plans.append(Plan(ctx.new_id(), "multi_account", f"person {person_no} ({'same device' if same_device else 'same IP'})",
                              " ".join(fields.values()), email, events, identity_fields=fields,
                              meta={"person": person_no}))  # fmt: skip
            at = min(at + timedelta(hours=rng.uniform(2, 40)), ctx.now - timedelta(days=1))
    return plans


def build_promo(ctx: Ctx, count: int) -> list[Plan]:
    rng = ctx.rng
    plans: list[Plan] = []
    ring = 0
    while len(plans) < count:
        ring += 1
        size = min(rng.randint(15, 30), count - len(plans))
        code = rng.choice(("FRIEND-", "REF-", "SPRING", "VIP")) + _hex(rng, 4).upper()
        country = rng.choice(sorted(NETWORKS))
        shared_ips = [ctx.nets.mobile(country) for _ in range(rng.randint(2, 4))]
        shared_devs = [
            Device(
                material.person_browser(rng, "mobile", "android", ("en-US", "en"), TIMEZONES[country], ctx.now), True
            )
            for _ in range(rng.randint(2, 3))
        ]
        at = ctx.start + timedelta(days=rng.uniform(2, 19), hours=rng.uniform(0, 20))
        for _ in range(size):
            p = make_person(rng)
            email = make_email(rng, p, ctx.used)
            fields = p.fields(rng)
            alone = rng.random() < 0.4
            if alone:  # a residential proxy and a fresh antidetect browser profile per account
                ip = ctx.nets.residential_proxy()
                dev = Device(material.person_browser(rng, "desktop", rng.choice(("windows", "macos")), p.languages,
                                                     p.timezone, at), False)  # fmt: skip
            else:
                ip, dev = rng.choice(shared_ips), rng.choice(shared_devs)
            sess = _hex(rng)
            ua = dev.signals["userAgent"]
            events = page_load(at, dev, ip, sess, f"/invite/{code.lower()}", anonymous=True, first=True)
            t = at + timedelta(seconds=rng.uniform(20, 70))
            events.append(server(t, "user.signup", ip, ua, {"plan": "free", "session_id": sess},
                                 identity_data={"email": email, **fields}))  # fmt: skip
            events.append(Ev(t + timedelta(seconds=1), "dregs_identify", True, identity_data={"email": email, **fields},
                             ip=ip, signals=dev.signals, session=sess, path="/welcome"))  # fmt: skip
            t += timedelta(seconds=rng.uniform(10, 60))
            events.append(server(t, "promo_redeemed", ip, ua, {"code": code, "session_id": sess}))
            if rng.random() < 0.6:
                t += timedelta(seconds=rng.uniform(30, 120))
                events.append(server(t, "order.completed", ip, ua, {"amount": round(rng.uniform(0.5, 5), 2),
                                                                    "currency": "EUR", "discount_code": code,
                                                                    "session_id": sess}))  # fmt: skip
            plans.append(Plan(ctx.new_id(), "promo_ring", f"ring {ring} ({'alone on its IP' if alone else 'shared IPs'})",
                              " ".join(fields.values()), email, events, identity_fields=fields,
                              meta={"ring": ring, "alone": alone}))  # fmt: skip
            at += timedelta(minutes=rng.uniform(3, 25))
    return plans


def build_ato(ctx: Ctx, count: int) -> list[Plan]:
    rng = ctx.rng
    plans = []
    for _ in range(count):
        p = make_person(rng)
        sign = local_daytime(rng, ctx.start + timedelta(days=rng.uniform(0, 8)), p.timezone)
        desk, phone = person_devices(rng, p, sign)
        email = make_email(rng, p, ctx.used)
        fields = p.fields(rng)
        takeover = ctx.now - timedelta(days=rng.uniform(0.3, 3))
        events = legit_life(ctx, p, email, fields, desk=desk, phone=phone, home_ip=ctx.nets.home(p.country),
                            signup_at=sign, until=takeover)  # fmt: skip
        # The attacker: another country, another device.
        far = rng.choice([c for c in sorted(NETWORKS) if c != p.country])
        if rng.random() < 0.5:
            ip, where = ctx.nets.datacenter(), "datacenter"
        else:
            ip, where = ctx.nets.home(far), f"home ISP in {far}"
        if rng.random() < 0.3:
            dev = Device(material.bot_browser("stealth-headless", rng), False)
        else:
            dev = Device(material.person_browser(rng, "desktop", rng.choice(("windows", "linux")), ("en-US", "en"),
                                                 TIMEZONES[far], takeover), False)  # fmt: skip
        ua, sess = dev.signals["userAgent"], _hex(rng)
        at = takeover
        events += page_load(at, dev, ip, sess, "/login", first=True)
        for _ in range(rng.randint(0, 3)):
            at += timedelta(seconds=rng.uniform(3, 15))
            events.append(server(at, "login_failed", ip, ua, {"reason": "invalid_password", "session_id": sess}))
        at += timedelta(seconds=rng.uniform(3, 20))
        events.append(server(at, "user.login", ip, ua, {"method": "password", "session_id": sess}))
        at += timedelta(seconds=rng.uniform(5, 40))
        events += page_load(at, dev, ip, sess, "/account/security")
        if rng.random() < 0.3:
            at += timedelta(seconds=rng.uniform(5, 30))
            events.append(server(at, "2fa_disabled", ip, ua, {"session_id": sess}))
        at += timedelta(seconds=rng.uniform(5, 60))
        events.append(server(at, "password_changed", ip, ua, {"via": "settings", "session_id": sess}))
        at += timedelta(seconds=rng.uniform(10, 90))
        events += page_load(at, dev, ip, sess, "/account/payouts")
        events.append(server(at + timedelta(seconds=20), "profile_updated", ip, ua,
                             {"field": "payout_iban", "session_id": sess}))  # fmt: skip
        events.append(server(at + timedelta(seconds=21), "payout_method_changed", ip, ua,
                             {"method": "bank_transfer", "session_id": sess}))  # fmt: skip
        plans.append(Plan(ctx.new_id(), "account_takeover", f"attacker from {where}", " ".join(fields.values()), email,
                          events, identity_fields=fields, meta={"takeover_at": takeover.isoformat()}))  # fmt: skip
    return plans


SIZES = {
    "legit": 220, "fake_signup": 105, "registration_bomb": 80, "credential_stuffing": 70, "multi_account": 75,
    "promo_ring": 70, "account_takeover": 40,
}  # fmt: skip
BUILDERS = {
    "legit": build_legit, "fake_signup": build_fake, "registration_bomb": build_bombers,
    "credential_stuffing": build_stuffing, "multi_account": build_multi, "promo_ring": build_promo,
    "account_takeover": build_ato,
}  # fmt: skip


def build(seed: int, held_out: bool, now: datetime, scale: float = 1.0) -> list[Plan]:
    rng = random.Random(f"field-{seed}")
    ctx = Ctx(rng, held_out, now.replace(microsecond=0), Networks(rng))
    plans: list[Plan] = []
    for population, builder in BUILDERS.items():
        plans += builder(ctx, max(4, int(SIZES[population] * scale)))
    last = ctx.now - timedelta(minutes=5)  # nothing after "now": the histories end where the run begins
    for plan in plans:
        plan.events = sorted((e for e in plan.events if e.at <= last), key=lambda e: e.at)
    return plans


def twin_plan(plan: Plan) -> Plan:
    """The same legit person with every name field in ASCII (the twin team's copy)."""
    ascii_fields = plan.meta["ascii_fields"]
    events = []
    for ev in plan.events:
        if ev.identity_data and any(k in ev.identity_data for k in ascii_fields):
            ev = replace(ev, identity_data={**ev.identity_data, **ascii_fields})
        events.append(ev)
    return replace(plan, name=plan.ascii_name or plan.name, events=events, identity_fields=ascii_fields)
