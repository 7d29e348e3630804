"""Field quality: how well Dregs' four scores separate people from fraud on an INDEPENDENT labelled set.

bench/scoring_quality.py measures Dregs on the project's own generator (bench/traffic.py), whose habits
the rules were tuned on. This benchmark is built apart from it, from real-world material only
(bench/field/, see its modules for every source):

- people of 17 cultures (German, Spanish, Portuguese/Brazilian, French, Polish, Turkish, Nordic, Italian,
  English, Nigerian, Vietnamese, Russian, Chinese, Japanese, Korean, Arabic, Indian) with names in
  native spelling and script, email addresses written the way people of each culture write them, each
  country's free-mail providers, home ISPs and mobile carriers (bench/field/cultures.py);
- disposable domains merged from two maintained lists (`disposable-email-domains`, `mailchecker`), bot
  user agents from `crawler-user-agents`, people's browsers from `browserforge` (fingerprints of real
  browsers collected by Apify), and real device reports of Debian's Chromium running dregs.js headless,
  headful under Xvfb and driven by Playwright (bench/field/data/chromium_reports.json, made by
  bench/field/collect_browsers.py) (bench/field/material.py);
- seven labelled populations laid out over three weeks (bench/field/populations.py): legit, fake_signup,
  registration_bomb, credential_stuffing, multi_account, promo_ring, account_takeover.

Everything goes through the REAL HTTP API of a live `dregs serve` (the embedded default, in a temporary
data folder, started here as a subprocess): a team and its keys through /api/auth and /api/credentials,
server events through the official SDK (`dregs.Dregs(...).track(..., timestamp=...)`), browser events
as raw HTTP with the `pk_` key exactly as dregs.js sends them (its device report, the page's Origin, the
client address in X-Forwarded-For from a trusted proxy; plus a `timestamp` to lay out days). Then every
identity is re-analyzed (`POST /identities/{id}/actions/analyze`) and its latest analysis read back
through the SDK (scores and observations).

A second team on the same server gets a copy of every identity and event, with every legit name in ASCII ("Raúl
Martínez" → "Raul Martinez", "Сергей Иванов" → "Sergey Ivanov", "王伟" → "Wang Wei"), so each accented or
native-script person is compared with the same person spelled in ASCII; ASCII-named people are in both
teams unchanged and show how much the surroundings alone move a score (the control).

Report per set (goal lines marked):
- per category, ROC AUC of the score (higher = good) between legit and the populations the category is
  meant to catch (TARGETS below; an identity with no score in a category counts as 50). Goal ≥ 0.95;
- share of legit users with any category ≤ 30 (goal < 2 %), the worst of them with the explanations of
  their lowering observations;
- accented/native-script vs ASCII twin: share where the native spelling scores lower in any category
  (goal: never), with examples;
- mean scores per population, and AUC of each category against each population;
- the observations that most often lower legit users' scores.

Seeds: --seed (default 1) is the development set. The held-out set (--held-out, seed 2) also draws its
disposable domains, bot user agents and fake names from halves of those lists the dev set never sees.
Whoever tunes the rules must never tune on the held-out set. --both runs both.

    /work/main/.venv/bin/python bench/field_quality.py                 # dev set, ~3 minutes on 2 cores
    /work/main/.venv/bin/python bench/field_quality.py --held-out
    /work/main/.venv/bin/python bench/field_quality.py --both --json /tmp/field.json
    make bench-field                                                   # both sets, ~6 minutes

Needs the `bench` extra (`/work/main/.venv/bin/pip install -e '/work/main[bench]'`).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import hashlib
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from dregs import Dregs
from dregs.errors import DregsAPIError, NotFoundError
from sklearn.metrics import roc_auc_score

sys.path.insert(0, str(Path(__file__).resolve().parent))
from field import populations as pops  # noqa: E402
from field.cultures import is_ascii  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DREGS = Path(sys.executable).with_name("dregs")
CATEGORIES = ("HUMANITY", "AUTHENTICITY", "UNIQUENESS", "BEHAVIOR")
LEGIT = "legit"
# What each category is meant to catch (legit users are the good side of every category).
TARGETS = {
    "HUMANITY": ("credential_stuffing", "registration_bomb"),
    "AUTHENTICITY": ("fake_signup", "registration_bomb"),
    "UNIQUENESS": ("multi_account", "promo_ring"),
    # Account takeover: the owner is a real, unique person with genuine data; what changed is how the
    # account is used, so Behavior must flag it (and the owner's Humanity must not collapse: reported).
    "BEHAVIOR": ("credential_stuffing", "promo_ring", "account_takeover"),
}
MISSING = 50
GOAL_AUC = 0.95
GOAL_LEGIT_LOW = 0.02
LOW = 30
DEV_SEED, HELD_OUT_SEED = 1, 2
PASSWORD = "field quality password"


# --- the server --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def dregs_server(tmp: Path):
    """`dregs serve` (embedded default) in tmp; browser events' X-Forwarded-For believed from loopback;
    the API rate limit off (the read-back makes ~2 requests per identity)."""
    port = free_port()
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env.update(
        DREGS_DATA_DIR=str(tmp / "data"), HOST="127.0.0.1", PORT=str(port), DREGS_TRUSTED_PROXIES="127.0.0.1",
        DREGS_RATE_LIMIT_API="off", DREGS_RATE_LIMIT_INGEST="100000/second",
    )  # fmt: skip
    log = open(tmp / "server.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        [str(DREGS), "serve", "--log-level", "warning"], cwd=str(tmp), env=env, stdout=log,
        stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"dregs serve exited with {proc.returncode}: {(tmp / 'server.log').read_text()[-2000:]}"
                )
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(base + "/health", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("dregs serve did not answer /health within 120 s")
            time.sleep(0.3)
        yield base
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)
        log.close()


@dataclass
class Team:
    name: str
    secret: str
    public: str


def new_team(base: str, name: str) -> Team:
    """A team through the API, as the README's first steps: sign up, log in, a credential for the shop."""
    email = f"field-{hashlib.sha256(name.encode()).hexdigest()[:8]}@example.org"
    with httpx.Client(base_url=base, timeout=30) as http:
        http.post(
            "/api/auth/signup", json={"email": email, "password": PASSWORD, "name": "Field", "team": name}
        ).raise_for_status()
        token = http.post("/api/auth/login", json={"email": email, "password": PASSWORD}).json()["token"]
        r = http.post("/api/credentials", json={"name": "shop", "allowedOrigins": [pops.ORIGIN]},
                      headers={"authorization": f"Bearer {token}"})  # fmt: skip
        r.raise_for_status()
        return Team(name, r.json()["secretKey"], r.json()["publicKey"])


# --- sending -------------------------------------------------------------------------------------


@dataclass
class Sent:
    events: int = 0
    refused: list[str] = field(default_factory=list)


def _event_id(team: Team, plan: pops.Plan, k: int) -> str:
    return hashlib.sha256(f"{team.name}|{plan.id}|{k}".encode()).hexdigest()[:32]


def send_plan(base: str, team: Team, plan: pops.Plan, client: Dregs, http: httpx.Client, sent: Sent) -> None:
    for k, ev in enumerate(plan.events):
        eid = _event_id(team, plan, k)
        if not ev.browser:
            try:
                result = client.track(ev.type, identity=plan.id, data=ev.data, identity_data=ev.identity_data,
                                      timestamp=ev.at, event_id=eid, source="shop-backend")  # fmt: skip
            except DregsAPIError as exc:
                sent.refused.append(f"POST /api/events (SDK track {ev.type!r}, identity {plan.id!r}): {exc}")
                continue
            if not result.accepted:
                sent.refused.append(f"{ev.type}: {result.raw}")
        else:
            body: dict = {
                "id": eid, "type": ev.type, "data": ev.data, "source": "dregs.js/1.0.0",
                "device": {"session": ev.session, "url": pops.ORIGIN + ev.path, "signals": ev.signals},
                "timestamp": ev.at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            }  # fmt: skip
            if not ev.anonymous:
                body["identity"] = {"id": plan.id, "data": ev.identity_data or {}}
            r = http.post(
                "/api/events", json=body,
                headers={"authorization": f"Bearer {team.public}", "origin": pops.ORIGIN, "x-forwarded-for": ev.ip or ""},
            )  # fmt: skip
            if r.status_code != 200 or r.json().get("id") is None:
                sent.refused.append(f"{r.status_code} {ev.type}: {r.text[:200]}")
        sent.events += 1


def send_all(base: str, team: Team, plans: list[pops.Plan], threads: int = 6) -> Sent:
    sent = Sent()

    def worker(chunk: list[pops.Plan]) -> None:
        with Dregs(team.secret, base_url=base + "/api") as client, httpx.Client(base_url=base, timeout=30) as http:
            for plan in chunk:
                send_plan(base, team, plan, client, http, sent)

    chunks = [plans[i::threads] for i in range(threads)]
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        for f in [pool.submit(worker, c) for c in chunks]:
            f.result()
    return sent


def wait_projections(base: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        health = httpx.get(base + "/health", timeout=5).json()
        if all(v.get("behind", 0) == 0 for v in health.get("projections", {}).values()):
            return
        time.sleep(0.5)


@dataclass
class Result:
    plan: pops.Plan
    scores: dict[str, int | None]
    observations: list[dict]
    badges: list[str]
    fresh: bool

    def score(self, category: str) -> int:
        value = self.scores.get(category)
        return MISSING if value is None else value


def analyze_and_collect(base: str, team: Team, plans: list[pops.Plan], timeout: float = 240) -> list[Result]:
    """Re-analyze every identity, wait until each has a cycle finished after the request, read it back."""
    with Dregs(team.secret, base_url=base + "/api", max_retries=4) as client:
        asked = datetime.now(UTC) - timedelta(seconds=1)
        for plan in plans:
            with contextlib.suppress(NotFoundError):
                client.identities.analyze(plan.id)
        results: dict[str, Result] = {}
        deadline = time.monotonic() + timeout
        waiting = list(plans)
        while waiting:
            still = []
            for plan in waiting:
                try:
                    analysis = client.identities.analysis(plan.id)
                except NotFoundError:
                    analysis = None
                fresh = bool(analysis and analysis.finished_at and analysis.finished_at >= asked)
                if fresh or time.monotonic() > deadline:
                    results[plan.id] = _result(client, plan, analysis, fresh)
                else:
                    still.append(plan)
            waiting = still
            if waiting:
                time.sleep(1.0)
    return [results[p.id] for p in plans]


def _result(client: Dregs, plan: pops.Plan, analysis, fresh: bool) -> Result:
    scores: dict[str, int | None] = dict.fromkeys(CATEGORIES)
    observations = []
    if analysis is not None:
        for s in analysis.scores:
            cat = s.category.value if s.category else None
            if cat:
                scores[cat] = s.value
            for o in s.observations:
                observations.append({
                    "category": cat, "id": o.id, "value": o.value, "confidence": o.confidence, "weight": o.weight,
                    "explanation": o.explanation,
                })  # fmt: skip
    badges = []
    with contextlib.suppress(NotFoundError):
        badges = [b.slug or "" for b in client.identities.get(plan.id).badges]
    return Result(plan, scores, observations, badges, fresh)


# --- figures -------------------------------------------------------------------------------------


def auc(good: list[float], bad: list[float]) -> float:
    """ROC AUC of telling good (label 1) from bad (label 0) by score, higher = good."""
    if not good or not bad:
        return float("nan")
    return float(roc_auc_score([1] * len(good) + [0] * len(bad), [*good, *bad]))


def lowering(r: Result, below: float = 0.5) -> list[dict]:
    """The observations that pull a score down: value under `below`, surest first."""
    obs = [o for o in r.observations if o["value"] is not None and o["value"] < below]
    return sorted(obs, key=lambda o: (o["value"], -(o["confidence"] or 0)))


def mechanism(plan: pops.Plan) -> str:
    """How an identity was made, without its group's number: 'burst 3 (headless)' → 'headless'."""
    kind = plan.kind
    if "(" in kind:
        kind = kind[kind.index("(") + 1 : kind.rindex(")")]
    kind = kind.split(":")[0]
    return "attacker from a home ISP abroad" if kind.startswith("attacker from home ISP") else kind


def figures(results: list[Result], twins: list[Result]) -> dict:
    by_pop: dict[str, list[Result]] = defaultdict(list)
    for r in results:
        by_pop[r.plan.population].append(r)
    legit = by_pop[LEGIT]
    out: dict = {"populations": {p: len(v) for p, v in by_pop.items()}, "auc": {}, "auc_by_population": {}}
    for cat in CATEGORIES:
        good = [r.score(cat) for r in legit]
        bad = [r.score(cat) for p in TARGETS[cat] for r in by_pop[p]]
        out["auc"][cat] = auc(good, bad)
        out["auc_by_population"][cat] = {
            p: auc(good, [r.score(cat) for r in v]) for p, v in by_pop.items() if p != LEGIT
        }
    out["means"] = {
        p: {cat: statistics.fmean(r.score(cat) for r in v) for cat in CATEGORIES} | {"n": len(v)}
        for p, v in by_pop.items()
    }
    out["unscored"] = {p: {cat: sum(r.scores[cat] is None for r in v) for cat in CATEGORIES} for p, v in by_pop.items()}
    out["not_fresh"] = sum(not r.fresh for r in results + twins)
    low = [r for r in legit if min(r.score(c) for c in CATEGORIES) <= LOW]
    out["legit_low_share"] = len(low) / len(legit) if legit else float("nan")
    out["legit_low_by_kind"] = {
        k: {"low": sum(r.plan.kind == k for r in low), "of": sum(r.plan.kind == k for r in legit)}
        for k in sorted({r.plan.kind for r in legit})
    }
    out["legit_low"] = [
        {"id": r.plan.id, "kind": r.plan.kind, "name": r.plan.name, "email": r.plan.email,
         "culture": r.plan.meta.get("culture"), "scores": r.scores,
         "lowering": [f"{o['id']} ({o['value']:.2f}): {o['explanation']}" for o in lowering(r)[:4]]}
        for r in sorted(low, key=lambda r: min(r.score(c) for c in CATEGORIES))
    ]  # fmt: skip
    # Observations lowering legit users' scores.
    counter: Counter[str] = Counter()
    example: dict[str, str] = {}
    values: dict[str, list[float]] = defaultdict(list)
    for r in legit:
        for o in lowering(r):
            counter[o["id"]] += 1
            values[o["id"]].append(o["value"])
            example.setdefault(o["id"], o["explanation"] or "")
    out["legit_lowering_observations"] = [
        {"id": k, "legit_users": n, "share": n / len(legit), "mean_value": statistics.fmean(values[k]),
         "example": example[k]}
        for k, n in counter.most_common()
    ]  # fmt: skip
    # Twins.
    main = {r.plan.id: r for r in legit}
    pairs, controls = [], []
    for t in twins:
        m = main.get(t.plan.id)
        if m is None:
            continue
        native = not is_ascii(" ".join(str(v) for v in m.plan.identity_fields.values()))
        (pairs if native else controls).append((m, t))

    def diff(pairs_: list) -> dict:
        lower = [(m, t) for m, t in pairs_ if any(m.score(c) < t.score(c) for c in CATEGORIES)]
        higher = [(m, t) for m, t in pairs_ if any(m.score(c) > t.score(c) for c in CATEGORIES)]
        return {
            "pairs": len(pairs_), "native_lower_any": len(lower), "native_higher_any": len(higher),
            "share_lower": len(lower) / len(pairs_) if pairs_ else float("nan"),
            "by_category_lower": {c: sum(m.score(c) < t.score(c) for m, t in pairs_) for c in CATEGORIES},
            "examples": [
                {"native": m.plan.name, "ascii": t.plan.name, "email": m.plan.email,
                 "native_scores": m.scores, "ascii_scores": t.scores,
                 "native_only_observations": sorted(
                     {f"{o['id']} ({o['value']:.2f}): {o['explanation']}" for o in m.observations}
                     - {f"{o['id']} ({o['value']:.2f}): {o['explanation']}" for o in t.observations})[:4]}
                for m, t in sorted(lower, key=lambda mt: min(mt[0].score(c) - mt[1].score(c) for c in CATEGORIES))
            ],
        }  # fmt: skip

    out["twins"] = diff(pairs)
    out["twin_control"] = diff(controls)
    # Extras: Authenticity of disposable sign-ups by which list carries the domain; account-takeover owners.
    disp: dict[str, list[int]] = defaultdict(list)
    for r in by_pop.get("fake_signup", []):
        if "disposable_source" in r.plan.meta:
            disp[r.plan.meta["disposable_source"]].append(r.score("AUTHENTICITY"))
    out["disposable_authenticity_by_list"] = {k: {"n": len(v), "mean": statistics.fmean(v)} for k, v in disp.items()}
    ato = by_pop.get("account_takeover", [])
    out["ato_owner_humanity_low_share"] = (
        sum(r.score("HUMANITY") <= LOW for r in ato) / len(ato) if ato else float("nan")
    )
    out["ato_badged"] = sum(any("takeover" in b for b in r.badges) for r in ato)
    kinds: dict[str, list[Result]] = defaultdict(list)
    for r in results:
        kinds[f"{r.plan.population}: {mechanism(r.plan)}"].append(r)
    out["means_by_kind"] = {
        k: {cat: statistics.fmean(r.score(cat) for r in v) for cat in CATEGORIES} | {"n": len(v)}
        for k, v in sorted(kinds.items())
    }
    culture: dict[str, list[Result]] = defaultdict(list)
    for r in legit:
        culture[r.plan.meta.get("culture", "?")].append(r)
    out["legit_by_culture"] = {
        k: {cat: statistics.fmean(r.score(cat) for r in v) for cat in CATEGORIES} | {"n": len(v)}
        for k, v in sorted(culture.items())
    }
    return out


def report(label: str, f: dict, sent: dict, seconds: float) -> list[str]:
    """Print the set's figures; return its failed goal lines."""
    failed = []
    print(f"\n{'=' * 100}\n{label}\n{'=' * 100}")
    print("identities: " + ", ".join(f"{p} {n}" for p, n in f["populations"].items())
          + f"; twins {f['twins']['pairs']} (+{f['twin_control']['pairs']} ASCII controls)")  # fmt: skip
    print(f"events sent: {sent['events']} (refused {len(sent['refused'])}); identities without a cycle after "
          f"the final re-analysis: {f['not_fresh']}; {seconds:.0f} s")  # fmt: skip
    for line in sent["refused"][:5]:
        print(f"  refused: {line}")
    print(f"\nROC AUC per category: {LEGIT} (good) vs the populations the category should catch; higher score = good;"
          f" no score counts as {MISSING}.")  # fmt: skip
    print(f"  {'category':<13} {'targets':<60} {'AUC':>6}  goal >= {GOAL_AUC}")
    for cat in CATEGORIES:
        value = f["auc"][cat]
        ok = value >= GOAL_AUC
        failed += [] if ok else [f"{cat} AUC {value:.3f} < {GOAL_AUC}"]
        print(f"  {cat:<13} {', '.join(TARGETS[cat]):<60} {value:>6.3f}  {'PASS' if ok else 'FAIL'}")
    pops_ = [p for p in f["populations"] if p != LEGIT]
    print("\nAUC of each category, legit vs each population (* = a target of that category):")
    print(f"  {'population':<22}" + "".join(f"{c:>14}" for c in CATEGORIES))
    for p in pops_:
        cells = "".join(f"{f['auc_by_population'][c][p]:>13.3f}{'*' if p in TARGETS[c] else ' '}" for c in CATEGORIES)
        print(f"  {p:<22}{cells}")
    print("\nMean score per population (unscored categories count as 50; [n unscored]):")
    print(f"  {'population':<22}{'n':>5}" + "".join(f"{c:>16}" for c in CATEGORIES))
    for p, m in f["means"].items():
        un = f["unscored"][p]
        cells = "".join(f"{m[c]:>10.1f} [{un[c]:>3}]" for c in CATEGORIES)
        print(f"  {p:<22}{m['n']:>5}{cells}")
    print("\n  by kind:")
    for k, m in f["means_by_kind"].items():
        print(f"  {k[:44]:<44}{m['n']:>5}" + "".join(f"{m[c]:>10.1f}" for c in CATEGORIES))
    share = f["legit_low_share"]
    ok = share < GOAL_LEGIT_LOW
    failed += [] if ok else [f"legit with a score <= {LOW}: {share:.1%} >= {GOAL_LEGIT_LOW:.0%}"]
    print(f"\nLegit users with any category <= {LOW}: {len(f['legit_low'])} of {f['populations'][LEGIT]} = {share:.1%}"
          f"  goal < {GOAL_LEGIT_LOW:.0%}: {'PASS' if ok else 'FAIL'}")  # fmt: skip
    print(
        "  by kind of legit user: " + ", ".join(f"{k} {v['low']}/{v['of']}" for k, v in f["legit_low_by_kind"].items())
    )
    for item in f["legit_low"][:12]:
        s = item["scores"]
        print(f"  - {item['name']} <{item['email']}> ({item['culture']}, {item['kind']}): "
              + " ".join(f"{c[:4]} {s[c] if s[c] is not None else '-'}" for c in CATEGORIES))  # fmt: skip
        for line in item["lowering"]:
            print(f"      {line[:180]}")
    tw, ctl = f["twins"], f["twin_control"]
    ok = tw["native_lower_any"] == 0
    failed += [] if ok else [f"accented/native lower than ASCII twin in {tw['share_lower']:.1%} of pairs"]
    print(f"\nAccented/native-script vs ASCII twin ({tw['pairs']} pairs): native lower in any category "
          f"{tw['native_lower_any']} ({tw['share_lower']:.1%}), higher {tw['native_higher_any']}; lower by category "
          f"{tw['by_category_lower']}  goal: never: {'PASS' if ok else 'FAIL'}")  # fmt: skip
    print(
        f"  control (ASCII names, identical in both teams, {ctl['pairs']} pairs): differ lower "
        f"{ctl['native_lower_any']}, higher {ctl['native_higher_any']} (what the surroundings alone move)"
    )
    for ex in tw["examples"][:8]:
        a, b = ex["native_scores"], ex["ascii_scores"]
        print(f"  - {ex['native']} vs {ex['ascii']} <{ex['email']}>: "
              + " ".join(f"{c[:4]} {a[c]}/{b[c]}" for c in CATEGORIES if a[c] != b[c]))  # fmt: skip
        for line in ex["native_only_observations"][:2]:
            print(f"      {line[:180]}")
    print("\nObservations that lower legit users' scores (value < 0.5), most frequent first:")
    for o in f["legit_lowering_observations"][:12]:
        print(f"  {o['id']:<42} {o['legit_users']:>4} users ({o['share']:>5.1%}), mean value {o['mean_value']:.2f}: "
              f"{o['example'][:110]}")  # fmt: skip
    print(
        "\nMean Authenticity of disposable-domain fake sign-ups by the list that carries the domain "
        "(dea = disposable-email-domains, the list Dregs seeds from):"
    )
    for k, v in sorted(f["disposable_authenticity_by_list"].items()):
        print(f"  {k:<12} n={v['n']:<4} mean {v['mean']:.1f}")
    print(
        f"Account-takeover owners with Humanity <= {LOW}: {f['ato_owner_humanity_low_share']:.1%} (should stay low); "
        f"with an account-takeover badge: {f['ato_badged']} of {f['populations'].get('account_takeover', 0)}"
    )
    print("\nLegit mean scores by culture:")
    for k, m in f["legit_by_culture"].items():
        print(f"  {k:<22}{m['n']:>4}" + "".join(f"{m[c]:>8.1f}" for c in CATEGORIES))
    return failed


def run_set(seed: int, held_out: bool, scale: float) -> tuple[dict, list[str]]:
    label = f"{'HELD-OUT' if held_out else 'DEV'} set (seed {seed})"
    started = time.monotonic()
    now = datetime.now(UTC)
    plans = pops.build(seed, held_out, now, scale)
    # The twin team: the same identities and events, every legit name in ASCII.
    twin_team_plans = [pops.twin_plan(p) if p.population == LEGIT else p for p in plans]
    twins = [p for p in twin_team_plans if p.population == LEGIT]
    print(f"{label}: built {len(plans)} identities + {len(twins)} twins, "
          f"{2 * sum(len(p.events) for p in plans)} events (both teams)", flush=True)  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="dregs-field-") as tmpdir, dregs_server(Path(tmpdir)) as base:
        team, twin_team = new_team(base, f"Field {seed}"), new_team(base, f"Field {seed} twins")
        sent = send_all(base, team, plans)
        sent_twins = send_all(base, twin_team, twin_team_plans)
        print(f"  sent in {time.monotonic() - started:.0f} s; waiting for the projections and scoring", flush=True)
        wait_projections(base)
        time.sleep(3)  # the coalescing window of the last events
        results = analyze_and_collect(base, team, plans)
        twin_results = analyze_and_collect(base, twin_team, twins)
    f = figures(results, twin_results)
    sent_all = {"events": sent.events + sent_twins.events, "refused": sent.refused + sent_twins.refused}
    failed = report(label, f, sent_all, time.monotonic() - started)
    f["identities"] = [
        {"id": r.plan.id, "population": r.plan.population, "kind": r.plan.kind, "name": r.plan.name,
         "email": r.plan.email, "scores": r.scores, "badges": r.badges, "fresh": r.fresh,
         "observations": r.observations}
        for r in results
    ]  # fmt: skip
    f["sent"] = sent_all
    f["failed_goals"] = failed
    return f, failed


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seed", type=int, default=DEV_SEED, help="the development set's seed (default 1)")
    p.add_argument("--held-out", action="store_true", help=f"run the held-out set (seed {HELD_OUT_SEED}) instead")
    p.add_argument("--both", action="store_true", help="run the dev set and the held-out set")
    p.add_argument("--scale", type=float, default=1.0, help="population sizes x this (default 1: ~660 + 220 twins)")
    p.add_argument("--json", type=Path, help="write every figure and each identity's scores here")
    args = p.parse_args(argv)
    if args.seed == HELD_OUT_SEED and not args.held_out:
        p.error(f"seed {HELD_OUT_SEED} is the held-out set: run it with --held-out")
    sets = [(args.seed, False), (HELD_OUT_SEED, True)] if args.both else [
        (HELD_OUT_SEED, True) if args.held_out else (args.seed, False)]  # fmt: skip
    out, summary = {}, []
    for seed, held_out in sets:
        f, failed = run_set(seed, held_out, args.scale)
        key = "held_out" if held_out else "dev"
        out[key] = f
        summary.append((key, seed, f, failed))
    print(f"\n{'=' * 100}\nSummary (goals: AUC >= {GOAL_AUC} in every category; legit with any score <= {LOW} under "
          f"{GOAL_LEGIT_LOW:.0%}; accented/native never lower than its ASCII twin)")  # fmt: skip
    for key, seed, f, failed in summary:
        aucs = " ".join(f"{c[:4]} {f['auc'][c]:.3f}" for c in CATEGORIES)
        print(
            f"  {key:<9} seed {seed}: {aucs}; legit<= {LOW} {f['legit_low_share']:.1%}; native lower "
            f"{f['twins']['share_lower']:.1%} -> {'all goals met' if not failed else f'{len(failed)} goals missed'}"
        )
    if args.json:
        args.json.write_text(json.dumps(out, indent=1, ensure_ascii=False, default=str))
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
