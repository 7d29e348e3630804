"""`dregs demo`: a demo team on a running Dregs, made as a customer makes theirs (sign-up, a key, a mapping, rules)
and fed the demo shop's month of traffic through POST /api/events, as its backend would send it. Nothing is written
behind the API's back, so what the console then shows is what Dregs made of that traffic."""

import secrets
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from statistics import mean
from typing import Any

import httpx

from api.demo.traffic import CHECKOUT, KINDS, Identity, generate

CATEGORIES = ("HUMANITY", "AUTHENTICITY", "UNIQUENESS", "BEHAVIOR")
ORIGIN = "https://shop.example.com"
SENDERS = 4
# Made as a team would: rules in the words of the dashboard's rules page.
BADGE_RULES = (
    {"name": "Likely bot", "type": "BAD", "conditions": [
        {"condition": "SCORE_LT", "category": "HUMANITY", "threshold": 40}]},
    {"name": "Multi-accounter", "type": "BAD", "conditions": [
        {"condition": "SCORE_LT", "category": "UNIQUENESS", "threshold": 40}]},
    {"name": "Trusted customer", "type": "GOOD", "conditions": [
        {"condition": "SCORE_GT", "category": "BEHAVIOR", "threshold": 70},
        {"condition": "SCORE_GT", "category": "AUTHENTICITY", "threshold": 70},
        {"condition": "IDENTITY_AGE_GT", "seconds": 7 * 86_400}]},
)  # fmt: skip
ESCALATION_RULES = (
    {"name": "Account takeover or abuse", "severity": "CRITICAL", "conditions": [
        {"condition": "SCORE_LT", "category": "BEHAVIOR", "threshold": 35}]},
    {"name": "Fake or throwaway data", "severity": "WARNING", "conditions": [
        {"condition": "SCORE_LT", "category": "AUTHENTICITY", "threshold": 30}]},
    {"name": "Bot on the platform", "severity": "CRITICAL", "conditions": [
        {"condition": "BADGE_EXISTS", "badge": "likely-bot"}]},
)  # fmt: skip


class DemoError(Exception):
    """The demo could not be made; the message says why and what to do."""


@dataclass
class Seeded:
    email: str
    password: str
    team: str
    identities: list[Identity]
    events: int
    seconds: float
    scores: dict[str, dict[str, float]] = field(default_factory=dict)  # kind → category → mean score


def _answer(r: httpx.Response, expected: int, what: str) -> dict[str, Any]:
    if r.status_code != expected:
        try:
            message = r.json().get("message", r.text)
        except ValueError:
            message = r.text
        raise DemoError(f"{what}: HTTP {r.status_code}: {message}")
    return r.json() if r.content else {}


def _sent(http: httpx.Client, method: str, path: str, **kwargs: Any) -> httpx.Response:
    """One request, waiting out a 429 (Retry-After) or a brief 503 as a well-behaved client does."""
    for _ in range(60):
        r = http.request(method, path, **kwargs)
        if r.status_code not in (429, 503):
            return r
        time.sleep(float(r.headers.get("retry-after", "1")))
    return r


class DemoTeam:
    def __init__(self, base_url: str, email: str, password: str, team: str) -> None:
        self.base_url, self.email, self.password, self.team = base_url.rstrip("/"), email, password, team
        self.key = ""

    def create(self) -> None:
        """Sign up, sign in, and make what a team makes before it sends traffic."""
        with httpx.Client(base_url=self.base_url, timeout=30) as http:
            body = {"email": self.email, "password": self.password, "name": "Demo Admin", "team": self.team}
            r = _sent(http, "POST", "/api/auth/signup", json=body)
            if r.status_code == 409:
                raise DemoError(f"{self.email} already has an account: sign in with it, or run `dregs demo --email` "
                                "with another address")  # fmt: skip
            _answer(r, 201, "signing up")
            login = {"email": self.email, "password": self.password}
            token = _answer(_sent(http, "POST", "/api/auth/login", json=login), 200, "signing in")["token"]
            http.headers["authorization"] = f"Bearer {token}"
            key = {"name": "Demo shop backend", "allowedOrigins": [ORIGIN]}
            self.key = _answer(_sent(http, "POST", "/api/credentials", json=key), 201, "making a key")["secretKey"]
            mapping = {"kind": "EVENT_TYPE", "source": CHECKOUT, "target": "PURCHASE",
                       "description": "The shop's name for a completed order"}  # fmt: skip
            _answer(_sent(http, "PUT", "/api/mappings", json=mapping), 200, "mapping the shop's checkout")
            for path, rules in (("/api/badge-rules", BADGE_RULES), ("/api/escalation-rules", ESCALATION_RULES)):
                for rule in rules:
                    _answer(_sent(http, "POST", path, json=rule), 201, f"making the rule {rule['name']!r}")

    def send(self, identities: list[Identity], progress: Callable[[int], None]) -> int:
        """Each identity's events in their order (an app reports a user's actions as they happen), identities side
        by side; the number of events sent."""
        lock, count = threading.Lock(), [0]

        def send_one(who: Identity) -> None:
            with httpx.Client(base_url=self.base_url, timeout=30,
                              headers={"authorization": f"Bearer {self.key}"}) as http:  # fmt: skip
                for event in who.events:
                    body = {
                        "id": uuid.uuid4().hex, "type": event.type, "data": event.data, "source": "demo-shop",
                        "identity": {"id": who.id, "data": event.identity_data},
                        "timestamp": event.at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                    }  # fmt: skip
                    _answer(_sent(http, "POST", "/api/events", json=body), 200, f"sending {who.id}'s {event.type}")
                    with lock:
                        count[0] += 1
                        progress(count[0])

        with ThreadPoolExecutor(SENDERS) as pool:
            for done in [pool.submit(send_one, who) for who in identities]:
                done.result()
        return count[0]

    def wait_for_scores(self, identities: list[Identity], timeout: float) -> dict[str, dict[str, Any]]:
        """Every identity as listed once Dregs has caught up: each scored, nothing left to project, and no score
        moved between two looks (a burst's later events rescore its identity a moment after its first)."""
        deadline = time.monotonic() + timeout
        wanted, before = {who.id for who in identities}, None
        with httpx.Client(base_url=self.base_url, timeout=30, headers={"authorization": f"Bearer {self.key}"}) as http:
            while True:
                rows = {row["id"]: row for row in self._identities(http) if row.get("lastScoredAt")}
                seen = {i: rows[i]["lastScoredAt"] for i in wanted if i in rows}
                if wanted <= rows.keys() and seen == before and self._caught_up(http):
                    return rows
                if time.monotonic() > deadline:
                    raise DemoError(f"{len(wanted - rows.keys())} identities were not scored within {timeout:.0f} s")
                before = seen
                time.sleep(2)

    @staticmethod
    def _caught_up(http: httpx.Client) -> bool:
        health = _answer(_sent(http, "GET", "/health"), 200, "reading /health")
        return all(p.get("behind", 0) == 0 for p in health.get("projections", {}).values())

    @staticmethod
    def _identities(http: httpx.Client) -> Iterator[dict[str, Any]]:
        page = 0
        while True:
            params = {"pageNumber": page, "pageSize": 100}
            found = _answer(_sent(http, "GET", "/api/identities", params=params), 200, "listing identities")
            yield from found["content"]
            if found["last"]:
                return
            page += 1


def _means(identities: list[Identity], rows: dict[str, dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Each kind's mean score per category, over the identities that have one (a category without evidence stays
    unscored)."""
    found: dict[str, dict[str, float]] = {}
    for kind in KINDS:
        of_kind = [rows[who.id] for who in identities if who.kind == kind]
        values = {c: [v for r in of_kind if (v := r[f"{c.lower()}Score"]) is not None] for c in CATEGORIES}
        found[kind] = {c: mean(v) for c, v in values.items() if v}
    return found


def seed(  # noqa: PLR0913 - where, as whom, and how much
    base_url: str,
    email: str,
    password: str | None = None,
    team: str = "Demo shop",
    seed_number: int = 1,
    people: int = 90,
    progress: Callable[[int, int], None] = lambda done, total: None,
    timeout: float = 300,
) -> Seeded:
    password = password or f"demo-{secrets.token_urlsafe(9)}"
    started = time.monotonic()
    demo = DemoTeam(base_url, email, password, team)
    demo.create()
    identities = generate(datetime.now(UTC), seed_number, people)
    total = sum(len(who.events) for who in identities)
    sent = demo.send(identities, lambda done: progress(done, total))
    scores = demo.wait_for_scores(identities, timeout)
    return Seeded(email, password, team, identities, sent, time.monotonic() - started, _means(identities, scores))
