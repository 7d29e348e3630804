"""Ingestion benchmark: Dregs' POST /api/events against two minimal Litestar baselines.

Variants, each started as its own uvicorn subprocess on a free loopback port,
one at a time, alternating round by round:

  echo       bench/baseline_apps.py:echo_app    parse the body with msgspec, answer
  insert     bench/baseline_apps.py:insert_app  + one INSERT ... ON CONFLICT DO NOTHING
                                                per request (psycopg async pool, autocommit)
  dregs      the production layout of the Procfile: the web app without projection runners
             (api.app:create_app_without_runners), served by uvicorn with the SAME settings
             as the baselines, next to one `dregs run projections` process; the CPU of both
             counts as the server's
  dregs-embedded  the embedded layout: projection runners inside the web process
             (api.app:create_app)
  dregs-cli  literally `dregs serve --no-runners` plus `dregs run projections`

Every run uses a fresh PostgreSQL database (dropped at the end, unless --keep-db)
with synchronous_commit on. Load: --clients closed-loop HTTP/1.1 keep-alive
connections from separate load-generator process(es) (bench/loadgen.py), for a
--warmup then a measured --duration; ~--replay of the requests repeat an event
id already sent. After every Dregs run the projection is waited for and every
acknowledged event id (200 with a non-null id) must be in the event store
(tracking_events) and in the read model (events) exactly once: PASS/FAIL, exit 1 on FAIL.

echo, insert, dregs and dregs-embedded run under bench/uvicorn_nodelay.py (= `python -m uvicorn`
plus a fix for uvicorn's lost TCP_NODELAY with --workers > 1, see there; --raw-uvicorn
turns it off); dregs-cli is the literal `dregs serve`, bug included.

CPU-ms/event is utime+stime of the server process and all its descendants
(uvicorn workers), over the measured window, divided by the events answered 200
in it. PostgreSQL (backends of the bench database + shared auxiliary processes) and the
load generator are shown too, and how busy the machine was (other jobs skew everything).

Example (default: ~2.5 minutes):
    /work/main/.venv/bin/python bench/ingest.py
    /work/main/.venv/bin/python bench/ingest.py --workers 1,2 --variants echo,insert,dregs
Needs only the project's virtualenv (httpx, psycopg, psycopg_pool, uvicorn, litestar, msgspec).
Optional: --profile-dir DIR records py-spy collapsed stacks of each Dregs run, to render with
inferno/flamegraph.pl or speedscope (`/work/main/.venv/bin/pip install py-spy`).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg
from loadgen import TRAFFIC

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
PYTHON = sys.executable
CLK_TCK = os.sysconf("SC_CLK_TCK")
VARIANTS = ("echo", "insert", "dregs", "dregs-embedded", "dregs-cli")
SEPARATE_PROJECTIONS = ("dregs", "dregs-cli")


def is_dregs(variant: str) -> bool:
    return variant.startswith("dregs")


GOAL_EPS, GOAL_RATIO_INSERT, GOAL_P99_MS = 1000.0, 0.6, 25.0
PASSWORD = "correct horse battery staple"


# --- /proc accounting ------------------------------------------------------------------


def _stat_fields(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # comm may contain spaces: split after the closing parenthesis.
    return [raw[raw.index("(") + 1 : raw.rindex(")")], *raw[raw.rindex(")") + 2 :].split()]


def _children(pid: int) -> list[int]:
    out: list[int] = []
    with contextlib.suppress(OSError):
        for task in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(OSError):
                out += [int(c) for c in Path(f"/proc/{pid}/task/{task}/children").read_text().split()]
    return out


def tree_cpu_s(pid: int) -> float:
    """utime+stime of pid and all live descendants, plus their reaped children."""
    total = 0
    todo = [pid]
    while todo:
        p = todo.pop()
        f = _stat_fields(p)
        if f is None:
            continue
        # after comm: f[1]=state ... utime=f[12], stime=f[13], cutime=f[14], cstime=f[15]
        total += int(f[12]) + int(f[13]) + int(f[14]) + int(f[15])
        todo += _children(p)
    return total / CLK_TCK


BENCH_DB = ""  # set once the database exists: backends of other databases are not counted


def postgres_cpu_s() -> float:
    """Backends connected to the bench database, plus the shared auxiliary processes
    (postmaster, WAL writer, checkpointer...); backends of other databases are left out."""
    total = 0
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        f = _stat_fields(int(name))
        if not f or f[0] != "postgres":
            continue
        try:
            title = Path(f"/proc/{name}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").split()
        except OSError:
            continue
        # A backend's title: "postgres: 15/main: <user> <database> <host>(<port>) <state>"
        is_backend = len(title) >= 5 and title[0] == "postgres:" and ("(" in title[4] or title[4] == "[local]")
        if is_backend and title[3] != BENCH_DB:
            continue
        total += int(f[12]) + int(f[13])
    return total / CLK_TCK


def system_busy_s() -> float:
    parts = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = parts[3] + parts[4]
    return (sum(parts[:8]) - idle) / CLK_TCK


@dataclass
class CpuSample:
    server: float
    pg: float
    loadgen: float
    system: float
    extra: float = 0.0  # the part of `server` spent in helper processes (dregs run projections)


def sample(server_pids: list[int], loadgen_pids: list[int]) -> CpuSample:
    extra = sum(tree_cpu_s(p) for p in server_pids[1:])
    return CpuSample(
        tree_cpu_s(server_pids[0]) + extra,
        postgres_cpu_s(),
        sum(tree_cpu_s(p) for p in loadgen_pids),
        system_busy_s(),
        extra,
    )


# --- database ---------------------------------------------------------------------------


@contextlib.contextmanager
def bench_database(admin_url: str, keep: bool):
    name = "dregs_bench_" + secrets.token_hex(6)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = admin_url.rsplit("/", 1)[0] + "/" + name
    global BENCH_DB  # noqa: PLW0603 - read by postgres_cpu_s
    BENCH_DB = name
    try:
        yield url
    finally:
        if keep:
            print(f"kept database {name}")
        else:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def check_synchronous_commit(url: str) -> None:
    with psycopg.connect(url) as conn:
        sc = conn.execute("SHOW synchronous_commit").fetchone()[0]
        fsync = conn.execute("SHOW fsync").fetchone()[0]
        source = conn.execute("SELECT source FROM pg_settings WHERE name = 'synchronous_commit'").fetchone()[0]
    print(f"database {url.rsplit('/', 1)[1]}: synchronous_commit={sc} (source: {source}), fsync={fsync}")
    if sc != "on":
        sys.exit("synchronous_commit must be on for this benchmark")


# --- servers ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    variant: str
    workers: int
    port: int
    proc: subprocess.Popen
    log_path: Path
    extra: list[subprocess.Popen] = field(default_factory=list)  # e.g. `dregs run projections`

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self, n: int = 30) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        return ""

    @property
    def pids(self) -> list[int]:
        return [self.proc.pid, *(p.pid for p in self.extra)]

    def stop(self) -> None:
        for proc in [self.proc, *self.extra]:
            if proc.poll() is None:
                # Each runs in its own session started by us: signal that process group.
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(20)
                except subprocess.TimeoutExpired:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(5)


def start_server(
    variant: str,
    workers: int,
    db_url: str,
    secrets_env: dict[str, str],
    tmp: Path,
    *,
    nodelay_fix: bool = True,
    extra_args: tuple[str, ...] = (),
    pythonpath: str | None = None,
) -> Server:
    port = free_port()
    uvicorn = [PYTHON, str(BENCH_DIR / "uvicorn_nodelay.py")] if nodelay_fix else [PYTHON, "-m", "uvicorn"]
    uvicorn_common = [
        "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
        "--log-level", "warning", "--no-access-log", "--no-server-header", "--no-proxy-headers", *extra_args,
    ]  # fmt: skip
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    cwd = str(ROOT)
    if variant in ("echo", "insert"):
        factory = "baseline_apps:echo_app" if variant == "echo" else "baseline_apps:insert_app"
        cmd = [*uvicorn, factory, "--factory", "--app-dir", str(BENCH_DIR), *uvicorn_common]
        env["BENCH_DATABASE_URL"] = db_url
    else:
        env.update(secrets_env, DATABASE_URL=db_url, PORT=str(port), HOST="127.0.0.1")
        # One credential sends everything here, faster than the default per-credential limit
        # (1000/second): the limiter still counts every request, it just never refuses.
        env.setdefault("DREGS_RATE_LIMIT_INGEST", "1000000/second")
        env["DREGS_DATA_DIR"] = str(tmp / "dregs-data")
        if variant == "dregs":
            # What `dregs serve --no-runners` runs, with the baselines' uvicorn settings.
            cmd = [*uvicorn, "api.app:create_app_without_runners", "--factory", *uvicorn_common]
        elif variant == "dregs-embedded":
            cmd = [*uvicorn, "api.app:create_app", "--factory", *uvicorn_common]
        else:
            dregs = Path(PYTHON).with_name("dregs")
            cmd = [str(dregs), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
                   "--no-runners", "--log-level", "warning"]  # fmt: skip
    log_path = tmp / f"server-{variant}-{port}.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    server = Server(variant, workers, port, proc, log_path)
    if variant in SEPARATE_PROJECTIONS:
        with open(tmp / f"projections-{port}.log", "wb") as log:
            dregs = Path(PYTHON).with_name("dregs")
            server.extra.append(subprocess.Popen(
                [str(dregs), "run", "projections"], cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            ))  # fmt: skip
    probe = "/health" if is_dregs(variant) else "/"
    deadline = time.monotonic() + 60
    with httpx.Client(base_url=server.base, timeout=2) as http:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{variant} server exited with {proc.returncode}:\n{server.log_tail()}")
            with contextlib.suppress(httpx.HTTPError):
                if http.get(probe).status_code < 500:
                    break
            if time.monotonic() > deadline:
                server.stop()
                raise RuntimeError(f"{variant} server did not start in 60 s:\n{server.log_tail()}")
            time.sleep(0.1)
    return server


def create_dregs_schema(db_url: str, secrets_env: dict[str, str], tmp: Path) -> None:
    """Create Dregs' tables once, before any multi-worker server starts.

    On an empty database `dregs serve --workers N` races N CREATE TABLEs (pg_type
    unique violation) and uvicorn then stops the whole server."""
    from adapters.bootstrap import build_container  # noqa: PLC0415
    from adapters.settings import load_settings  # noqa: PLC0415

    env = dict(secrets_env, DATABASE_URL=db_url, DREGS_DATA_DIR=str(tmp / "dregs-data"))
    build_container(load_settings(env)).close()
    print("created the Dregs schema up front (--workers > 1 on an empty database fails: see create_dregs_schema)")


def sign_up(base: str) -> str:
    return sign_up_with_session(base)[1]


def sign_up_with_session(base: str) -> tuple[str, str]:
    """A new team: its admin's session token and a server key."""
    email = f"bench-{secrets.token_hex(6)}@example.com"
    with httpx.Client(base_url=base, timeout=30) as http:
        r = http.post("/api/auth/signup", json={"email": email, "password": PASSWORD, "name": "Bench", "team": "Bench"})
        r.raise_for_status()
        r = http.post("/api/auth/login", json={"email": email, "password": PASSWORD})
        r.raise_for_status()
        token = r.json()["token"]
        r = http.post(
            "/api/credentials",
            json={"name": "bench", "allowedOrigins": []},
            headers={"Authorization": f"Bearer {token}"},
        )
        r.raise_for_status()
        return token, r.json()["secretKey"]


# --- one measured run ----------------------------------------------------------------------


@dataclass
class Result:
    variant: str
    workers: int
    round: int
    eps: float
    p50_ms: float
    p99_ms: float
    server_cpu_ms: float
    helper_cpu_ms: float  # part of server_cpu_ms used by a separate projections process, if any
    pg_cpu_ms: float
    loadgen_cpu_ms: float
    system_util: float  # busy cores over the window
    other_cores: float  # busy cores not used by server, postgres or load generator (e.g. other jobs)
    bg_cores: float  # busy cores of the whole machine in the 0.5 s before the run
    statuses: dict
    errors: dict
    acked: set = field(default_factory=set, repr=False)
    sent_unique: int = 0
    replays: int = 0
    mismatched: int = 0
    check: str = ""


def wait_for_quiet(max_wait: float, threshold: float) -> float:
    """Busy cores of the machine over 0.5 s; with max_wait, retry until below threshold (bounded)."""
    deadline = time.monotonic() + max_wait
    while True:
        s0 = system_busy_s()
        time.sleep(0.5)
        busy = (system_busy_s() - s0) / 0.5
        if busy < threshold or time.monotonic() >= deadline:
            return busy


def run_load(server: Server, args: argparse.Namespace, auth: str, prefix: str, tmp: Path, rnd: int) -> Result:
    background = wait_for_quiet(args.quiet_wait, args.quiet_cores)
    procs = max(1, args.loadgen_procs)
    split = [args.clients // procs + (1 if i < args.clients % procs else 0) for i in range(procs)]
    launch = time.monotonic() + 0.5  # let the generators import before the start line
    measure_from = launch + args.warmup
    end = measure_from + args.duration
    lg: list[tuple[subprocess.Popen, Path]] = []
    for i, clients in enumerate(split):
        out = tmp / f"loadgen-{prefix}-{i}.json"
        cmd = [
            PYTHON, str(BENCH_DIR / "loadgen.py"), "--port", str(server.port), "--clients", str(clients),
            "--start", repr(launch), "--measure-from", repr(measure_from), "--end", repr(end),
            "--prefix", f"{prefix}-{i}", "--replay", str(args.replay), "--seed", str(rnd * 100 + i),
            "--traffic", args.traffic, "--out", str(out),
        ]  # fmt: skip
        # The key goes through the environment, not the command line (ps).
        lg.append((subprocess.Popen(cmd, env=dict(os.environ, BENCH_AUTH=auth)), out))
    profiler = None
    if args.profile_dir and is_dregs(server.variant):
        profiler = start_profiler(server, args, prefix, measure_from)
    time.sleep(max(0.0, measure_from - time.monotonic()))
    pids = [p.pid for p, _ in lg]
    before = sample(server.pids, pids)
    time.sleep(max(0.0, end - time.monotonic()))
    after = sample(server.pids, pids)
    window = time.monotonic() - measure_from
    for p, _ in lg:
        try:
            p.wait(args.drain + 30)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    if profiler is not None:
        profiler.wait(60)
    if server.proc.poll() is not None:
        raise RuntimeError(f"{server.variant} server died during the run:\n{server.log_tail()}")
    ok = 0
    lat: list[int] = []
    statuses: dict[str, int] = {}
    errors: dict[str, int] = {}
    acked: set[str] = set()
    sent = replays = mismatched = 0
    for p, out in lg:
        if p.returncode != 0 or not out.exists():
            raise RuntimeError(f"load generator failed with {p.returncode}")
        data = json.loads(out.read_text())
        ok += data["ok"]
        lat += data["latencies_us"]
        for k, v in data["statuses"].items():
            statuses[k] = statuses.get(k, 0) + v
        for k, v in data["errors"].items():
            errors[k] = errors.get(k, 0) + v
        acked.update(data["acked"])
        sent += data["sent_unique"]
        replays += data["replays"]
        mismatched += data["mismatched_ids"]
    lat.sort()

    def pct(q: float) -> float:
        return lat[min(len(lat) - 1, int(q * len(lat)))] / 1000 if lat else float("nan")

    per_event = 1000 / ok if ok else float("nan")
    return Result(
        variant=server.variant, workers=server.workers, round=rnd,
        eps=ok / args.duration, p50_ms=pct(0.50), p99_ms=pct(0.99),
        server_cpu_ms=(after.server - before.server) * per_event,
        helper_cpu_ms=(after.extra - before.extra) * per_event,
        pg_cpu_ms=(after.pg - before.pg) * per_event,
        loadgen_cpu_ms=(after.loadgen - before.loadgen) * per_event,
        system_util=(after.system - before.system) / window,
        other_cores=((after.system - before.system) - (after.server - before.server) - (after.pg - before.pg)
                     - (after.loadgen - before.loadgen)) / window,
        bg_cores=background,
        statuses=statuses, errors=errors, acked=acked, sent_unique=sent, replays=replays, mismatched=mismatched,
    )  # fmt: skip


def start_profiler(server: Server, args: argparse.Namespace, prefix: str, measure_from: float):
    spy = shutil.which("py-spy") or str(Path(PYTHON).with_name("py-spy"))
    if not Path(spy).exists():
        sys.exit("--profile-dir needs py-spy: /work/main/.venv/bin/pip install py-spy")
    Path(args.profile_dir).mkdir(parents=True, exist_ok=True)
    base = Path(args.profile_dir) / f"{prefix}-w{server.workers}"
    cmd = [
        spy, "record", "--pid", str(server.proc.pid), "--subprocesses", "--threads", "--nonblocking",
        "--rate", "100", "--duration", str(int(args.duration)), "--format", "raw", "-o", f"{base}.folded.txt",
    ]  # fmt: skip
    if args.profile_gil:
        cmd.append("--gil")
    time.sleep(max(0.0, measure_from - time.monotonic()))
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


# --- the exactly-once check ---------------------------------------------------------------


def wait_for_projection(db_url: str, timeout: float) -> tuple[int, int]:
    deadline = time.monotonic() + timeout
    with psycopg.connect(db_url, autocommit=True) as conn:
        while True:
            head = conn.execute("SELECT coalesce(max(notification_id), 0) FROM tracking_events").fetchone()[0]
            row = conn.execute("SELECT position FROM projection_positions WHERE name = 'tracking'").fetchone()
            position = row[0] if row else 0
            if position >= head or time.monotonic() > deadline:
                return position, head
            time.sleep(0.1)


def check_exactly_once(db_url: str, acked: set[str], prefix: str) -> tuple[bool, str]:
    """Every acknowledged id once in tracking_events and once in events; nothing else stored for this run."""
    ids = sorted(acked)
    with psycopg.connect(db_url, autocommit=True) as conn:
        customers = [
            r[0] for r in conn.execute("SELECT DISTINCT customer_id FROM events WHERE event_id = ANY(%s)", (ids,))
        ]
        if len(customers) > 1:
            return False, f"acked ids belong to {len(customers)} customers"
        in_view = dict(
            conn.execute(
                "SELECT event_id, count(*) FROM events WHERE event_id = ANY(%s) GROUP BY event_id", (ids,)
            ).fetchall()
        )
        run_rows = conn.execute("SELECT count(*) FROM events WHERE event_id LIKE %s", (prefix + "-%",)).fetchone()[0]
        in_store: dict[uuid.UUID, int] = {}
        if customers:
            oids = [uuid.uuid5(customers[0], "event\x00" + i) for i in ids]  # domain.ids.tracked_event_id
            in_store = dict(
                conn.execute(
                    "SELECT originator_id, count(*) FROM tracking_events WHERE originator_id = ANY(%s) "
                    "GROUP BY originator_id",
                    (oids,),
                ).fetchall()
            )
    missing_view = sum(1 for i in ids if i not in in_view)
    dup_view = sum(1 for c in in_view.values() if c != 1)
    missing_store = len(ids) - len(in_store)
    dup_store = sum(1 for c in in_store.values() if c != 1)
    unacked = run_rows - len(in_view)
    good = bool(ids) and not (missing_view or dup_view or missing_store or dup_store)
    detail = (
        f"acked distinct={len(ids)}  event store: found={len(in_store)} missing={missing_store} dup={dup_store}  "
        f"read model: found={len(in_view)} missing={missing_view} dup={dup_view}  stored-but-unacked={unacked}"
    )
    return good, detail


# --- main ----------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--duration", type=float, default=10.0, help="measured seconds per run (default 10)")
    p.add_argument("--warmup", type=float, default=1.0, help="unmeasured seconds of load before each run (default 1)")
    p.add_argument("--clients", type=int, default=16, help="concurrent keep-alive connections (default 16)")
    p.add_argument("--rounds", type=int, default=2, help="rounds; each round runs every variant once (default 2)")
    p.add_argument("--workers", default="1", help="comma list of uvicorn worker counts, e.g. 1,2 (default 1)")
    p.add_argument("--variants", default="echo,insert,dregs", help=f"comma list of {', '.join(VARIANTS)}")
    p.add_argument("--replay", type=float, default=0.1, help="share of requests replaying a sent id (default 0.1)")
    p.add_argument("--traffic", choices=TRAFFIC, default="ring", help="the events' shape (bench/loadgen.py)")
    p.add_argument("--loadgen-procs", type=int, default=1, help="load generator processes (default 1)")
    p.add_argument("--drain", type=float, default=15.0, help="seconds in-flight requests may take after a run")
    p.add_argument(
        "--pg-admin-url", default=os.environ.get("DREGS_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
    )
    p.add_argument(
        "--quiet-wait",
        type=float,
        default=0.0,
        help="before each run, wait up to this many seconds for other jobs to leave the CPU idle",
    )
    p.add_argument("--quiet-cores", type=float, default=0.3, help="'idle' means fewer busy cores than this")
    p.add_argument(
        "--raw-uvicorn",
        action="store_true",
        help="plain `python -m uvicorn`, without bench/uvicorn_nodelay.py's TCP_NODELAY fix for --workers > 1",
    )
    p.add_argument(
        "--uvicorn-args",
        default="",
        help="extra uvicorn options for every variant but dregs-cli, e.g. '--loop uvloop --http httptools'",
    )
    p.add_argument("--server-pythonpath", help="PYTHONPATH for the servers, e.g. a folder with uvloop and httptools")
    p.add_argument("--keep-db", action="store_true", help="do not drop the bench database")
    p.add_argument(
        "--profile-dir",
        help="record a py-spy profile (collapsed stacks, --nonblocking) of every Dregs run into this folder",
    )
    p.add_argument("--profile-gil", action="store_true", help="profile only stacks holding the GIL (py-spy --gil)")
    p.add_argument("--json", help="also write the results to this JSON file")
    args = p.parse_args(argv)
    args.workers_list = [int(w) for w in args.workers.split(",")]
    args.variants_list = [v.strip() for v in args.variants.split(",") if v.strip()]
    bad = {
        v for v in args.variants_list
        if v not in VARIANTS
    }  # fmt: skip
    if bad:
        p.error(f"unknown variants: {', '.join(sorted(bad))}")
    if not (0 < args.duration <= 120 and 0 <= args.warmup <= 30 and 1 <= args.clients <= 256):
        p.error("duration must be in (0, 120], warmup in [0, 30], clients in [1, 256]")
    if not (1 <= args.rounds <= 10 and all(1 <= w <= 8 for w in args.workers_list)):
        p.error("rounds must be 1..10 and workers 1..8")
    if not 0 <= args.replay < 1:
        p.error("replay must be in [0, 1)")
    return args


def print_table(results: list[Result], args: argparse.Namespace) -> None:
    print()
    print("per run:")
    vw = max(10, *(len(r.variant) + 1 for r in results))
    hdr = f"{'variant':<{vw}}{'w':>2}{'rnd':>4}{'events/s':>10}{'p50 ms':>8}{'p99 ms':>8}{'srv CPU':>9}{'pg CPU':>8}{'lg CPU':>8}{'cores':>6}{'other':>6}{'bg':>5}  statuses/errors"
    print(hdr)
    for r in results:
        extra = ",".join(f"{k}:{v}" for k, v in sorted(r.statuses.items()))
        if r.errors:
            extra += " errors " + ",".join(f"{k}:{v}" for k, v in r.errors.items())
        if r.mismatched:
            extra += f" mismatched-ids:{r.mismatched}"
        if r.helper_cpu_ms:
            extra += f" (srv includes {r.helper_cpu_ms:.3f} of `dregs run projections`)"
        print(
            f"{r.variant:<{vw}}{r.workers:>2}{r.round:>4}{r.eps:>10.0f}{r.p50_ms:>8.2f}{r.p99_ms:>8.2f}"
            f"{r.server_cpu_ms:>9.3f}{r.pg_cpu_ms:>8.3f}{r.loadgen_cpu_ms:>8.3f}{r.system_util:>6.2f}{r.other_cores:>6.2f}{r.bg_cores:>5.2f}  {extra}"
        )
    print("  srv/pg/lg: CPU-ms per event answered 200 of the server process tree, of PostgreSQL (backends of")
    print("  the bench database + shared auxiliary processes) and of the load generator. cores: busy cores of")
    print("  the whole machine in the window; other: cores used by anything else then; bg: busy cores just")
    print(f"  before the run. Runs are only comparable when other and bg are ~0 ({os.cpu_count()} cores here).")
    print()
    print("summary (median over rounds):")
    print(
        f"{'variant':<{vw}}{'w':>2}{'events/s':>10}{'p50 ms':>8}{'p99 ms':>8}{'srv CPU-ms/ev':>15}{'pg CPU-ms/ev':>14}{'vs insert':>11}{'vs echo':>9}"
    )
    for w in args.workers_list:
        med: dict[str, dict[str, float]] = {}
        for v in args.variants_list:
            rs = [r for r in results if r.variant == v and r.workers == w]
            if rs:
                med[v] = {
                    k: statistics.median(getattr(r, k) for r in rs)
                    for k in ("eps", "p50_ms", "p99_ms", "server_cpu_ms", "pg_cpu_ms")
                }
        for v, m in med.items():
            vs_insert = f"{m['eps'] / med['insert']['eps']:.2f}x" if "insert" in med else "-"
            vs_echo = f"{m['eps'] / med['echo']['eps']:.2f}x" if "echo" in med else "-"
            print(
                f"{v:<{vw}}{w:>2}{m['eps']:>10.0f}{m['p50_ms']:>8.2f}{m['p99_ms']:>8.2f}"
                f"{m['server_cpu_ms']:>15.3f}{m['pg_cpu_ms']:>14.3f}{vs_insert:>11}{vs_echo:>9}"
            )
        for v in med:
            if not is_dregs(v):
                continue
            m = med[v]
            goals = [
                (f"events/s >= {GOAL_EPS:.0f}", m["eps"] >= GOAL_EPS),
                (f"p99 <= {GOAL_P99_MS:.0f} ms", m["p99_ms"] <= GOAL_P99_MS),
            ]
            if "insert" in med:
                goals.append((f">= {GOAL_RATIO_INSERT}x insert", m["eps"] >= GOAL_RATIO_INSERT * med["insert"]["eps"]))
            print(
                f"  goals for {v} (workers={w}): "
                + "; ".join(f"{g}: {'met' if g_ok else 'MISSED'}" for g, g_ok in goals)
            )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not Path("/proc/self/stat").exists():
        sys.exit("needs Linux /proc for CPU accounting")
    secrets_env = {
        "DREGS_JWT_SECRET": secrets.token_urlsafe(48),
        "DREGS_KEY_HASH_SECRET": secrets.token_urlsafe(48),
    }
    results: list[Result] = []
    checks_ok = True
    t_begin = time.monotonic()
    with (
        tempfile.TemporaryDirectory(prefix="dregs-bench-") as tmpdir,
        bench_database(args.pg_admin_url, args.keep_db) as db_url,
    ):
        tmp = Path(tmpdir)
        check_synchronous_commit(db_url)
        if any(is_dregs(v) for v in args.variants_list) and max(args.workers_list) > 1:
            create_dregs_schema(db_url, secrets_env, tmp)
        with psycopg.connect(db_url, autocommit=True) as conn:
            from baseline_apps import TABLE_DDL  # noqa: PLC0415 - bench/ is on sys.path as the script's folder

            conn.execute(TABLE_DDL)
        print(
            f"{os.cpu_count()} CPUs; {args.clients} clients x {args.duration:g}s (+{args.warmup:g}s warm-up) per run; "
            f"{args.rounds} rounds of {args.variants_list} x workers {args.workers_list}; replay {args.replay:.0%}"
        )
        secret_key: str | None = None
        run_tag = secrets.token_hex(3)
        for rnd in range(1, args.rounds + 1):
            for w in args.workers_list:
                for variant in args.variants_list:
                    server = start_server(
                        variant, w, db_url, secrets_env, tmp, nodelay_fix=not args.raw_uvicorn,
                        extra_args=tuple(args.uvicorn_args.split()), pythonpath=args.server_pythonpath,
                    )  # fmt: skip
                    try:
                        auth = ""
                        if is_dregs(variant):
                            if secret_key is None:
                                secret_key = sign_up(server.base)
                            auth = secret_key
                        prefix = f"b{run_tag}r{rnd}w{w}{variant.replace('-', '')}"
                        result = run_load(server, args, auth, prefix, tmp, rnd)
                        if is_dregs(variant):
                            position, head = wait_for_projection(db_url, 60)
                            if position < head:
                                print(f"  projection behind after 60 s: {position} < {head}")
                    finally:
                        server.stop()
                    if is_dregs(variant):
                        good, detail = check_exactly_once(db_url, result.acked, prefix)
                        result.check = ("PASS " if good else "FAIL ") + detail
                        checks_ok &= good
                    results.append(result)
                    print(
                        f"round {rnd} {variant:<10} w={w}: {result.eps:7.0f} ev/s  p50 {result.p50_ms:6.2f} ms  "
                        f"p99 {result.p99_ms:6.2f} ms  srv {result.server_cpu_ms:.3f} CPU-ms/ev"
                        + (f"\n    exactly-once: {result.check}" if result.check else ""),
                        flush=True,
                    )
        print_table(results, args)
    print()
    print(f"exactly-once check over all Dregs runs: {'PASS' if checks_ok else 'FAIL'}")
    print(f"total time {time.monotonic() - t_begin:.0f} s")
    if args.json:
        Path(args.json).write_text(
            json.dumps([{k: v for k, v in r.__dict__.items() if k != "acked"} for r in results], indent=1, default=str)
        )
    return 0 if checks_ok else 1


if __name__ == "__main__":
    sys.exit(main())
