"""The team bench/dashboard_pages.py measures the dashboard on: its population, and sending it through
POST /api/events as an app's backend and its pages' dregs.js would.

The population is deterministic (--seed) and lazily built per identity, so a million events never sit in
memory at once. At scale 1: 100,000 identities, exactly 1,000,000 events, over the last 90 days.

  events per identity  log-normal (median ~5, mean 10, a tail to several hundred): most identities have a
                       few events, a few have many; the counts are then nudged to the exact total
  addresses            each identity's home IP; a third share it with housemates (blocks of up to four);
                       one in seven also works behind an office's IP (~15 colleagues each); one in ten is
                       on a mobile carrier's shared addresses (~50 identities each)
  devices              three in ten use the site's pages (dregs.js events with a device report): a device
                       of their own, one in ten also the household's tablet; half a percent are a fraud
                       farm's accounts (junk names, throwaway domains), ten devices and ten data-centre IPs
                       shared by ~50 accounts each
  names                a quarter carry common surnames (60 first names x 50 surnames: namesakes), the rest
                       rarer ones; one identity in fifty is a second account of its neighbour (the same name,
                       its mailbox with the dots left out and a +tag)
  timeline             each identity's first event (a sign-up) at a uniform time in the last 90 days, the
                       rest spread until its last visit: within the last 3 days for one in four (the active
                       ones), earlier for the others (most of them soon after signing up)
"""

from __future__ import annotations

import asyncio
import math
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import browsers
import msgspec
from loadgen import mailbox, read_response

ORIGIN = "https://shop.example.com"
SPAN = timedelta(days=90)
IDENTITIES_AT_1 = 100_000
EVENTS_AT_1 = 1_000_000
FARMS = 10  # fraud farms' devices (and data-centre IPs)

FIRST = (
    "Ada Ben Cara Dan Eva Finn Gia Hugo Ines Jon Kai Lena Max Nora Omar Pia Raul Sara Tom Uma Vic Wen Yara Zoe "
    "Ali Bea Carl Dora Emil Fay Gus Hana Ivan Jana Karl Lily Marc Nina Otto Paula Quin Rosa Sven Tara Ugo Vera "
    "Walt Xenia Yusuf Zara Aiko Bruno Chloe Diego Elif Felix Greta Hamid Ilse Jonas"
).split()
LAST = (
    "Lee Kim Diaz Novak Rossi Silva Weber Ito Khan Moreau Nagy Olsen Park Quinn Roth Sato Tan Vega Wolf Young "
    "Adams Berg Costa Dubois Eriksen Fischer Garcia Horvat Ivanova Jansen Kowalski Lopez Meyer Nguyen Ortiz "
    "Petrov Ramos Schmidt Torres Urban Varga Walsh Xu Yilmaz Zhang Baker Chen Dunn Evans Ford"
).split()
DOMAINS = ("gmail.com", "gmail.com", "gmail.com", "outlook.com", "yahoo.com", "icloud.com", "proton.me", "web.de",
           "gmx.de", "orange.fr", "hotmail.com", "example.org")  # fmt: skip
THROWAWAY = ("mailinator.com", "yopmail.com", "guerrillamail.com", "sharklasers.com", "maildrop.cc")
JUNK = ("asdf asdf", "test test", "qwerty", "xxx", "John Doe", "aaa aaa", "user", "fdsa")
AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
)  # fmt: skip
# First octets of public unicast space (no private, loopback, multicast or documentation ranges).
OCTETS = (23, 31, 37, 45, 62, 77, 81, 85, 88, 91, 93, 95, 109, 151, 176, 178, 185, 188, 193, 194, 212, 213, 217)
PAGES = ("/", "/products", "/products/{n}", "/cart", "/checkout", "/account", "/search", "/deals")
# (type, weight) of a server event after the sign-up
SERVER_EVENTS = (("user.login", 50), ("purchase", 12), ("cart.update", 15), ("login_failed", 5),
                 ("promo_redeem", 4), ("password_change", 2), ("profile.update", 6), ("logout", 6))  # fmt: skip


def _mix(*parts: int) -> int:
    """A well-spread 32-bit hash of whole numbers (deterministic, unlike hash() of a str)."""
    h = 2166136261
    for p in parts:
        h = ((h ^ (p & 0xFFFFFFFF)) * 16777619) & 0xFFFFFFFF
        h ^= h >> 15
    return h


def _ip(kind: int, n: int) -> str:
    h = _mix(kind, n)
    return f"{OCTETS[h % len(OCTETS)]}.{(h >> 8) & 0xFF}.{(h >> 16) & 0xFF}.{1 + (h >> 24) % 254}"


@dataclass(frozen=True)
class Person:
    index: int
    id: str
    name: str
    email: str
    home_ip: str
    office_ip: str | None
    mobile_ip: str | None
    agent: str
    devices: tuple[str, ...]  # device names whose signals dregs.js reports; () for backend-only users
    farm: int | None  # which fraud farm's account, if any
    first_at: datetime
    last_at: datetime


@dataclass
class Population:
    scale: float
    seed: int
    now: datetime
    counts: list[int] = field(repr=False)

    @property
    def identities(self) -> int:
        return len(self.counts)

    @property
    def events(self) -> int:
        return sum(self.counts)

    def person(self, i: int) -> Person:
        r = random.Random(f"{self.seed}:person:{i}")
        h = _mix(self.seed, i)
        farm = h % FARMS if h % 1000 < 5 else None
        twin = i % 50 == 1  # a second account of identity i - 1
        base = i - 1 if twin else i
        first = FIRST[_mix(base, 1) % len(FIRST)]
        rare = _mix(base, 2) % 4 != 0
        last = mailbox(_mix(base, 10) % (4 * self.identities)).title() if rare else LAST[_mix(base, 2) % len(LAST)]
        if farm is not None:
            name = r.choice(JUNK)
            email = f"{name.split()[0]}{r.randrange(10**6)}@{r.choice(THROWAWAY)}"
        elif twin:
            name = f"{first} {last}"
            email = f"{first}{last}{base}+shop@gmail.com".lower()
        else:
            name = f"{first} {last}"
            domain = "gmail.com" if i % 50 == 0 else DOMAINS[_mix(i, 3) % len(DOMAINS)]
            email = f"{first}.{last}{i}@{domain}".lower()
        household = i - i % 4 if h % 3 == 0 else i
        office = (_mix(i, 4) % max(1, self.identities // 100)) if h % 7 == 0 else None
        mobile = (_mix(i, 5) % max(1, self.identities // 500)) if h % 10 == 1 else None
        devices: tuple[str, ...] = ()
        if farm is not None:
            devices = (f"farm{farm}",)
        elif _mix(i, 6) % 10 < 3:
            devices = (f"own{i}", f"home{household}") if _mix(i, 7) % 10 == 0 else (f"own{i}",)
        first_at = self.now - SPAN * r.random()
        since = self.now - first_at
        active = _mix(i, 11) % 4 == 0
        last_at = (
            self.now - min(since, timedelta(days=3)) * r.random() if active else first_at + since * r.random() ** 2
        )
        return Person(
            index=i, id=f"cust_{i:06d}", name=name, email=email,
            home_ip=_ip(9, farm) if farm is not None else _ip(1, household),
            office_ip=_ip(2, office) if office is not None else None,
            mobile_ip=_ip(3, mobile) if mobile is not None else None,
            agent=AGENTS[_mix(i, 8) % len(AGENTS)], devices=devices, farm=farm, first_at=first_at, last_at=last_at,
        )  # fmt: skip

    def timeline(self, person: Person) -> list[datetime]:
        n = self.counts[person.index]
        r = random.Random(f"{self.seed}:times:{person.index}")
        life = person.last_at - person.first_at
        times = sorted(person.first_at + life * r.random() for _ in range(n - 2))
        return [person.first_at, *times, person.last_at][:n]

    def requests(self, person: Person, public_key: str) -> Iterator[tuple[bytes, bytes]]:
        """(extra headers, body) of each of the identity's events, in the order they happened."""
        r = random.Random(f"{self.seed}:events:{person.index}")
        signals = {d: browsers.report("laptop" if not d.startswith("farm") else "stealth", d, self.seed)
                   for d in person.devices}  # fmt: skip
        names, weights = zip(*SERVER_EVENTS, strict=True)
        for k, at in enumerate(self.timeline(person)):
            stamp = at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            ip = person.home_ip
            if person.office_ip and r.random() < 0.4:
                ip = person.office_ip
            elif person.mobile_ip and r.random() < 0.5:
                ip = person.mobile_ip
            body: dict = {"id": f"ev{person.index}-{k}", "source": "shop-backend", "timestamp": stamp}
            identity: dict = {"id": person.id, "data": {}}
            if k == 0:
                body["type"] = "user.signup"
                identity["data"] = {"email": person.email, "name": person.name}
                body["data"] = {"ip": ip, "userAgent": person.agent, "plan": r.choice(("free", "pro"))}
            elif person.devices and r.random() < 0.5:
                device = r.choice(person.devices)
                path = r.choice(PAGES).format(n=r.randrange(500))
                body.update(type="page_view", data={}, source="dregs.js/1.0.0")
                body["device"] = {"session": f"{_mix(self.seed, person.index, k // 8):08x}{k // 8:08x}",
                                  "url": ORIGIN + path, "signals": signals[device]}  # fmt: skip
                body["identity"] = identity
                headers = (
                    f"Authorization: Bearer {public_key}\r\nOrigin: {ORIGIN}\r\nX-Forwarded-For: {ip}\r\n"
                ).encode()
                yield headers, msgspec.json.encode(body)
                continue
            else:
                kind = r.choices(names, weights)[0]
                data: dict = {"ip": ip, "userAgent": person.agent}
                if kind == "purchase":
                    data.update(amount=round(r.lognormvariate(3.5, 0.8), 2), currency="EUR")
                elif kind == "promo_redeem":
                    data["code"] = r.choice(("WELCOME10", "SPRING20", "FREESHIP", "VIP25"))
                elif kind == "cart.update":
                    data["items"] = r.randrange(1, 6)
                body.update(type=kind, data=data)
            body["identity"] = identity
            yield b"", msgspec.json.encode(body)


def population(scale: float, seed: int, now: datetime | None = None) -> Population:
    """Event counts per identity: log-normal, nudged so they add up to exactly EVENTS_AT_1 x scale."""
    n = max(10, round(IDENTITIES_AT_1 * scale))
    total = max(n, round(EVENTS_AT_1 * scale))
    r = random.Random(f"{seed}:counts")
    sigma = 1.2
    mu = math.log(total / n) - sigma * sigma / 2  # the log-normal's mean is exp(mu + sigma^2 / 2)
    counts = [min(2000, max(1, round(r.lognormvariate(mu, sigma)))) for _ in range(n)]
    gap = total - sum(counts)
    while gap:
        i = r.randrange(n)
        if gap > 0:
            counts[i] += 1
            gap -= 1
        elif counts[i] > 1:
            counts[i] -= 1
            gap += 1
    # Minutes, not microseconds: every run of one --seed and --scale names the same instants' day.
    return Population(scale, seed, now or datetime.now(UTC).replace(second=0, microsecond=0), counts)


# --- sending ---------------------------------------------------------------------------------------------


@dataclass
class Sent:
    events: int = 0
    accepted: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)  # a few answers that were not 200 with an id
    fingerprints: dict[int, str] = field(default_factory=dict)  # farm -> its device's fingerprint


async def _send_person(
    port: int, conn: list, pop: Population, person: Person, secret_key: str, public_key: str, sent: Sent
) -> None:
    server_head = f"POST /api/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {secret_key}\r\n"
    browser_head = f"POST /api/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
    for extra, body in pop.requests(person, public_key):
        head = (browser_head if extra else server_head).encode() + extra
        request = head + b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body) + body
        for attempt in range(3):
            try:
                if conn[0] is None:
                    conn[0] = await asyncio.open_connection("127.0.0.1", port)
                reader, writer = conn[0]
                writer.write(request)
                status, payload, keep_alive = await read_response(reader)
                break
            except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                if conn[0] is not None:
                    conn[0][1].close()
                conn[0] = None
                if attempt == 2:
                    sent.errors[type(exc).__name__] = sent.errors.get(type(exc).__name__, 0) + 1
                    status = 0
                    payload, keep_alive = b"", False
                    break
                await asyncio.sleep(0.05)  # the same event again: an idempotent replay if it got there
        sent.events += 1
        sent.statuses[status] = sent.statuses.get(status, 0) + 1
        answer = msgspec.json.decode(payload) if status == 200 else {}
        if answer.get("id") is not None:
            sent.accepted += 1
            if person.farm is not None and answer.get("fingerprint"):
                sent.fingerprints.setdefault(person.farm, answer["fingerprint"])
        elif len(sent.refused) < 5:
            sent.refused.append(f"{status} {payload[:200]!r}")
        if not keep_alive and conn[0] is not None:
            conn[0][1].close()
            conn[0] = None


async def _send_all(port: int, pop: Population, secret_key: str, public_key: str, clients: int, sent: Sent) -> None:
    """`clients` connections; each takes the next identity and sends its events one after another (as one
    person's requests come), so its events arrive together and its cycles coalesce as in real traffic."""
    next_person = iter(range(pop.identities))
    started = time.monotonic()
    done = asyncio.Event()

    async def client() -> None:
        conn: list = [None]
        try:
            for i in next_person:
                await _send_person(port, conn, pop, pop.person(i), secret_key, public_key, sent)
        finally:
            if conn[0] is not None:
                conn[0][1].close()

    async def progress() -> None:
        while not done.is_set():
            with_timeout = asyncio.wait_for(done.wait(), 15)
            try:
                await with_timeout
            except TimeoutError:
                elapsed = time.monotonic() - started
                print(f"  sent {sent.events:,} of {pop.events:,} events in {elapsed:.0f} s "
                      f"({sent.events / elapsed:.0f}/s), accepted {sent.accepted:,}", flush=True)  # fmt: skip

    reporter = asyncio.create_task(progress())
    await asyncio.gather(*(client() for _ in range(clients)))
    done.set()
    await reporter


def send(port: int, pop: Population, secret_key: str, public_key: str, clients: int) -> Sent:
    sent = Sent()
    asyncio.run(_send_all(port, pop, secret_key, public_key, clients, sent))
    return sent
