"""What the alerting benchmarks (bench/decide_latency.py, bench/webhook_latency.py) share: the production
layout of the Procfile on a fresh PostgreSQL database (the web app without runners under uvicorn, --workers,
as bench/ingest.py's "dregs" variant; `dregs run projections`; `dregs run scoring`, which also applies the
rules; and any other `dregs run` helper), with Redis under a key prefix of its own; the flags both take; the
closed-loop capacity run; the open-loop background load; and the settling between phases."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import ingest
import psycopg
from loadgen import TRAFFIC

# --- flags ----------------------------------------------------------------------------------


def layout_parser(doc: str | None, *, duration_help: str, identities_help: str) -> argparse.ArgumentParser:
    """The flags every alerting benchmark takes; each adds its own."""
    p = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--workers", type=int, default=2, help="uvicorn workers of the web app (Procfile: 2)")
    p.add_argument("--capacity-duration", type=float, default=5.0, help="seconds of the closed-loop capacity run")
    p.add_argument("--clients", type=int, default=16, help="connections of the capacity run (default 16)")
    p.add_argument("--duration", type=float, default=20.0, help=duration_help)
    p.add_argument("--identities", type=int, default=2000, help=identities_help)
    p.add_argument(
        "--traffic",
        choices=TRAFFIC,
        default="population",
        help="the plain events' shape (bench/loadgen.py): population (each identity one address of its own, "
        "as existing users logging in) or ring (each event a new address on one shared mailbox stem)",
    )
    p.add_argument("--load-share", type=float, default=0.5, help="background rate / capacity (default 0.5)")
    p.add_argument(
        "--load-rate",
        type=float,
        help="background events/s instead of --load-share x capacity: two changes at one load",
    )
    p.add_argument("--settle", type=float, default=120.0, help="max seconds to wait for scoring's backlog")
    p.add_argument(
        "--pg-admin-url", default=os.environ.get("DREGS_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
    )
    p.add_argument("--redis-url", default=os.environ.get("DREGS_BENCH_REDIS", "redis://127.0.0.1:6379/0"))
    p.add_argument("--keep-db", action="store_true")
    return p


def parse_layout_args(p: argparse.ArgumentParser, argv: list[str] | None) -> argparse.Namespace:
    args = p.parse_args(argv)
    if not (0 < args.duration <= 300 and 0 < args.capacity_duration <= 60):
        p.error("duration in (0, 300], capacity-duration in (0, 60]")
    if not (0 < args.load_share <= 1 and 1 <= args.workers <= 8):
        p.error("load-share in (0, 1], workers 1..8")
    if args.load_rate is not None and not 0 < args.load_rate <= 100_000:
        p.error("load-rate in (0, 100000]")
    return args


def loaded_rate(capacity_eps: float, args: argparse.Namespace) -> tuple[float, str]:
    """The background load's events/s and its label: a share of the measured capacity, or --load-rate."""
    if args.load_rate is not None:
        return args.load_rate, f"{args.load_rate:g}/s load"
    return capacity_eps * args.load_share, "half load" if args.load_share == 0.5 else f"{args.load_share:.0%} load"


# --- the layout -----------------------------------------------------------------------------


def dregs_env(args: argparse.Namespace) -> dict[str, str]:
    return {
        "DREGS_JWT_SECRET": secrets.token_urlsafe(48),
        "DREGS_KEY_HASH_SECRET": secrets.token_urlsafe(48),
        "REDIS_URL": args.redis_url,
        "DREGS_REDIS_PREFIX": "dregs-bench-" + secrets.token_hex(6),
        "DREGS_DECIDE_TIMEOUT_MS": str(args.decide_timeout_ms),
        # One credential sends everything here (see bench/ingest.py start_server).
        "DREGS_RATE_LIMIT_INGEST": "1000000/second",
    }


def start_layout(
    db_url: str, env: dict[str, str], tmp: Path, workers: int, helpers: tuple[str, ...] = ("scoring",)
) -> ingest.Server:
    """Web workers and `dregs run projections` (bench/ingest.py), then `dregs run <helper>` beside them."""
    server = ingest.start_server("dregs", workers, db_url, env, tmp)
    full_env = dict(os.environ, **env, DATABASE_URL=db_url, DREGS_DATA_DIR=str(tmp / "dregs-data"))
    full_env.pop("PYTHONPATH", None)
    dregs = Path(ingest.PYTHON).with_name("dregs")
    for what in helpers:
        with open(tmp / f"{what}.log", "wb") as log:
            server.extra.append(
                subprocess.Popen(
                    [str(dregs), "run", what], cwd=str(ingest.ROOT), env=full_env, stdout=log,
                    stderr=subprocess.STDOUT, start_new_session=True,
                )
            )  # fmt: skip
    return server


@dataclass
class Layout:
    db_url: str
    tmp: Path
    env: dict[str, str]
    server: ingest.Server

    def check_alive(self) -> None:
        for proc in [self.server.proc, *self.server.extra]:
            if proc.poll() is not None:
                logs = "\n".join(
                    f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in sorted(self.tmp.glob("*.log"))
                )
                raise RuntimeError(f"{proc.args} exited with {proc.returncode}:\n{logs}")


@contextlib.contextmanager
def running_layout(
    args: argparse.Namespace, name: str, helpers: tuple[str, ...], env: dict[str, str] | None = None
) -> Iterator[Layout]:
    """The layout on a database of its own, dropped on leaving (unless --keep-db). The processes stop on
    leaving too; stop them before (layout.server.stop()) to check the database once they are gone."""
    with (
        tempfile.TemporaryDirectory(prefix=f"dregs-{name}-") as tmpdir,
        ingest.bench_database(args.pg_admin_url, args.keep_db) as db_url,
    ):
        tmp = Path(tmpdir)
        ingest.check_synchronous_commit(db_url)
        full_env = {**dregs_env(args), **(env or {})}
        if args.workers > 1:
            ingest.create_dregs_schema(db_url, full_env, tmp)
        server = start_layout(db_url, full_env, tmp, args.workers, helpers)
        try:
            yield Layout(db_url, tmp, full_env, server)
        finally:
            server.stop()


# --- load -----------------------------------------------------------------------------------


def measure_capacity(layout: Layout, args: argparse.Namespace, key: str, prefix: str) -> ingest.Result:
    """Closed-loop plain POST /api/events (bench/loadgen.py, as bench/ingest.py), short: the events/s this
    layout accepts on this machine, background processes included."""
    cap_args = argparse.Namespace(
        quiet_wait=0.0, quiet_cores=0.3, loadgen_procs=1, clients=args.clients, warmup=1.0,
        duration=args.capacity_duration, replay=0.0, drain=15.0, profile_dir=None, traffic=args.traffic,
    )  # fmt: skip
    capacity = ingest.run_load(layout.server, cap_args, key, prefix, layout.tmp, 1)
    print(
        f"capacity (closed loop, {args.clients} clients, {args.capacity_duration:g} s, all processes running): "
        f"{capacity.eps:.0f} events/s, p50 {capacity.p50_ms:.1f} ms, p99 {capacity.p99_ms:.1f} ms, "
        f"statuses {capacity.statuses}; CPU ms per event: web {capacity.server_cpu_ms - capacity.helper_cpu_ms:.2f}, "
        f"the other Dregs processes {capacity.helper_cpu_ms:.2f}, PostgreSQL {capacity.pg_cpu_ms:.2f}",
        flush=True,
    )
    return capacity


@dataclass
class BackgroundLoad:
    """bench/loadgen.py sending plain events open loop beside a phase."""

    proc: subprocess.Popen
    out: Path

    def result(self) -> dict:
        self.proc.wait(60)
        if self.proc.returncode != 0 or not self.out.exists():
            raise RuntimeError(f"load generator failed with {self.proc.returncode}")
        return json.loads(self.out.read_text())


def background_load(
    layout: Layout, key: str, prefix: str, rate: float, args: argparse.Namespace, start: float, measure_from: float,
    end: float,
) -> BackgroundLoad:  # fmt: skip
    out = layout.tmp / f"loadgen-{prefix}.json"
    cmd = [
        ingest.PYTHON, str(ingest.BENCH_DIR / "loadgen.py"), "--port", str(layout.server.port), "--clients", "256",
        "--rate", str(rate), "--identities", str(args.identities), "--start", repr(start),
        "--measure-from", repr(measure_from), "--end", repr(end), "--prefix", prefix, "--traffic", args.traffic,
        "--out", str(out),
    ]  # fmt: skip
    return BackgroundLoad(subprocess.Popen(cmd, env=dict(os.environ, BENCH_AUTH=key)), out)


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))] if s else float("nan")


# --- between phases -------------------------------------------------------------------------


def pending_cycles(db_url: str) -> int:
    """Identities with inputs newer than their last cycle: the scoring process's backlog."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        return conn.execute("SELECT count(*) FROM identity_features WHERE pending").fetchone()[0]


def settle(db_url: str, args: argparse.Namespace) -> None:
    """Let the projections catch up and the scoring backlog drain before the next phase (bounded)."""
    position, head = ingest.wait_for_projection(db_url, 60)
    if position < head:
        print(f"  tracking projection behind after 60 s: {position} < {head}")
    # A deployment's tables have statistics (autovacuum analyzes them within a minute or so); this
    # database is younger than that, and its planner, without them, scans instead of seeking.
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("ANALYZE")
    deadline = time.monotonic() + args.settle
    while (backlog := pending_cycles(db_url)) and time.monotonic() < deadline:
        time.sleep(0.5)
    busy = ingest.wait_for_quiet(0, 0)
    print(
        f"  settled: scoring backlog {backlog} identities; {busy:.2f} of {os.cpu_count()} cores busy "
        "(other jobs on the machine skew every figure)",
        flush=True,
    )
