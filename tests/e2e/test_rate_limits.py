"""Rate limits: counted in memory (embedded) or in the real Redis (production), answered
429 with Retry-After, per client IP, email, user or credential."""

import asyncio
import secrets
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from dregs import RateLimitError

from adapters.rate_limits import RULES, RateLimitConfigError, RateLimits, parse_rules
from adapters.settings import SettingsError, load_settings
from tests.support import PASSWORD, LiveServer, Team, live_server, sign_up

REDIS_URL = "redis://127.0.0.1:6379/0"


def limits_with(backend: str, prefix: str | None = None, **rules: str) -> RateLimits:
    every_rule = {**dict.fromkeys(RULES, "off"), **rules}
    redis_url = REDIS_URL if backend == "redis" else None
    # A fresh key prefix per test: Redis outlives a test run.
    return RateLimits(parse_rules(every_rule), redis_url, key_prefix=prefix or "dregs-test-" + secrets.token_hex(6))


@pytest.mark.parametrize("backend", ["memory", "redis"])
@pytest.mark.parametrize("rule", ["login_email", "ingest"])  # a moving-window rule and a sliding-counter one
def test_a_key_is_refused_past_its_limit_and_told_when_to_retry(backend: str, rule: str) -> None:
    async def scenario() -> None:
        limits = limits_with(backend, **{rule: "3/minute"})
        assert [await limits.hit(rule, "a") for _ in range(3)] == [None, None, None]
        refusal = await limits.hit(rule, "a")
        assert refusal is not None and 1 <= refusal.retry_after <= 60
        assert await limits.hit(rule, "b") is None  # keys are counted apart
        assert await limits.hit("api", "a") is None  # and so are rules ("off" here)

    asyncio.run(scenario())


def test_workers_sharing_redis_share_one_budget() -> None:
    prefix = "dregs-test-" + secrets.token_hex(6)

    async def scenario() -> None:
        first, second = (
            limits_with("redis", prefix, account="4/minute"),
            limits_with("redis", prefix, account="4/minute"),
        )
        hits = [await worker.hit("account", "user:1") for worker in (first, second, first, second, first)]
        assert hits[:4] == [None] * 4
        assert hits[4] is not None

    asyncio.run(scenario())


@pytest.mark.parametrize("backend", ["memory", "redis"])
def test_a_high_limit_is_counted_a_lease_at_a_time_and_never_exceeded(backend: str) -> None:
    """README (rate limits): 1,000 a minute is counted ten at a time; two workers sharing Redis still let
    exactly 1,000 through."""
    prefix = "dregs-test-" + secrets.token_hex(6)

    async def scenario() -> None:
        workers = [limits_with(backend, prefix, ingest="1000/minute") for _ in range(2 if backend == "redis" else 1)]
        calls = 0
        for worker in workers:
            counted = worker._cheap.hit

            async def counting(*args: object, counted: Any = counted, **named: object) -> bool:
                nonlocal calls
                calls += 1
                return await counted(*args, **named)

            worker._cheap.hit = counting  # type: ignore[method-assign]
        let_through = 0
        for n in range(1100):
            let_through += await workers[n % len(workers)].hit("ingest", "credential:1") is None
        assert let_through == 1000
        assert calls <= 1000 // 10 + 2 * 100  # leases, then one call per refused request past the limit

    asyncio.run(scenario())


def test_requests_arriving_together_share_one_lease() -> None:
    async def scenario() -> None:
        limits = limits_with("redis", ingest="1000/minute")
        results = await asyncio.gather(*(limits.hit("ingest", "k") for _ in range(10)))
        assert results == [None] * 10
        stats = await limits._cheap.get_window_stats(limits._rules["ingest"], "ingest", "k")
        assert stats.remaining == 1000 - 10  # one lease of ten, not ten leases

    asyncio.run(scenario())


def test_a_lease_not_spent_within_a_tenth_of_the_window_is_lost() -> None:
    now = [0.0]

    async def scenario() -> None:
        limits = RateLimits(parse_rules({"ingest": "1000/minute"}), None, clock=lambda: now[0])
        assert await limits.hit("ingest", "k") is None  # leases ten, spends one
        now[0] = 5.9
        assert await limits.hit("ingest", "k") is None  # still the first lease
        now[0] = 6.1  # past 60 s / 10: the eight left are lost, a new lease is counted
        assert await limits.hit("ingest", "k") is None
        stats = await limits._cheap.get_window_stats(limits._rules["ingest"], "ingest", "k")
        assert stats.remaining == 1000 - 20

    asyncio.run(scenario())


def test_an_unreachable_redis_lets_requests_through() -> None:
    async def scenario() -> None:
        # Counted one by one (a small limit), and a lease at a time (a large one): both fail open.
        for limit in ("1/minute", "100000/minute"):
            limits = RateLimits(parse_rules({"ingest": limit}), "redis://127.0.0.1:1/0")
            assert [await limits.hit("ingest", "k") for _ in range(3)] == [None, None, None]
            assert not limits._leases  # nothing was leased, so each request asks again

    asyncio.run(scenario())


def test_rules_are_validated() -> None:
    assert parse_rules({})["api"] is not None  # defaults apply
    assert parse_rules({"api": "off"})["api"] is None
    with pytest.raises(RateLimitConfigError):
        parse_rules({"login_ip": "lots"})
    base = {"DREGS_DATA_DIR": "/tmp/dregs-rate-limit-settings"}
    assert load_settings({**base, "DREGS_RATE_LIMIT_INGEST": "50/second"}).rate_limits == {"ingest": "50/second"}
    with pytest.raises(SettingsError, match="DREGS_RATE_LIMIT"):
        load_settings({**base, "DREGS_RATE_LIMIT_SIGNUP_IP": "10 per hour please"})


# --- through the API ------------------------------------------------------------

SERVER_LIMITS = {
    "login_ip": "off",
    "login_email": "3/minute",
    "signup_ip": "off",
    "account": "2/minute",
    "api": "8/minute",
    "ingest": "4/minute",
}


@pytest.fixture(scope="module", params=["embedded", "postgres+redis"])
def limited(request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    if request.param == "embedded":
        with live_server(None, rate_limits=SERVER_LIMITS) as live:
            yield live
    else:
        url = request.getfixturevalue("postgres_url")
        prefix = "dregs-test-" + secrets.token_hex(6)
        with live_server(url, rate_limits=SERVER_LIMITS, redis_url=REDIS_URL, redis_key_prefix=prefix) as live:
            yield live


def assert_429(response: httpx.Response) -> None:
    assert response.status_code == 429, response.text
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert response.json()["message"]


def test_login_attempts_per_email(limited: LiveServer) -> None:
    team = sign_up(limited)  # one login used
    with httpx.Client(base_url=limited.base_url) as http:
        wrong = {"email": team.email, "password": "not the password"}
        assert http.post("/api/auth/login", json=wrong).status_code == 401
        assert http.post("/api/auth/login", json={**wrong, "email": team.email.upper()}).status_code == 401
        # Past the limit even the right password is refused, without being checked.
        assert_429(http.post("/api/auth/login", json={"email": team.email, "password": PASSWORD}))
        other = sign_up(limited)
        assert http.post("/api/auth/login", json={"email": other.email, "password": PASSWORD}).status_code == 200


def test_sensitive_account_changes_per_user(limited: LiveServer) -> None:
    team = sign_up(limited)  # its first credential counts as one change
    with team.dashboard as http:
        assert http.post("/api/credentials", json={"name": "second", "allowedOrigins": []}).status_code == 201
        assert_429(http.post("/api/credentials", json={"name": "third", "allowedOrigins": []}))
        body = {"currentPassword": PASSWORD, "newPassword": "another long password"}
        assert_429(http.put("/api/account/password", json=body))
        assert http.get("/api/credentials").status_code == 200  # reading is not an account change


def test_api_requests_per_caller(limited: LiveServer) -> None:
    team = sign_up(limited)
    with team.http as http:
        answers = [http.get("/api/identities").status_code for _ in range(9)]
    assert answers[:8] == [200] * 8
    assert answers[8] == 429
    with team.dashboard as http:  # the dashboard user has a budget of its own
        assert http.get("/api/identities").status_code == 200


def test_ingestion_per_credential_through_the_sdk(limited: LiveServer) -> None:
    team: Team = sign_up(limited)
    client = team.sdk()
    for n in range(4):
        client.track("login", identity="u1", event_id=f"e{n}")
    with pytest.raises(RateLimitError) as refused:
        client.track("login", identity="u1", event_id="e4")
    assert refused.value.retry_after is not None and 1 <= refused.value.retry_after <= 60
    assert sign_up(limited).sdk().track("login", identity="u1", event_id="e0").id == "e0"  # another credential


def test_login_attempts_per_email_count_every_spelling_of_the_address(limited: LiveServer) -> None:
    """The limit's key is the address as login reads it (application/accounts normalize_email): spellings
    that normalize to it share its budget."""
    team = sign_up(limited)  # one login used
    local, domain = team.email.split("@")
    fullwidth = "".join(chr(ord(c) + 0xFEE0) if "a" <= c <= "z" else c for c in domain)  # ｅｘａｍｐｌｅ.ｃｏｍ
    spellings = [f"{local}@{fullwidth}", f"{local}@{domain.replace('.', '。')}"]
    with httpx.Client(base_url=limited.base_url) as http:
        assert http.post("/api/auth/login", json={"email": spellings[0], "password": PASSWORD}).status_code == 200
        assert http.post("/api/auth/login", json={"email": team.email, "password": "wrong"}).status_code == 401
        # The limit (3) is reached: no spelling of the address gets through, even with the right password.
        for email in [team.email, *spellings]:
            assert_429(http.post("/api/auth/login", json={"email": email, "password": PASSWORD}))
