"""The demo team's traffic: a shop's backend reporting a month of its users, most of them people, some of them each
kind of fraud Dregs looks for. Seeded, so the same seed and the same `now` give the same identities and events.

The populations are written as the real thing behaves, not as the analyzers happen to look for it:

  person             signs up with an address that carries their name (or not), logs in every few days from home,
                     sometimes from a phone or the office, buys now and then, now and then mistypes a password.
  fake sign-up       a throwaway address (a disposable domain) and a keyboard-mash or "test" name; little else.
  multi-accounter    one person behind several accounts: the same Gmail box with dots or +tags, one device, one
                     home IP, the welcome promo on every account.
  bot                a script on a hosting provider's address with a headless browser's or an HTTP library's
                     agent, acting on a clockwork beat.
  registration bomb  a burst of accounts within minutes from one address and one device, generated names.
  promo abuser       an account that tries a leaked list of promotion codes in a burst.
  taken-over account a person's normal history, then a burst of failed logins from abroad, a login, a new email
                     address and password, and a purchase; one attacker's campaign takes several accounts.
"""

import random
import string
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

PERSON = "person"
FAKE_SIGNUP = "fake sign-up"
MULTI_ACCOUNTER = "multi-accounter"
BOT = "bot"
REGISTRATION_BOMB = "registration bomb"
PROMO_ABUSER = "promo abuser"
TAKEN_OVER = "taken-over account"
KINDS = (PERSON, FAKE_SIGNUP, MULTI_ACCOUNTER, BOT, REGISTRATION_BOMB, PROMO_ABUSER, TAKEN_OVER)

# The shop's own name for a purchase: the demo maps it to PURCHASE, as a team whose backend has its own names does.
CHECKOUT = "basket.paid"
DAYS = 30

FIRST = ("Ann", "Ben", "Chloé", "David", "Elif", "Farid", "Grace", "Hiroshi", "Ines", "Jonas", "Kwame", "Lena",
         "Mateo", "Nadia", "Oskar", "Priya", "Quentin", "Rosa", "Sven", "Tomasz", "Uma", "Viktor", "Wen", "Yusuf",
         "Zoë", "Amara", "Björn", "Carmen", "Dmitri", "Eva", "Fatima", "Gustavo", "Hana", "Ivan", "Julia", "Kenji",
         "Laila", "Marco", "Nora", "Olivia", "Pedro", "Rahul", "Sofia", "Theo", "Valentina", "William", "Ximena",
         "Yara", "Zeynep", "Aisha")  # fmt: skip
LAST = ("Lee", "Novak", "García", "Okafor", "Schmidt", "Rossi", "Tanaka", "Kowalski", "Dubois", "Haddad", "Silva",
        "Jensen", "Müller", "Nguyen", "Petrov", "Yılmaz", "Murphy", "Andersson", "Costa", "Bauer", "Fischer",
        "Lindqvist", "Moreau", "Oliveira", "Park", "Quinn", "Romero", "Sato", "Takahashi", "Van Dijk", "Walsh",
        "Zimmermann", "Horvat", "Ibrahim", "Kaya", "Lopez", "Mendes", "Nakamura", "O'Brien", "Popescu")  # fmt: skip
FREE_MAIL = ("gmail.com", "outlook.com", "yahoo.com", "icloud.com", "proton.me", "gmx.de", "web.de", "orange.fr")
WORK_MAIL = ("acme-logistics.com", "northwind.io", "brightdental.co.uk", "studio-kuehn.de")
DISPOSABLE = ("mailinator.com", "yopmail.com", "guerrillamail.com", "10minutemail.com", "trashmail.com")
# Consumer ISPs' networks (cable, DSL, mobile) for homes and phones; hosting providers' for scripts.
HOME_NETS = ("73.162", "24.5", "86.142", "92.184", "79.210", "89.160", "2.125", "151.38", "83.49", "188.26")
MOBILE_NETS = ("172.56", "100.64", "176.83", "31.94")
HOSTING_NETS = ("34.75", "52.14", "167.99", "45.77", "159.203")
ABROAD_NETS = ("41.58", "197.210", "103.152", "185.220")
AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 "
    "Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
)  # fmt: skip
PHONE_AGENTS = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 "
    "Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
    "Mobile Safari/537.36",
)  # fmt: skip
SCRIPT_AGENTS = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36",
    "python-requests/2.32.3",
    "curl/8.5.0",
)  # fmt: skip
LEAKED_CODES = tuple(f"SPRING{n:02d}" for n in range(40))


def _ascii(name: str) -> str:
    """A name as it goes into an address: `Chloé` → `chloe`, `Yılmaz` → `yilmaz`."""
    plain = {"é": "e", "ë": "e", "ö": "o", "ü": "u", "ı": "i", "í": "i", "á": "a", " ": "", "'": ""}
    return "".join(plain.get(c, c) for c in name.lower())


@dataclass
class Event:
    type: str
    at: datetime
    data: dict[str, Any]
    identity_data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Identity:
    id: str
    kind: str
    events: list[Event] = field(default_factory=list)


@dataclass
class Place:
    """Where a session comes from: its address, browser and device."""

    ip: str
    agent: str
    device: str

    def data(self, **extra: Any) -> dict[str, Any]:
        return {"ip": self.ip, "userAgent": self.agent, "deviceId": self.device, **extra}


class Demo:
    def __init__(self, now: datetime, seed: int = 1) -> None:
        self.now = now.astimezone(UTC)
        self.rng = random.Random(seed)
        self.ids: set[str] = set()

    # --- parts ------------------------------------------------------------------------------

    def _id(self) -> str:
        while (found := f"user_{self.rng.randint(10_000, 99_999)}") in self.ids:
            pass
        self.ids.add(found)
        return found

    def _ip(self, nets: tuple[str, ...]) -> str:
        return f"{self.rng.choice(nets)}.{self.rng.randint(1, 254)}.{self.rng.randint(1, 254)}"

    def _device(self) -> str:
        return "".join(self.rng.choices(string.hexdigits.lower()[:16], k=32))

    def _ago(self, low_days: float, high_days: float) -> datetime:
        return self.now - timedelta(days=self.rng.uniform(low_days, high_days))

    def _name(self) -> tuple[str, str]:
        return self.rng.choice(FIRST), self.rng.choice(LAST)

    def _address(self, first: str, last: str) -> str:
        f, la = _ascii(first), _ascii(last)
        style = self.rng.random()
        if style < 0.15:
            return f"{f}.{la}@{self.rng.choice(WORK_MAIL)}"
        box = f"{f}.{la}" if style < 0.55 else f"{f}{la}{self.rng.randint(70, 99)}" if style < 0.8 else f"{f[0]}{la}"
        return f"{box}@{self.rng.choice(FREE_MAIL)}"

    # --- populations --------------------------------------------------------------------------

    def person(self, kind: str = PERSON) -> Identity:
        first, last = self._name()
        who = Identity(self._id(), kind)
        home = Place(self._ip(HOME_NETS), self.rng.choice(AGENTS), self._device())
        phone = Place(self._ip(MOBILE_NETS), self.rng.choice(PHONE_AGENTS), self._device())
        at = self._ago(2, DAYS)
        profile = {"email": self._address(first, last), "name": f"{first} {last}"}
        who.events.append(Event("user.signup", at, home.data(), profile))
        while True:
            at += timedelta(hours=self.rng.lognormvariate(3.3, 0.9))  # a median of a day, now and then a week
            if at >= self.now:
                return who
            place = phone if self.rng.random() < 0.3 else home
            if self.rng.random() < 0.06:
                who.events.append(Event("user.login_failed", at, place.data()))
                at += timedelta(seconds=self.rng.uniform(8, 40))
            who.events.append(Event("user.login", at, place.data()))
            for _ in range(self.rng.randint(0, 3)):
                at += timedelta(seconds=self.rng.uniform(20, 600))
                who.events.append(Event("page.view", at, place.data(path=f"/products/{self.rng.randint(1, 400)}")))
            if self.rng.random() < 0.25:
                at += timedelta(minutes=self.rng.uniform(1, 15))
                total = round(self.rng.uniform(9, 180), 2)
                who.events.append(Event(CHECKOUT, at, place.data(amount=total, currency="EUR")))

    def fake_signup(self) -> Identity:
        who = Identity(self._id(), FAKE_SIGNUP)
        mash = "".join(self.rng.choices("asdfghjklqwertzuiop", k=self.rng.randint(5, 9)))
        name = self.rng.choice((f"{mash} {mash[::-1]}", "test test", "aaa bbb", mash))
        place = Place(self._ip(HOME_NETS + HOSTING_NETS), self.rng.choice(AGENTS), self._device())
        at = self._ago(0, 6)
        profile = {"email": f"{mash}{self.rng.randint(1, 999)}@{self.rng.choice(DISPOSABLE)}", "name": name}
        who.events.append(Event("user.signup", at, place.data(), profile))
        if self.rng.random() < 0.5:
            who.events.append(Event("promo.redeem", at + timedelta(seconds=40), place.data(promoCode="WELCOME10")))
        return who

    def multi_accounter(self, accounts: int) -> list[Identity]:
        first, last = self._name()
        box = f"{_ascii(first)}{_ascii(last)}"[:12]
        home = Place(self._ip(HOME_NETS), self.rng.choice(AGENTS), self._device())
        found = []
        for n in range(accounts):
            who = Identity(self._id(), MULTI_ACCOUNTER)
            spelled = ".".join(box[i : i + 3] for i in range(0, len(box), 3)) if n % 2 else f"{box}+{n}"
            at = self._ago(0.5, 12)
            profile = {"email": f"{spelled}@gmail.com", "name": f"{first} {last}" if n % 3 else f"{first[0]}. {last}"}
            who.events.append(Event("user.signup", at, home.data(), profile))
            who.events.append(Event("promo.redeem", at + timedelta(minutes=2), home.data(promoCode="WELCOME10")))
            who.events.append(Event(CHECKOUT, at + timedelta(minutes=6), home.data(amount=9.99, currency="EUR")))
            found.append(who)
        return found

    def bot(self) -> Identity:
        who = Identity(self._id(), BOT)
        place = Place(self._ip(HOSTING_NETS), self.rng.choice(SCRIPT_AGENTS), self._device())
        at = self._ago(0.2, 3)
        handle = "".join(self.rng.choices(string.ascii_lowercase, k=8))
        who.events.append(Event("user.signup", at, place.data(), {"email": f"{handle}@outlook.com", "name": handle}))
        beat = self.rng.choice((5.0, 15.0, 30.0))
        for step in range(self.rng.randint(40, 90)):
            at += timedelta(seconds=beat + self.rng.uniform(-0.05, 0.05))
            kind = ("user.login", "page.view", "page.view", "promo.redeem")[step % 4]
            extra = {"promoCode": "WELCOME10"} if kind == "promo.redeem" else {}
            who.events.append(Event(kind, at, place.data(**extra)))
        return who

    def registration_bomb(self, accounts: int) -> list[Identity]:
        place = Place(self._ip(HOSTING_NETS), SCRIPT_AGENTS[0], self._device())
        at, domain = self._ago(0.1, 2), self.rng.choice(FREE_MAIL)
        found = []
        for _ in range(accounts):
            who = Identity(self._id(), REGISTRATION_BOMB)
            handle = "".join(self.rng.choices(string.ascii_lowercase + string.digits, k=10))
            at += timedelta(seconds=self.rng.uniform(4, 20))
            who.events.append(Event("user.signup", at, place.data(), {"email": f"{handle}@{domain}", "name": handle}))
            found.append(who)
        return found

    def promo_abuser(self) -> Identity:
        who = self.person(PROMO_ABUSER)
        last = who.events[-1]
        at = max(last.at, self._ago(0, 2))
        for code in self.rng.sample(LEAKED_CODES, self.rng.randint(12, 25)):
            at += timedelta(seconds=self.rng.uniform(2, 9))
            who.events.append(Event("promo.redeem", at, {**last.data, "promoCode": code}))
        return who

    def attacker(self) -> Place:
        """A credential-stuffing tool abroad: a patched headless browser on a hosting address."""
        return Place(self._ip(ABROAD_NETS), SCRIPT_AGENTS[0], self._device())

    def taken_over(self, attacker: Place) -> Identity:
        who = self.person(TAKEN_OVER)
        at = max(who.events[-1].at, self._ago(0, 1.5))
        for _ in range(self.rng.randint(8, 20)):
            at += timedelta(seconds=self.rng.uniform(1, 4))
            who.events.append(Event("user.login_failed", at, attacker.data()))
        steps = (("user.login", {}), ("email.change", {}), ("password.change", {}), (CHECKOUT, {"amount": 899.0}))
        for kind, extra in steps:
            at += timedelta(seconds=self.rng.uniform(20, 90))
            profile = {"email": f"{''.join(self.rng.choices(string.ascii_lowercase, k=9))}@proton.me"}
            who.events.append(Event(kind, at, attacker.data(**extra), profile if kind == "email.change" else {}))
        return who


def generate(now: datetime, seed: int = 1, people: int = 90) -> list[Identity]:
    """Every identity of the demo: `people` people and, in proportion, each kind of fraud."""
    demo = Demo(now, seed)
    found = [demo.person() for _ in range(people)]
    scale = max(people // 30, 1)
    found += [demo.fake_signup() for _ in range(4 * scale)]
    for _ in range(scale):
        found += demo.multi_accounter(demo.rng.randint(3, 5))
    found += [demo.bot() for _ in range(2 * scale)]
    found += demo.registration_bomb(8 + 4 * scale)
    found += [demo.promo_abuser() for _ in range(scale)]
    # One credential-stuffing campaign, one attacker's address and browser, several accounts taken.
    attacker = demo.attacker()
    found += [demo.taken_over(attacker) for _ in range(max(scale, 2))]
    return found
