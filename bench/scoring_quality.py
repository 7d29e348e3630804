"""Scoring-quality benchmark: how well do Dregs' four scores separate good identities from bad ones,
and does an analysis cycle cost the same whatever the identity's history?

1. Quality. A labelled synthetic population (bench/traffic.py: legitimate users and six kinds of
   fraud, default 300 identities each) goes through the REAL pipeline in-process: an embedded
   container (SQLite event stores and read models in a temporary folder), every event built by
   build_tracked_event (an event with a device as a browser event: the device report dregs.js would
   send, bench/browsers.py, made into a device record as the server makes it) and committed by the
   ingestion writer in time order, the tracking
   projection, the scoring engine (its clock pushed past the coalescing window) and the scoring
   projection. Then, per category, the ROC AUC of the score (higher = good) between the legitimate
   users and the bad populations that category is meant to catch (TARGETS below); an identity with
   no score in a category counts as 50. Goal (product owner): AUC >= 0.95 in every category. For a
   category under the goal, the pairs it ranks wrongly are attributed to the identities involved,
   grouped by population, how the generator made them and which analyzers fired.

2. Cycle cost. Identities with 100, 1,000, 10,000 and 100,000 events (a long-lived customer's
   sessions; stored straight through TrackingApplication.record_new in batches, then projected),
   in the same team as the population above; the median of --runs timed `engine.analyze` calls
   per size, after --warmup, interleaved across sizes. Goal: flat (100,000 vs 100 near 1).

    /work/main/.venv/bin/python bench/scoring_quality.py                # ~1.5 minutes on 2 cores
    /work/main/.venv/bin/python bench/scoring_quality.py --per-class 50 --seed 7 --no-cost
    /work/main/.venv/bin/python bench/scoring_quality.py --explain 20   # more misranked groups

Needs the `bench` extra (faker, scikit-learn): `/work/main/.venv/bin/pip install -e '.[bench]'`.
"""

from __future__ import annotations

import argparse
import bisect
import importlib.metadata
import secrets
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

if __package__ in (None, ""):  # run as `python bench/scoring_quality.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sklearn.metrics import roc_auc_score  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from adapters.bootstrap import Container, build_container  # noqa: E402
from adapters.scoring.datasets import global_datasets  # noqa: E402
from adapters.settings import Settings  # noqa: E402
from adapters.tracking.user_agents import describe_agent  # noqa: E402
from application.tracking.device_report import read_report, record_of  # noqa: E402
from bench.traffic import (  # noqa: E402
    ALIAS_MULTI,
    ATO_VICTIM,
    BOT,
    FAKE_SIGNUP,
    LEGIT,
    POPULATIONS,
    PROMO_ABUSER,
    REGISTRATION_BOMB,
    Event,
    Identity,
    TrafficGenerator,
    generate,
)
from domain.devices.context import AgentFacts, NetworkFacts  # noqa: E402
from domain.scoring.analyzers import RULES_VERSION  # noqa: E402
from domain.scoring.categories import ORDER, Category  # noqa: E402
from domain.scoring.fraud_decision import evaluate  # noqa: E402
from domain.tracking.event_request import EventInput, build_tracked_event  # noqa: E402
from domain.tracking.tracked_event import TrackedEvent  # noqa: E402
from projections.schema import identity_keys  # noqa: E402
from projections.scoring.queries.analyses import latest_analysis  # noqa: E402

GOAL_AUC = 0.95
MISSING = 50  # what an identity without a score in a category counts as
LOW = 30  # a score at or under which a rule would act against a person
COALESCE_SECONDS = 60.0
# The bad populations each category is meant to catch (the others are shown, not judged).
TARGETS: dict[Category, tuple[str, ...]] = {
    Category.HUMANITY: (BOT,),
    Category.AUTHENTICITY: (FAKE_SIGNUP,),
    Category.UNIQUENESS: (ALIAS_MULTI, REGISTRATION_BOMB),
    Category.BEHAVIOR: (ATO_VICTIM, PROMO_ABUSER, REGISTRATION_BOMB),
}
COST_SIZES = (100, 1_000, 10_000, 100_000)
PASSWORD = "correct horse battery staple"


@dataclass
class Scored:
    identity: Identity
    scores: dict[Category, int | None]
    observations: list[dict[str, Any]]
    cycle_id: int | None  # its latest analysis cycle; None when it was never scored

    def score(self, category: Category) -> int:
        found = self.scores.get(category)
        return MISSING if found is None else found


@dataclass
class QualityRun:
    identities: list[Identity]
    scored: dict[str, Scored]
    events: int
    timings: dict[str, float] = field(default_factory=dict)

    def unscored(self) -> list[Identity]:
        return [i for i in self.identities if self.scored[i.id].cycle_id is None]


# --- the pipeline ----------------------------------------------------------------------


def settings_in(data_dir: Path) -> Settings:
    return Settings(
        database_url=None,
        redis_url=None,
        data_dir=data_dir,
        host="127.0.0.1",
        port=0,
        jwt_secret=secrets.token_urlsafe(48),
        key_hash_secret=secrets.token_urlsafe(48),
        scoring_coalesce_seconds=COALESCE_SECONDS,
    )


def open_team(data_dir: Path) -> tuple[Container, UUID]:
    container = build_container(settings_in(data_dir))
    container.start(run_projections=False)
    _, team = container.accounts.sign_up(f"bench-{secrets.token_hex(4)}@example.com", PASSWORD, "Ada", "Bench")
    # Every cycle the queue holds is due: the engine's clock runs past the coalescing window.
    container.engine.clock = lambda: datetime.now(UTC) + timedelta(seconds=COALESCE_SECONDS + 1)
    return container, team.id


_REPORTS: dict[tuple[int, Any, Any, bool], dict[str, Any]] = {}  # one device's report, per session and IP


class _TrafficFacts:
    """The agent parsed as the server parses it; the network as the traffic made it (its IPs are drawn at
    random, so an IP database knows nothing of them)."""

    def __init__(self, hosting: bool) -> None:
        self.hosting = hosting

    def agent(self, user_agent: str, client_hints: dict[str, Any] | None) -> AgentFacts:
        return describe_agent(user_agent, client_hints)

    def network(self, _: str | None) -> NetworkFacts:
        return NetworkFacts(asn_label="BENCH-CLOUD" if self.hosting else None, hosting=self.hosting)

    def warm_up(self) -> None:
        pass


def device_report(event: Event) -> dict[str, Any] | None:
    """The device record the server would make of the event's tracker report (application/tracking/ingestion.py)."""
    if event.browser is None:
        return None
    key = (id(event.browser), event.data.get("session_id"), event.data.get("ip"), event.hosting)
    if key not in _REPORTS:
        report = read_report({"session": event.data.get("session_id"), "url": "https://shop.example/page",
                              "signals": event.browser})  # fmt: skip
        assert report is not None, event.browser
        _REPORTS[key] = record_of(report, event.data.get("ip"), _TrafficFacts(event.hosting))
    return _REPORTS[key]


def tracked(
    team: UUID, identity: str, number: int, event: Event, now: datetime, session_field: str = "session_id"
) -> TrackedEvent:
    device = device_report(event)
    data = event.data
    if device is not None:  # a browser event: its context is in the device record, not the data
        data = {k: v for k, v in data.items() if k not in ("ip", "session_id", "fingerprint")}
    elif session_field != "session_id" and "session_id" in data:
        data = {(session_field if k == "session_id" else k): v for k, v in data.items()}
    return build_tracked_event(
        team,
        EventInput(
            type=event.type,
            id=f"{identity}-{number}",
            identity_id=identity,
            data=data,
            identity_data=event.identity_data,
            timestamp=event.at,
        ),
        now=now,
        credential_id=None,
        identity_required=True,
        device=device,
    )


def ingest(
    container: Container,
    team: UUID,
    identities: Iterable[Identity],
    *,
    session_field: str = "session_id",
    chunk: int = 5_000,
) -> int:
    """Every event through the ingestion writer, in time order (as apps send them), `chunk` in flight."""
    assert container.writer is not None
    flat = sorted(
        ((e.at, i.id, n, e) for i in identities for n, e in enumerate(i.events)),
        key=lambda item: item[:3],
    )
    now = datetime.now(UTC)
    for start in range(0, len(flat), chunk):
        futures = [
            container.writer.submit(tracked(team, identity, n, e, now, session_field))
            for _, identity, n, e in flat[start : start + chunk]
        ]
        for future in futures:
            future.result(120)
    return len(flat)


def score_everything(container: Container) -> int:
    container.tracking_runner.catch_up()
    cycles = container.engine.drain()
    container.scoring_runner.catch_up()
    return cycles


def collect(container: Container, team: UUID, identities: Iterable[Identity]) -> dict[str, Scored]:
    found = {}
    with container.views.connect() as conn:
        for identity in identities:
            row = latest_analysis(conn, team, identity.id)
            scores: dict[Category, int | None] = {c: None for c in ORDER}
            observations: list[dict[str, Any]] = []
            if row is not None:
                scores = {c: row[f"{c.value.lower()}_score"] for c in ORDER}
                observations = list(row["observations"])
            found[identity.id] = Scored(identity, scores, observations, None if row is None else row["cycle_id"])
    return found


def run_quality(
    container: Container, team: UUID, identities: list[Identity], *, session_field: str = "session_id"
) -> QualityRun:
    """Ingest, project and score the population; read every identity's latest analysis."""
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    events = ingest(container, team, identities, session_field=session_field)
    timings["ingest"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    container.tracking_runner.catch_up()
    timings["project"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    cycles = score_everything(container)
    timings["score"] = time.perf_counter() - t0
    timings["cycles"] = cycles
    return QualityRun(identities, collect(container, team, identities), events, timings)


# --- quality figures -------------------------------------------------------------------


def auc(good: Sequence[float], bad: Sequence[float]) -> float:
    """ROC AUC of telling good (label 1) from bad (label 0) by score, higher = good."""
    if not good or not bad:
        return float("nan")
    return float(roc_auc_score([1] * len(good) + [0] * len(bad), [*good, *bad]))


def category_auc(run: QualityRun, category: Category, bad_populations: Iterable[str]) -> float:
    wanted = set(bad_populations)
    scored = run.scored.values()
    good = [s.score(category) for s in scored if s.identity.population == LEGIT]
    bad = [s.score(category) for s in scored if s.identity.population in wanted]
    return auc(good, bad)


def _short(observation_id: str) -> str:
    return observation_id.split(".", 1)[1]


def signature(scored: Scored, category: Category) -> str:
    """Which analyzers fired in the category: ↓ a suspicious finding (value < 0.5), ↑ a clean one."""
    found = sorted(
        f"{_short(o['id'])}{'↓' if o['value'] < 0.5 else '↑'}"
        for o in scored.observations
        if o["category"] == category.value
    )
    return " ".join(found) if found else "(no score: counts as 50)"


def misranking(run: QualityRun, category: Category) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The AUC lost (1 - AUC), attributed to the identities in misranked pairs (a tie counts half).
    Every pair is counted on both sides, so each list's shares sum to the loss."""
    targets = set(TARGETS[category])
    good = [s for s in run.scored.values() if s.identity.population == LEGIT]
    bad = [s for s in run.scored.values() if s.identity.population in targets]
    pairs = len(good) * len(bad)
    good_scores = sorted(s.score(category) for s in good)
    bad_scores = sorted(s.score(category) for s in bad)

    def lost_against(score: int, others: list[int], *, above: bool) -> float:
        lo, hi = bisect.bisect_left(others, score), bisect.bisect_right(others, score)
        ties = hi - lo
        return ((len(others) - hi) if above else lo) + 0.5 * ties

    def groups(side: list[Scored], others: list[int], *, above: bool) -> list[tuple[Any, ...]]:
        by: dict[tuple[str, str], list[tuple[float, Scored]]] = defaultdict(list)
        for s in side:
            lost = lost_against(s.score(category), others, above=above)
            if lost > 0:
                by[(s.identity.population, signature(s, category))].append((lost / pairs, s))
        rows = []
        for (population, sig), items in by.items():
            share = sum(x for x, _ in items)
            worst = max(items, key=lambda item: item[0])[1]
            mean = statistics.fmean(s.score(category) for _, s in items)
            made = Counter(s.identity.variant.split("/")[0] for _, s in items)
            rows.append((share, population, sig, len(items), mean, made, worst))
        return sorted(rows, key=lambda row: -row[0])

    # A bad identity loses against the good ones scoring lower (it is ranked above them) ...
    return groups(bad, good_scores, above=False), groups(good, bad_scores, above=True)


def _example(s: Scored) -> str:
    who = ", ".join(x for x in (s.identity.email, s.identity.name) if x) or "no identity data"
    return f"{s.identity.id} ({who}; {len(s.identity.events)} events)"


def report_quality(run: QualityRun, *, explain: int) -> dict[Category, float]:
    pops = Counter(i.population for i in run.identities)
    events = Counter()
    for i in run.identities:
        events[i.population] += len(i.events)
    print("Populations (label, identities, events, how they were made):")
    for population in POPULATIONS:
        variants = Counter(i.variant.split("/")[0] for i in run.identities if i.population == population)
        made = ", ".join(f"{v} {n}" for v, n in variants.most_common())
        label = "good" if population == LEGIT else "bad"
        print(f"  {population:<18} {label:<4} {pops[population]:>5} {events[population]:>8,}   {made}")
    t = run.timings
    missing = run.unscored()
    print(
        f"\n{run.events:,} events ingested in {t['ingest']:.1f} s, projected in {t['project']:.1f} s; "
        f"{int(t['cycles']):,} cycles in {t['score']:.1f} s. Identities scored: {len(run.identities) - len(missing)}"
        f"/{len(run.identities)}" + (f" (NOT scored: {', '.join(i.id for i in missing[:5])})" if missing else "")
    )

    print(
        f"\nROC AUC per category: {LEGIT} (good) vs the populations the category is meant to catch; higher score = "
        f"good.\nAn identity with no score in a category counts as {MISSING}. Goal: AUC >= {GOAL_AUC}."
    )
    print(f"  {'category':<13} {'targets':<46} {'AUC':>6}  result")
    results = {}
    for category in ORDER:
        value = category_auc(run, category, TARGETS[category])
        results[category] = value
        verdict = "PASS" if value >= GOAL_AUC else "FAIL"
        print(f"  {category.value:<13} {', '.join(TARGETS[category]):<46} {value:>6.3f}  {verdict}")

    print(f"\nAUC of each category, {LEGIT} vs each bad population (* = a target of that category):")
    print(f"  {'population':<18}" + "".join(f"{c.value:>14}" for c in ORDER))
    for population in POPULATIONS[1:]:
        cells = []
        for category in ORDER:
            mark = "*" if population in TARGETS[category] else " "
            cells.append(f"{category_auc(run, category, [population]):>13.3f}{mark}")
        print(f"  {population:<18}" + "".join(cells))

    print(f"\nMean score per population (no score counted as {MISSING}) [identities with a score / all]:")
    print(f"  {'population':<18}{'n':>5}" + "".join(f"{c.value:>18}" for c in ORDER))
    for population in POPULATIONS:
        members = [s for s in run.scored.values() if s.identity.population == population]
        cells = []
        for category in ORDER:
            mean = statistics.fmean(s.score(category) for s in members)
            have = sum(s.scores[category] is not None for s in members)
            cells.append(f"{mean:>7.1f} [{have:>3}/{len(members):<3}]")
        print(f"  {population:<18}{len(members):>5}" + "".join(f"{c:>18}" for c in cells))

    # The people each score is for: how many legitimate users would a rule at 30 stop, and does an attacker's
    # visit drag down the Humanity of the person whose account it was.
    legit = [s for s in run.scored.values() if s.identity.population == LEGIT]
    low = [s for s in legit if any(s.scores[c] is not None and s.score(c) <= LOW for c in ORDER)]
    by_variant = Counter(s.identity.variant.split("/")[0] for s in low)
    print(
        f"\n{LEGIT} with any score <= {LOW}: {len(low)} of {len(legit)} = {len(low) / max(1, len(legit)):.1%}"
        + (f" ({', '.join(f'{v} {n}' for v, n in by_variant.most_common())})" if low else "")
    )
    for s in sorted(low, key=lambda s: min(s.score(c) for c in ORDER))[:explain]:
        lowest = min(ORDER, key=s.score)
        print(f"  - {_example(s)} [{s.identity.variant}]: {lowest.value} {s.score(lowest)}")
        for o in s.observations:
            if o["category"] == lowest.value and o["value"] < 0.5:
                print(f"      {o['id']} ({o['value']:.2f}): {o['explanation']}")
    victims = [s for s in run.scored.values() if s.identity.population == ATO_VICTIM]
    dragged = sum(s.scores[Category.HUMANITY] is not None and s.score(Category.HUMANITY) <= LOW for s in victims)
    print(f"{ATO_VICTIM} with Humanity <= {LOW}: {dragged} of {len(victims)} (the owner is a person)")

    failing = [c for c in ORDER if not results[c] >= GOAL_AUC]
    for category in failing:
        bad_side, good_side = misranking(run, category)
        loss = 1 - results[category]
        print(
            f"\n{category.value}: AUC {results[category]:.3f}, {loss:.3f} lost. Where (share of the AUC lost; each "
            "misranked pair counts on both sides; ↓/↑ = the analyzer's finding was suspicious/clean):"
        )
        for title, rows in (("bad identities ranked with or above legit ones", bad_side),
                            ("legit identities ranked with or below bad ones", good_side)):  # fmt: skip
            print(f"  {title}:")
            print(f"    {'lost':>6}  {'population':<18} {'n':>4} {'mean':>5}  analyzers that fired")
            for share, population, sig, n, mean, made, worst in rows[:explain]:
                print(f"    {share:>6.3f}  {population:<18} {n:>4} {mean:>5.1f}  {sig}")
                print(f"    {'':>6}  made as: {', '.join(f'{v} {k}' for v, k in made.most_common())}")
                print(f"    {'':>6}  e.g. {_example(worst)}")
            if len(rows) > explain:
                rest = sum(r[0] for r in rows[explain:])
                print(f"    {rest:>6.3f}  ({len(rows) - explain} more groups)")
    return results


# --- cycle cost ------------------------------------------------------------------------


def store_history(
    container: Container,
    team: UUID,
    identity: str,
    events: Iterable[Event],
    *,
    session_field: str = "session_id",
    batch: int = 5_000,
) -> int:
    """Save tracked events straight into the event store in batches (no ingestion writer), as
    application/tracking/group_commit.py does: the aggregates' collected events, recorded as new."""
    now = datetime.now(UTC)
    pending: list[Any] = []
    count = 0
    for event in events:
        pending.extend(tracked(team, identity, count, event, now, session_field).collect_events())
        count += 1
        if len(pending) >= batch:
            container.tracking.record_new(pending)
            pending = []
    if pending:
        container.tracking.record_new(pending)
    return count


@dataclass
class Cost:
    events: int
    keys: int
    cycle_ms: list[float] = field(default_factory=list)
    load_ms: list[float] = field(default_factory=list)
    evaluate_ms: list[float] = field(default_factory=list)


def _ms(seconds: float) -> float:
    return seconds * 1_000


def measure_cycle_cost(
    container: Container,
    team: UUID,
    *,
    sizes: Sequence[int],
    runs: int,
    warmup: int,
    seed: int,
    session_field: str = "session_id",
) -> list[Cost]:
    generator = TrafficGenerator(seed + 1)
    t0 = time.perf_counter()
    for size in sizes:
        store_history(container, team, f"history-{size}", generator.long_history(size), session_field=session_field)
    stored = time.perf_counter() - t0
    t0 = time.perf_counter()
    container.tracking_runner.catch_up()
    projected = time.perf_counter() - t0
    print(
        f"  stored {sum(sizes):,} events in {stored:.1f} s (record_new, batches of 5,000), projected in {projected:.1f} s"
    )
    engine = container.engine
    costs = []
    with container.views.connect() as conn:
        for size in sizes:
            keys = conn.execute(
                select(func.count())
                .select_from(identity_keys)
                .where(identity_keys.c.customer_id == team, identity_keys.c.identity_id == f"history-{size}")
            ).scalar_one()
            costs.append(Cost(size, keys))
    for _ in range(warmup):
        for size in sizes:
            engine.analyze(team, f"history-{size}")
    datasets = global_datasets()
    for _ in range(runs):
        for cost in costs:  # interleaved: drift on a busy machine hits every size alike
            identity = f"history-{cost.events}"
            t0 = time.perf_counter()
            decision = engine.analyze(team, identity)
            cost.cycle_ms.append(_ms(time.perf_counter() - t0))
            assert decision is not None and decision.event_count == cost.events, (identity, decision)
            t0 = time.perf_counter()
            inputs = engine.queue.load(team, identity)
            cost.load_ms.append(_ms(time.perf_counter() - t0))
            assert inputs is not None
            t0 = time.perf_counter()
            evaluate(inputs.profile, datasets)
            cost.evaluate_ms.append(_ms(time.perf_counter() - t0))
    return costs


def report_cost(costs: list[Cost], *, runs: int, warmup: int) -> float:
    print(
        f"\n  {'events':>9} {'graph keys':>11} {'ms/cycle':>9} {'p10-p90':>13} {'load inputs':>12} {'evaluate':>9}"
        f"   (medians of {runs} after {warmup} warm-up runs; a cycle = engine.analyze: load, evaluate, record, settle)"
    )
    for c in costs:
        deciles = statistics.quantiles(c.cycle_ms, n=10) if len(c.cycle_ms) > 1 else [c.cycle_ms[0]] * 9
        print(
            f"  {c.events:>9,} {c.keys:>11,} {statistics.median(c.cycle_ms):>9.2f} "
            f"{deciles[0]:>6.2f}-{deciles[-1]:<6.2f} {statistics.median(c.load_ms):>12.2f} "
            f"{statistics.median(c.evaluate_ms):>9.3f}"
        )
    ratio = statistics.median(costs[-1].cycle_ms) / statistics.median(costs[0].cycle_ms)
    print(f"  ratio {costs[-1].events:,} vs {costs[0].events:,} events: {ratio:.2f}  (goal: flat, near 1)")
    return ratio


# --- main ------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-class", type=int, default=300, help="identities per population (default 300)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--explain", type=int, default=8, help="misranked groups shown per side (default 8)")
    parser.add_argument("--no-cost", action="store_true", help="skip the cycle-cost measurement")
    parser.add_argument("--cost-sizes", default=",".join(map(str, COST_SIZES)), help="history lengths, comma-separated")
    parser.add_argument("--runs", type=int, default=20, help="timed cycles per history length (default 20)")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument(
        "--session-field",
        default="session_id",
        help="the event-data key the session id is sent under (default session_id; Dregs also reads `session`)",
    )
    args = parser.parse_args(argv)

    print(
        f"Dregs scoring quality: seed {args.seed}, {args.per_class} identities per population; rules {RULES_VERSION}; "
        f"{global_datasets().version}; faker=={importlib.metadata.version('faker')}; embedded SQLite, in-process; "
        f"events with a device carry dregs.js's device report, the others' sessions are sent as "
        f"data.{args.session_field}"
    )
    t0 = time.perf_counter()
    identities = generate(args.per_class, args.seed)
    print(f"generated in {time.perf_counter() - t0:.1f} s\n")
    with tempfile.TemporaryDirectory(prefix="dregs-bench-scoring-") as tmp:
        container, team = open_team(Path(tmp))
        try:
            run = run_quality(container, team, identities, session_field=args.session_field)
            results = report_quality(run, explain=args.explain)
            if not args.no_cost:
                sizes = [int(s) for s in args.cost_sizes.split(",") if s]
                print("\nCycle cost vs history length (same team and graph as above):")
                costs = measure_cycle_cost(
                    container,
                    team,
                    sizes=sizes,
                    runs=args.runs,
                    warmup=args.warmup,
                    seed=args.seed,
                    session_field=args.session_field,
                )
                report_cost(costs, runs=args.runs, warmup=args.warmup)
        finally:
            container.close()
    passed = sum(v >= GOAL_AUC for v in results.values())
    print(f"\nQuality: {passed}/{len(results)} categories at AUC >= {GOAL_AUC}.")
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
