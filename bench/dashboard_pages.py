"""Server time of every dashboard page on a big team: the dashboard issue's goal is p95 <= 150 ms per page with
100,000 identities and 1,000,000 events.

  1. seed     a fresh PostgreSQL database (dregs_bench_dashboard_<hex>), the production layout of the Procfile
              (bench/layout.py: the web app under uvicorn with --workers, `dregs run projections`, `dregs run
              scoring`, Redis under a prefix of its own). One team signs up through the API, gets three badge
              rules, two escalation rules, two (disabled) channels and three invitations, then its population
              (bench/dashboard_seed.py: --scale x 100,000 identities and exactly --scale x 1,000,000 events) goes
              through POST /api/events from --clients keep-alive connections (the server commits concurrent
              requests together), server events with the secret key, page views with the public key and a
              device report as dregs.js sends them. Then until /health says every projection has caught up and
              the scoring queue is empty (no identity with inputs newer than its last cycle), and a VACUUM
              ANALYZE, as autovacuum would have done to a deployment's tables by then. The layout seeds with
              scoring at full duty and two cycles at once (DREGS_SCORING_DUTY=1, DREGS_SCORING_CONCURRENCY=2:
              a backfill), and without scoring a new identity at once (its first events coalesce into one cycle).
  2. measure  the layout restarted with its defaults (the API's rate limit raised, as the ingestion benches do,
              so the limiter counts but never refuses); one client signs in through /login as a browser does
              (the CSRF cookie and token, then the session cookie) and asks for every page in turn, --warmup
              rounds unmeasured then --rounds measured, one request at a time: wall time per request on
              loopback. The JSON endpoints (GET /api/stats...) take the session's token as a bearer.

Prints p50, p95 and max per page and PASS/FAIL against p95 <= 150 ms, and how busy the machine was while
measuring (other jobs skew every figure). Exits 1 only if something is broken (a page not answered 200, an
event not accepted, the read models not caught up).

--keep-db keeps the database (its name is printed); --reuse-db NAME measures a database kept earlier, seeded
with the same --scale and --seed, without seeding again (nothing else is remembered between runs).

Seeding is the long part: on a 2-core machine shared with other jobs (2026-12-01) the layout took ~210 events/s
(~6.4 ms of CPU an event: web 1.8, PostgreSQL 2.0, scoring 1.4, projections 1.2), --scale 0.1 seeded in ~11 min;
the full size took 2 h 19 min on 2026-12-02 (135 events/s falling to ~95 as the tables grew, then ~15 min
to finish projecting and scoring). Measuring takes ~2 minutes.

Examples:
    .venv/bin/python bench/dashboard_pages.py --scale 0.1            # 10,000 identities, 100,000 events
    .venv/bin/python bench/dashboard_pages.py --keep-db              # the goal's size; keep it
    .venv/bin/python bench/dashboard_pages.py --reuse-db dregs_bench_dashboard_0123ab
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote, urlencode

import dashboard_seed
import httpx
import ingest
import psycopg
from layout import pct, pending_cycles, start_layout

GOAL_P95_MS = 150.0
EMAIL = "bench-dashboard@example.com"
CSRF_COOKIE = "dregs_csrf"
SESSION_COOKIE = "dregs_session"
BADGE_RULES = [
    {"name": "Fake data", "type": "BAD", "priority": 3,
     "conditions": [{"condition": "SCORE_LT", "category": "AUTHENTICITY", "threshold": 40}]},
    {"name": "Duplicate", "type": "BAD", "priority": 2,
     "conditions": [{"condition": "SCORE_LT", "category": "UNIQUENESS", "threshold": 50}]},
    {"name": "Trusted", "type": "GOOD", "priority": 1,
     "conditions": [{"condition": "SCORE_GTE", "category": "BEHAVIOR", "threshold": 70}]},
]  # fmt: skip
ESCALATION_RULES = [
    {"name": "Very low score", "severity": "CRITICAL",
     "conditions": [{"condition": "SCORE_LT", "category": "ANY", "threshold": 15}]},
    {"name": "Duplicate with fake data", "severity": "WARNING",
     "conditions": [{"condition": "BADGE_EXISTS", "badge": "duplicate"},
                    {"condition": "SCORE_LT", "category": "AUTHENTICITY", "threshold": 40}]},
]  # fmt: skip
CHANNELS = [
    {"name": "Fraud team", "type": "EMAIL", "config": {"addresses": ["fraud@example.com"]},
     "events": ["ESCALATION_OPENED"], "enabled": False},
    {"name": "Slack alerts", "type": "SLACK", "config": {"webhookUrl": "https://hooks.slack.com/services/T0/B0/x"},
     "events": ["ESCALATION_OPENED", "ESCALATION_CLOSED"], "enabled": False},
]  # fmt: skip


# --- the database and the layout ---------------------------------------------------------------------------


@contextlib.contextmanager
def database(args: argparse.Namespace) -> Iterator[tuple[str, bool]]:
    """(url, fresh): a new database, dropped on leaving unless --keep-db, or the kept one --reuse-db names."""
    admin = args.pg_admin_url
    name = args.reuse_db or "dregs_bench_dashboard_" + secrets.token_hex(3)
    if args.reuse_db:
        with psycopg.connect(admin, autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
                sys.exit(f"no database {name}")
    else:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    ingest.BENCH_DB = name  # postgres_cpu_s counts this database's backends only
    try:
        yield admin.rsplit("/", 1)[0] + "/" + name, not args.reuse_db
    finally:
        if args.keep_db or args.reuse_db:
            print(f"kept database {name}")
        else:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            print(f"dropped database {name}")


def layout_env(args: argparse.Namespace, *, seeding: bool) -> dict[str, str]:
    env = {
        "DREGS_JWT_SECRET": secrets.token_urlsafe(48),
        "DREGS_KEY_HASH_SECRET": secrets.token_urlsafe(48),
        "REDIS_URL": args.redis_url,
        "DREGS_REDIS_PREFIX": "dregs-bench-" + secrets.token_hex(6),
        # One session asks for every page: the limiter still counts each request, it just never refuses.
        "DREGS_RATE_LIMIT_API": "10000000/minute",
        # dregs.js events come from loopback, with the visitor's address in X-Forwarded-For.
        "DREGS_TRUSTED_PROXIES": "127.0.0.1",
    }
    if seeding:
        env.update(DREGS_SCORING_DUTY="1", DREGS_SCORING_CONCURRENCY="2", DREGS_SCORE_NEW_AT_ONCE="false")
    return env


@contextlib.contextmanager
def running(db_url: str, env: dict[str, str], workers: int, name: str) -> Iterator[ingest.Server]:
    with tempfile.TemporaryDirectory(prefix=f"dregs-dashboard-{name}-") as tmpdir:
        server = start_layout(db_url, env, Path(tmpdir), workers, ("scoring",))
        try:
            yield server
        except BaseException:
            for log in sorted(Path(tmpdir).glob("*.log")):
                print(f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}", file=sys.stderr)
            raise
        finally:
            server.stop()


def cpu(server: ingest.Server) -> dict[str, float]:
    """CPU seconds so far of each part (bench/ingest.py's /proc accounting)."""
    parts = {"web": ingest.tree_cpu_s(server.proc.pid)}
    for name, proc in zip(("projections", "scoring"), server.extra, strict=False):
        parts[name] = ingest.tree_cpu_s(proc.pid)
    parts["postgres"] = ingest.postgres_cpu_s()
    parts["client"] = time.process_time()
    parts["machine"] = ingest.system_busy_s()
    return parts


def cores(before: dict[str, float], after: dict[str, float], seconds: float) -> str:
    used = {k: (after[k] - before[k]) / seconds for k in before}
    used["other jobs"] = used["machine"] - sum(v for k, v in used.items() if k != "machine")
    return ", ".join(f"{k} {v:.2f}" for k, v in used.items())


def check_alive(server: ingest.Server) -> None:
    for proc in [server.proc, *server.extra]:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args} exited with {proc.returncode}")


# --- seeding ---------------------------------------------------------------------------------------------


@dataclass
class Keys:
    token: str
    secret: str
    public: str


def set_up_team(base: str) -> Keys:
    """The team through its API, as an admin would: account, key, rules, channels, invitations."""
    with httpx.Client(base_url=base, timeout=60) as http:
        r = http.post("/api/auth/signup", json={"email": EMAIL, "password": ingest.PASSWORD, "name": "Bench Admin",
                                                "team": "Dashboard bench"})  # fmt: skip
        r.raise_for_status()
        token = http.post("/api/auth/login", json={"email": EMAIL, "password": ingest.PASSWORD}).json()["token"]
        http.headers["Authorization"] = f"Bearer {token}"
        r = http.post("/api/credentials", json={"name": "shop", "allowedOrigins": [dashboard_seed.ORIGIN]})
        r.raise_for_status()
        keys = Keys(token, r.json()["secretKey"], r.json()["publicKey"])
        for path, bodies in (("/api/badge-rules", BADGE_RULES), ("/api/escalation-rules", ESCALATION_RULES),
                             ("/api/channels", CHANNELS)):  # fmt: skip
            for body in bodies:
                r = http.post(path, json=body)
                if r.status_code != 201:
                    raise RuntimeError(f"POST {path} {body['name']}: {r.status_code} {r.text}")
        for k, role in enumerate(("ADMIN", "USER", "VIEWER")):
            r = http.post("/api/team/invitations", json={"email": f"invitee{k}@example.com", "role": role})
            if r.status_code != 201:
                raise RuntimeError(f"POST /api/team/invitations: {r.status_code} {r.text}")
    return keys


def behind(base: str) -> dict[str, int]:
    health = httpx.get(base + "/health", timeout=30).json()
    return {name: p.get("behind", 0) for name, p in health.get("projections", {}).items()}


def wait_caught_up(server: ingest.Server, db_url: str, timeout: float) -> float:
    """Seconds until every projection has caught up and the scoring queue is empty (bounded by timeout)."""
    started = time.monotonic()
    last_print = 0.0
    while True:
        check_alive(server)
        lag = behind(server.base)
        backlog = pending_cycles(db_url)
        with psycopg.connect(db_url, autocommit=True) as conn:
            cycles = conn.execute("SELECT count(*) FROM analyses").fetchone()[0]
        elapsed = time.monotonic() - started
        if not any(lag.values()) and not backlog:
            print(f"  caught up after {elapsed:.0f} s: {cycles:,} cycles recorded", flush=True)
            return elapsed
        if elapsed > timeout:
            raise RuntimeError(f"not caught up after {timeout:.0f} s: behind {lag}, scoring backlog {backlog}")
        if elapsed - last_print >= 15:
            last_print = elapsed
            lagging = {k: v for k, v in lag.items() if v}
            print(f"  {elapsed:.0f} s: projections behind {lagging or 'none'}, scoring backlog {backlog:,} "
                  f"identities, {cycles:,} cycles recorded", flush=True)  # fmt: skip
        time.sleep(1)


def seed(args: argparse.Namespace, db_url: str, pop: dashboard_seed.Population) -> dict[int, str]:
    """The team and its population through the API; the farms' device fingerprints."""
    print(f"seeding {pop.identities:,} identities and {pop.events:,} events ({args.clients} connections)", flush=True)
    if args.workers > 1:
        with tempfile.TemporaryDirectory(prefix="dregs-dashboard-schema-") as tmp:
            ingest.create_dregs_schema(db_url, layout_env(args, seeding=True), Path(tmp))
    with running(db_url, layout_env(args, seeding=True), args.workers, "seed") as server:
        keys = set_up_team(server.base)
        t0 = time.monotonic()
        before = cpu(server)
        sent = dashboard_seed.send(server.port, pop, keys.secret, keys.public, args.clients)
        send_s = time.monotonic() - t0
        print(f"  sent {sent.events:,} events in {send_s:.0f} s: {sent.events / send_s:.0f} events/s, accepted "
              f"{sent.accepted:,}, statuses {sent.statuses}" + (f", errors {sent.errors}" if sent.errors else ""),
              flush=True)  # fmt: skip
        print(f"  cores used while sending: {cores(before, cpu(server), send_s)}", flush=True)
        if sent.accepted != pop.events:
            raise RuntimeError(f"{pop.events - sent.accepted} events not accepted, e.g. {sent.refused}")
        catch_up_s = wait_caught_up(server, db_url, args.settle)
    total = time.monotonic() - t0
    print(f"seeded in {total:.0f} s ({pop.events / total:.0f} events/s from the first event sent until projected "
          f"and scored)", flush=True)  # fmt: skip
    t1 = time.monotonic()
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    print(f"VACUUM ANALYZE in {time.monotonic() - t1:.0f} s (sending {send_s:.0f} s, catching up {catch_up_s:.0f} s)")
    return sent.fingerprints


# --- measuring -------------------------------------------------------------------------------------------


def sign_in(base: str) -> httpx.Client:
    """A client signed in through the sign-in page, as a browser does (cookies kept, the CSRF token sent)."""
    http = httpx.Client(base_url=base, timeout=60)
    r = http.get("/login")
    r.raise_for_status()
    r = http.post("/login", data={"email": EMAIL, "password": ingest.PASSWORD, "next": "/",
                                  "_csrf_token": http.cookies[CSRF_COOKIE]})  # fmt: skip
    if r.status_code != 303:
        raise RuntimeError(f"sign-in: {r.status_code} {r.text[:300]}")
    return http


@dataclass
class Page:
    label: str
    urls: list[str]
    api: bool = False
    times_ms: list[float] = field(default_factory=list)
    failures: dict[int, int] = field(default_factory=dict)


def samples(pop: dashboard_seed.Population, n: int = 20) -> dict[str, list[str]]:
    """Identity ids to open: the most events, the most linked (fraud farms' accounts, second accounts), and
    ordinary ones."""
    by_events = sorted(range(pop.identities), key=lambda i: -pop.counts[i])
    people = (pop.person(i) for i in range(pop.identities))
    farms = [p.index for p in people if p.farm is not None][: n // 2]
    twins = [i for i in range(1, pop.identities, 50)][: n - len(farms)]
    spread = list(range(7, pop.identities, max(1, pop.identities // n)))[:n]
    return {
        "most events": [pop.person(i).id for i in by_events[:n]],
        "most links": [pop.person(i).id for i in farms + twins],
        "typical": [pop.person(i).id for i in spread],
    }


def shared_device(base: str, api: dict[str, str], farm_accounts: list[str]) -> str:
    """A fraud farm's device (many identities on it), else the device seen last."""
    with httpx.Client(base_url=base, headers=api, timeout=60) as http:
        for identity in farm_accounts:
            r = http.get("/api/events", params={"identity": identity, "pageSize": 100})
            r.raise_for_status()
            found = [e["fingerprint"] for e in r.json()["content"] if e.get("fingerprint")]
            if found:
                return found[0]
        r = http.get("/api/devices", params={"pageSize": 1})
        r.raise_for_status()
        return r.json()["content"][0]["fingerprint"]


def pages(http: httpx.Client, pop: dashboard_seed.Population) -> list[Page]:
    ids = samples(pop)
    heavy = ids["most events"]
    farm_accounts = [p for p in ids["most links"] if pop.person(int(p.split("_")[1])).farm is not None]
    token = http.cookies[SESSION_COOKIE]
    api = {"Authorization": f"Bearer {token}"}
    device = shared_device(str(http.base_url), api, farm_accounts)
    term = dashboard_seed.LAST[0].lower()  # a surname many share

    def q(path: str, **params: object) -> str:
        return f"{path}?{urlencode(params)}"

    listed = [
        Page("/ (home, 7 days)", ["/"]),
        Page("/?days=30", ["/?days=30"]),
        Page("/identities", ["/identities"]),
        Page(f"/identities?term={term}", [q("/identities", term=term)]),
        Page("/identities?term=<an id>", [q("/identities", term=i) for i in ids["typical"]]),
        Page("/identities?badge=fake-data", [q("/identities", badge="fake-data")]),
        Page("/identities?badge=trusted", [q("/identities", badge="trusted")]),
        Page("/identities score=authenticity 0-30", [q("/identities", score="authenticity", least=0, most=30)]),
        Page("/identities score=humanity 50-100", [q("/identities", score="humanity", least=50, most=100)]),
    ]
    for sort in ("humanityScore", "authenticityScore", "uniquenessScore", "behaviorScore", "firstSeenAt"):
        listed.append(Page(f"/identities?sort={sort}", [q("/identities", sort=sort)]))
    listed += [
        Page("/identities?page=100", [q("/identities", page=100)]),
        *(Page(f"/identities/<id> ({kind})", [f"/identities/{quote(i, safe='')}" for i in some])
          for kind, some in ids.items()),
        Page("/devices", ["/devices"]),
        Page("/devices?term=firefox", [q("/devices", term="firefox")]),
        Page("/events", ["/events"]),
        Page("/events?term=purchase", [q("/events", term="purchase")]),
        Page("/events?identity=<most events>", [q("/events", identity=i) for i in heavy]),
        Page("/events?device=<a farm's>", [q("/events", device=device)]),
        Page("/escalations", ["/escalations"]),
        Page("/escalations?status=OPEN", [q("/escalations", status="OPEN")]),
        Page("/escalations?severity=CRITICAL", [q("/escalations", severity="CRITICAL")]),
        Page("/settings/keys", ["/settings/keys"]),
        Page("/settings/rules", ["/settings/rules"]),
        Page("/settings/channels", ["/settings/channels"]),
        Page("/settings/team", ["/settings/team"]),
        Page("/settings/activity", ["/settings/activity"]),
        Page("/settings/account", ["/settings/account"]),
        Page("/api/stats", ["/api/stats"], api=True),
        Page("/api/stats/score-distribution", ["/api/stats/score-distribution"], api=True),
        Page("/api/stats/rule-activity", ["/api/stats/rule-activity"], api=True),
    ]  # fmt: skip
    return listed


def measure(http: httpx.Client, listed: list[Page], warmup: int, rounds: int) -> None:
    """Every page once a round, in turn (so a burst of other work on the machine hits all of them alike)."""
    api = {"Authorization": f"Bearer {http.cookies[SESSION_COOKIE]}"}
    for n in range(warmup + rounds):
        for page in listed:
            url = page.urls[n % len(page.urls)]
            t0 = time.perf_counter()
            r = http.get(url, headers=api if page.api else None)
            ms = (time.perf_counter() - t0) * 1000
            if r.status_code != 200:
                page.failures[r.status_code] = page.failures.get(r.status_code, 0) + 1
            elif n >= warmup:
                page.times_ms.append(ms)


def team_summary(base: str, token: str) -> str:
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60) as http:
        since = (datetime.now(UTC) - timedelta(days=365)).strftime("%Y-%m-%dT%H:%M:%SZ")
        stats = http.get("/api/stats", params={"from": since})  # a year: the longest window, all the events
        week = http.get("/api/stats").json()
        devices = http.get("/api/devices", params={"pageSize": 1}).json()["totalElements"]
        escalations = http.get("/api/escalations/summary").json()
        rules = http.get("/api/stats/rule-activity").json()
    s = stats.json() if stats.status_code == 200 else {}
    holders = ", ".join(f"{b['slug']} {b['identities']:,}" for b in rules["badgeRules"])
    return (f"team: {s.get('identities', '?'):,} identities, {s.get('events', '?'):,} events, {devices:,} devices; "
            f"last 7 days: {week['activeIdentities']:,} identities active, {week['events']:,} events; "
            f"escalations {escalations}; badge holders: {holders or 'none'}")  # fmt: skip


def print_table(listed: list[Page]) -> list[Page]:
    width = max(len(p.label) for p in listed) + 2
    print(f"\n{'page':<{width}}{'n':>5}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}  goal p95 <= {GOAL_P95_MS:.0f} ms")
    missed = []
    for p in listed:
        p95 = pct(p.times_ms, 0.95)
        ok = p.times_ms and p95 <= GOAL_P95_MS and not p.failures
        if not ok:
            missed.append(p)
        note = "" if not p.failures else f"  answers not 200: {p.failures}"
        print(f"{p.label:<{width}}{len(p.times_ms):>5}{pct(p.times_ms, 0.5):>9.1f}{p95:>9.1f}"
              f"{max(p.times_ms, default=float('nan')):>9.1f}  {'ok' if ok else 'MISSED'}{note}")  # fmt: skip
    return missed


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--scale", type=float, default=1.0, help="x 100,000 identities and 1,000,000 events (default 1)")
    p.add_argument("--seed", type=int, default=1, help="the population's random seed (default 1)")
    p.add_argument("--rounds", type=int, default=50, help="measured requests per page (default 50)")
    p.add_argument("--warmup", type=int, default=3, help="unmeasured requests per page first (default 3)")
    p.add_argument("--workers", type=int, default=2, help="uvicorn workers of the web app (Procfile: 2)")
    p.add_argument("--clients", type=int, default=32, help="connections sending the events (default 32)")
    p.add_argument("--settle", type=float, default=3600.0, help="max seconds to wait for projections and scoring")
    p.add_argument("--keep-db", action="store_true", help="keep the database (its name is printed)")
    p.add_argument("--reuse-db", metavar="NAME", help="measure a kept database (same --scale and --seed); no seeding")
    p.add_argument(
        "--pg-admin-url", default=os.environ.get("DREGS_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
    )
    p.add_argument("--redis-url", default=os.environ.get("DREGS_BENCH_REDIS", "redis://127.0.0.1:6379/0"))
    args = p.parse_args(argv)
    if not (0.0001 <= args.scale <= 2 and 1 <= args.rounds <= 1000 and 0 <= args.warmup <= 100):
        p.error("scale in [0.0001, 2], rounds 1..1000, warmup 0..100")
    if not (1 <= args.workers <= 8 and 1 <= args.clients <= 256):
        p.error("workers 1..8, clients 1..256")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    t_begin = time.monotonic()
    pop = dashboard_seed.population(args.scale, args.seed)
    broken: list[str] = []
    with database(args) as (db_url, fresh):
        if fresh:
            seed(args, db_url, pop)
        with running(db_url, layout_env(args, seeding=False), args.workers, "measure") as server:
            if any(behind(server.base).values()) or pending_cycles(db_url):
                wait_caught_up(server, db_url, args.settle)  # a kept database seeded by a run that stopped early
            http = sign_in(server.base)
            print(team_summary(server.base, http.cookies[SESSION_COOKIE]))
            listed = pages(http, pop)
            idle = ingest.wait_for_quiet(0, 0)
            before, t0 = cpu(server), time.monotonic()
            measure(http, listed, args.warmup, args.rounds)
            window = time.monotonic() - t0
            used = cores(before, cpu(server), window)
            check_alive(server)
            http.close()
        missed = print_table(listed)
        for p in listed:
            if p.failures:
                broken.append(f"{p.label}: answers {p.failures}")
        print(
            f"\n{os.cpu_count()} CPUs; {pop.identities:,} identities, {pop.events:,} events (--scale {args.scale:g}); "
            f"{args.rounds} requests per page after {args.warmup} unmeasured, one at a time, {args.workers} web "
            f"workers; {window:.0f} s of measuring"
        )
        print(f"cores used while measuring: {used}; the machine's busy cores just before: {idle:.2f}")
        worst = max(listed, key=lambda p: pct(p.times_ms, 0.95) if p.times_ms else float("inf"))
        verdict = "PASS" if not missed else "FAIL"
        print(
            f"goal p95 <= {GOAL_P95_MS:.0f} ms on every page: {verdict} "
            f"(slowest p95: {worst.label} {pct(worst.times_ms, 0.95):.1f} ms"
            + (f"; missed by {len(missed)}: {', '.join(p.label for p in missed)})" if missed else ")")
        )
    for b in broken:
        print("BROKEN:", b)
    print(f"total time {time.monotonic() - t_begin:.0f} s")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
