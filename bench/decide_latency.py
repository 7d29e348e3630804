"""Latency of a decision inside the request: POST /api/events?decide=true, alone and at half load.

The production layout of the Procfile (bench/layout.py) on a fresh PostgreSQL database: the web app without runners
under uvicorn (--workers, default 2 as in the Procfile; bench/ingest.py's "dregs" variant, which is
`dregs serve --no-runners` with uvicorn's TCP_NODELAY fix), `dregs run projections`, `dregs run scoring`
(which also applies the rules), with Redis under a key prefix of its own. The team gets two badge rules, so
every decision has rules to apply.

  1. capacity   closed-loop plain POST /api/events (bench/loadgen.py, like bench/ingest.py), short:
                the events/s this layout accepts on this machine, background processes included
  2. alone      a steady open-loop stream of ?decide=true requests (--decide-rate per second), each on a
                new identity or on one an earlier decision created (--new-share), nothing else
  3. half load  the same stream, while bench/loadgen.py --rate sends plain events open loop at half the
                measured capacity over --identities identities; --traffic population (default): each
                keeps one address of its own, as an app's users logging in; --traffic ring: each event a
                new address on one shared mailbox stem, linking every identity to all the others

Latency counts from each request's scheduled send time (open loop: a slow server is not hidden by a
waiting client). "with scores" is the share of decisions answered with scores, i.e. within
DREGS_DECIDE_TIMEOUT_MS (--decide-timeout-ms). The goal of issue 12 is p99 <= 250 ms at half load:
printed as PASS/FAIL, but the exit status is 1 only if something is broken (an acknowledged event
missing from the event store or the read model, or a request that failed).

--profile-dir DIR records py-spy (wall clock: --idle, so waits show) of the web workers during
both phases and prints where the decisions' time goes (the child calls of DecideNow.decide).

Example (~1.5 minutes):
    .venv/bin/python bench/decide_latency.py
    .venv/bin/python bench/decide_latency.py --profile-dir /tmp/decide-prof
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
import ingest
from layout import (
    Layout,
    background_load,
    layout_parser,
    loaded_rate,
    measure_capacity,
    parse_layout_args,
    pct,
    pending_cycles,
    running_layout,
    settle,
)

GOAL_P99_MS = 250.0
# Names repeat now and then, as people's do (a name every identity shared would be a crowded key).
FIRST = (
    "Ann Ben Cara Dan Eva Finn Gia Hugo Ines Jon Kai Lena Max Nora Omar Pia Raul Sara Tom Uma Vic Wen Yara Zoe".split()
)
LAST = (
    "Lee Kim Diaz Novak Rossi Silva Weber Ito Khan Moreau Nagy Olsen Park Quinn Roth Sato Tan Vega Wolf Young".split()
)
BADGE_RULES = [
    # (slug, name, type, priority, conditions)
    ("scored", "Scored", "NEUTRAL", 1, [{"condition": "SCORE_GTE", "category": "ANY", "threshold": 0}]),
    ("doubtful", "Doubtful", "BAD", 2, [{"condition": "SCORE_LT", "category": "AUTHENTICITY", "threshold": 40}]),
]


# --- the team's rules -----------------------------------------------------------------------


def add_badge_rules(layout: Layout, secret_key: str) -> None:
    """The team's badge rules, saved through the Alerting application (the routes come with another branch)."""
    from adapters.bootstrap import build_container  # noqa: PLC0415
    from adapters.settings import load_settings  # noqa: PLC0415
    from domain.alerting.rules import BadgeRule  # noqa: PLC0415

    settings = dict(layout.env, DATABASE_URL=layout.db_url, DREGS_DATA_DIR=str(layout.tmp / "dregs-data"))
    container = build_container(load_settings(settings))
    try:
        customer = container.accounts.credential_for_secret_key(secret_key).customer_id
        for slug, name, kind, priority, conditions in BADGE_RULES:
            container.alerting.create_named(
                customer,
                "badge-rule",
                slug,
                lambda n, slug=slug, name=name, kind=kind, priority=priority, conditions=conditions: BadgeRule(
                    customer_id=customer, number=n, slug=slug, name=name, type=kind, priority=priority,
                    conditions=conditions, apply_delay_seconds=0, remove_delay_seconds=0, enabled=True,
                    at=datetime.now(UTC),
                ),
            )  # fmt: skip
    finally:
        container.close()


# --- the decision stream --------------------------------------------------------------------


@dataclass
class Decisions:
    latencies_ms: dict[str, list[float]] = field(default_factory=lambda: {"new": [], "existing": []})
    with_scores: Counter = field(default_factory=Counter)
    statuses: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    acked: set[str] = field(default_factory=set)

    @property
    def all_ms(self) -> list[float]:
        return self.latencies_ms["new"] + self.latencies_ms["existing"]


async def decide_stream(
    base: str, key: str, prefix: str, rate: float, new_share: float, start: float, measure_from: float, end: float,
    known: list[str], seed: int,
) -> Decisions:  # fmt: skip
    """Open loop: one ?decide=true request every 1/rate s from `start` to `end`; counted from `measure_from`."""
    out = Decisions()
    rng = random.Random(seed)
    limits = httpx.Limits(max_connections=128, max_keepalive_connections=128)
    headers = {"Authorization": f"Bearer {key}"}

    async def one(http: httpx.AsyncClient, n: int, scheduled: float) -> None:
        new = not known or rng.random() < new_share
        identity = f"{prefix}-id{n}" if new else rng.choice(known)
        person = int(identity.rsplit("id", 1)[1])
        first, last = FIRST[person % len(FIRST)], LAST[person // len(FIRST) % len(LAST)]
        body = {
            "id": f"{prefix}-{n}",
            "type": "signup" if new else "login",
            "identity": {
                "id": identity,
                "data": {"email": f"{first}.{last}{person}@example.org".lower(), "name": f"{first} {last}"},
            },
            "source": "bench",
        }
        try:
            r = await http.post("/api/events", params={"decide": "true"}, json=body)
        except httpx.HTTPError as exc:
            out.errors[type(exc).__name__] += 1
            return
        done = time.monotonic()
        answer = r.json() if r.status_code == 200 else {}
        if answer.get("id") == body["id"]:
            out.acked.add(body["id"])
            if new:
                known.append(identity)
        if done < measure_from or scheduled < measure_from:
            return
        kind = "new" if new else "existing"
        out.statuses[r.status_code] += 1
        out.latencies_ms[kind].append((done - scheduled) * 1000)
        out.with_scores[kind] += answer.get("scores") is not None

    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30, limits=limits) as http:
        tasks: set[asyncio.Task] = set()
        scheduled, n = start, 0
        while scheduled < end:
            delay = scheduled - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            task = asyncio.create_task(one(http, n, scheduled))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
            n += 1
            scheduled += 1 / rate
        if tasks:
            await asyncio.wait(set(tasks))
    return out


def describe(label: str, d: Decisions) -> str:
    lines = []
    for kind, values in [("all", d.all_ms), ("new", d.latencies_ms["new"]), ("existing", d.latencies_ms["existing"])]:
        scored = sum(d.with_scores.values()) if kind == "all" else d.with_scores[kind]
        share = f"{scored / len(values):6.1%}" if values else "     -"
        lines.append(
            f"  {label:<10} {kind:<9}{len(values):>6}{pct(values, 0.5):>9.1f}{pct(values, 0.9):>9.1f}"
            f"{pct(values, 0.99):>9.1f}{max(values, default=float('nan')):>9.1f}   {share}"
        )
    extra = []
    if set(d.statuses) - {200}:
        extra.append(f"statuses {dict(d.statuses)}")
    if d.errors:
        extra.append(f"errors {dict(d.errors)}")
    return "\n".join(lines) + (f"\n  {label}: " + "; ".join(extra) if extra else "")


# --- profile --------------------------------------------------------------------------------


def start_profiler(pid: int, path: Path, seconds: float) -> subprocess.Popen:
    spy = shutil.which("py-spy") or str(Path(ingest.PYTHON).with_name("py-spy"))
    if not Path(spy).exists():
        sys.exit("--profile-dir needs py-spy: .venv/bin/pip install -e '.[bench]'")
    cmd = [
        spy, "record", "--pid", str(pid), "--subprocesses", "--idle", "--threads", "--nonblocking",
        "--rate", "100", "--duration", str(max(1, int(seconds))), "--format", "raw", "-o", str(path),
    ]  # fmt: skip
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _frame(f: str) -> str:
    """'analyze (application/scoring/engine.py:80)' -> 'analyze (scoring/engine.py)'."""
    name, _, where = f.partition(" (")
    where = where.rstrip(")").rsplit(":", 1)[0]
    return f"{name} ({'/'.join(where.split('/')[-2:])})"


def summarize_profile(path: Path, label: str, depth: int = 3) -> None:
    """Samples inside DecideNow.decide (wall clock), by the calls it makes, `depth` levels down."""
    below: list[Counter] = [Counter() for _ in range(depth)]
    total = 0
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        at = next(
            (i for i, f in enumerate(frames) if f.split(" (")[0].endswith("decide") and "decide_now.py" in f), None
        )
        if at is None:
            continue
        n = int(count)
        total += n
        path_so_far: list[str] = []
        for level in range(depth):
            i = at + 1 + level
            path_so_far.append(_frame(frames[i]) if i < len(frames) else "(itself)")
            below[level][" > ".join(path_so_far)] += n
            if i >= len(frames):
                break
    print(
        f"\n{label}: where DecideNow.decide spends its wall-clock time ({total} samples, py-spy --idle, web workers):"
    )
    if not total:
        print("  no samples inside decide: was the profile empty?")
        return
    for level in range(depth):
        for key, n in below[level].most_common(12 if level else 8):
            if n / total >= 0.02:
                print(f"  {n / total:6.1%}  {key}")
        print()


# --- main -----------------------------------------------------------------------------------


def cpu_now(server: ingest.Server, loadgen_pid: int | None) -> dict[str, float]:
    """CPU seconds so far of each part of the layout (bench/ingest.py's /proc accounting)."""
    parts = {"web": ingest.tree_cpu_s(server.proc.pid)}
    for name, proc in zip(("projections", "scoring"), server.extra, strict=False):
        parts[name] = ingest.tree_cpu_s(proc.pid)
    parts["postgres"] = ingest.postgres_cpu_s()
    parts["clients"] = time.process_time() + (ingest.tree_cpu_s(loadgen_pid) if loadgen_pid else 0.0)
    parts["machine"] = ingest.system_busy_s()
    return parts


def cpu_over(server: ingest.Server, loadgen_pid: int | None, start: float, end: float, into: dict) -> None:
    """Cores each part used between two monotonic times (run on a thread beside the load)."""
    time.sleep(max(0.0, start - time.monotonic()))
    before = cpu_now(server, loadgen_pid)
    time.sleep(max(0.0, end - time.monotonic()))
    after = cpu_now(server, loadgen_pid)
    window = end - start
    into.update({k: (after[k] - before[k]) / window for k in before})
    into["other jobs"] = into["machine"] - sum(v for k, v in into.items() if k != "machine")


def describe_cpu(label: str, cores: dict[str, float]) -> str:
    return f"  {label:<10} cores used: " + ", ".join(f"{k} {v:.2f}" for k, v in cores.items())


def phase(label, layout, key, prefix, args, known, background_rate=0.0, profile=None):  # noqa: ANN001, PLR0913
    server = layout.server
    launch = time.monotonic() + 0.5
    measure_from = launch + args.warmup
    end = measure_from + args.duration
    lg = (
        background_load(layout, key, prefix + "bg", background_rate, args, launch, measure_from, end)
        if background_rate
        else None
    )
    profilers = []
    if profile:
        # The web workers, and the scoring process beside them (its cycles compete for the same rows).
        profilers.append(start_profiler(server.proc.pid, profile, end - measure_from))
        scoring = server.extra[1].pid
        profilers.append(start_profiler(scoring, profile.with_name(profile.stem + "-scoring.txt"), end - measure_from))
    cores: dict[str, float] = {}
    meter = threading.Thread(target=cpu_over, args=(server, lg.proc.pid if lg else None, measure_from, end, cores))
    meter.start()
    decisions = asyncio.run(
        decide_stream(
            server.base, key, prefix + "d", args.decide_rate, args.new_share, launch, measure_from, end, known,
            seed=len(known),
        )
    )  # fmt: skip
    background = lg.result() if lg is not None else None
    for profiler in profilers:
        try:
            profiler.wait(120)  # py-spy falls behind its --duration on a saturated machine
        except subprocess.TimeoutExpired:
            profiler.send_signal(signal.SIGINT)  # it writes what it has on SIGINT
            profiler.wait(30)
    meter.join()
    layout.check_alive()
    return decisions, background, cores


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = layout_parser(
        __doc__,
        duration_help="measured seconds of each decision phase",
        identities_help="identities of the background load (2000: those the capacity run created, so already scored)",
    )
    p.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds before each phase's window")
    p.add_argument("--decide-rate", type=float, default=10.0, help="?decide=true requests per second (default 10)")
    p.add_argument("--new-share", type=float, default=0.5, help="share of decisions on a new identity (0.5)")
    p.add_argument("--decide-timeout-ms", type=int, default=500, help="DREGS_DECIDE_TIMEOUT_MS (default 500)")
    p.add_argument("--log-dir", help="copy the server processes' logs here at the end")
    p.add_argument("--profile-dir", help="py-spy the web workers in both phases; summarize where decide's time goes")
    args = parse_layout_args(p, argv)
    if not (0 < args.decide_rate <= 200 and 0 <= args.new_share <= 1):
        p.error("decide-rate in (0, 200], new-share in [0, 1]")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    tag = "dl" + secrets.token_hex(3)
    broken: list[str] = []
    t_begin = time.monotonic()
    with running_layout(args, "decide", ("scoring",)) as layout:
        db_url, server = layout.db_url, layout.server
        acked: set[str] = set()
        try:
            key = ingest.sign_up(server.base)
            add_badge_rules(layout, key)
            layout.check_alive()

            capacity = measure_capacity(layout, args, key, f"{tag}-cap")
            acked |= capacity.acked
            settle(db_url, args)

            profiles: dict[str, Path] = {}
            if args.profile_dir:
                Path(args.profile_dir).mkdir(parents=True, exist_ok=True)
                profiles = {p: Path(args.profile_dir) / f"{tag}-{p}.txt" for p in ("alone", "half-load")}
            known: list[str] = []
            alone, _, alone_cores = phase("alone", layout, key, f"{tag}-a", args, known, profile=profiles.get("alone"))
            acked |= alone.acked
            settle(db_url, args)

            rate, load_label = loaded_rate(capacity.eps, args)
            loaded, background, loaded_cores = phase(
                load_label, layout, key, f"{tag}-h", args, known, background_rate=rate,
                profile=profiles.get("half-load"),
            )  # fmt: skip
            acked |= loaded.acked | set(background["acked"])
            bg_lat = [v / 1000 for v in background["latencies_us"]]
            bg_rate = background["ok"] / args.duration
            backlog_after = pending_cycles(db_url)
        finally:
            server.stop()
            if args.log_dir:
                Path(args.log_dir).mkdir(parents=True, exist_ok=True)
                for log in layout.tmp.glob("*.log"):
                    shutil.copy(log, Path(args.log_dir) / log.name)

        position, head = ingest.wait_for_projection(db_url, 30)
        good, detail = ingest.check_exactly_once(db_url, acked, tag)
        if not good:
            broken.append("acknowledged events missing or duplicated: " + detail)
        for label, d in (("alone", alone), (load_label, loaded)):
            if d.errors or set(d.statuses) - {200}:
                broken.append(f"{label}: failed decisions {dict(d.statuses)} {dict(d.errors)}")
        if set(background["statuses"]) - {"200"} or background["errors"]:
            broken.append(f"background: {background['statuses']} {background['errors']}")

        print()
        print(
            f"{os.cpu_count()} CPUs; web workers {args.workers} + projections + scoring (with the rules); "
            f"{args.decide_rate:g} decisions/s ({args.new_share:.0%} new identities) for {args.duration:g} s per phase; "
            f"DREGS_DECIDE_TIMEOUT_MS={args.decide_timeout_ms}"
        )
        print(f"capacity: {capacity.eps:.0f} events/s (closed loop, {args.clients} clients)")
        print(
            f"{load_label}: {rate:.0f} events/s asked, {bg_rate:.0f}/s answered 200 in the window over "
            f"{args.identities} identities ({args.traffic} traffic); their p50 {pct(bg_lat, 0.5):.1f} ms, p99 {pct(bg_lat, 0.99):.1f} ms; "
            f"scoring backlog at the end: {backlog_after} identities"
        )
        print()
        print(
            f"  {'phase':<10} {'decide':<9}{'n':>6}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'max ms':>9}   with scores"
        )
        print(describe("alone", alone))
        print(describe(load_label, loaded))
        print(describe_cpu("alone", alone_cores))
        print(describe_cpu(load_label, loaded_cores))
        print("  (clients: the decision stream and the load generator; other jobs: the rest of the machine)")
        p99 = pct(loaded.all_ms, 0.99)
        verdict = ("PASS" if p99 <= GOAL_P99_MS else "FAIL") if load_label == "half load" else "not judged"
        print(f"\ngoal p99 <= {GOAL_P99_MS:.0f} ms at half load: {verdict} ({p99:.1f} ms at {load_label})")
        print(f"exactly-once check of every acknowledged event: {'PASS' if good else 'FAIL'}  {detail}")
        for label, profile in profiles.items():
            with contextlib.suppress(OSError):
                summarize_profile(profile, label)
    for b in broken:
        print("BROKEN:", b)
    print(f"total time {time.monotonic() - t_begin:.0f} s")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
