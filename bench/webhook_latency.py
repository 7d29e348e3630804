"""Event accepted → webhook received: how soon an app hears about a score, and how bursts coalesce.

The production layout of bench/layout.py (web workers, `dregs run projections|scoring`
on a fresh PostgreSQL database, Redis under a key prefix of its own) plus the delivery worker
(`dregs run worker`, with DREGS_WEBHOOKS_ALLOW_PRIVATE_NETWORKS=true so it may post to 127.0.0.1). The
team has a WEBHOOK channel subscribed to IDENTITY_SCORED whose URL is a receiver in this process: it
answers 200 at once and records each delivery's arrival time by `data.identityId`, and checks its
Standard Webhooks signature with the channel's signing secret.

  1. first event  probes: one event each on a new identity, --probe-rate per second, nothing else;
                  latency from the moment POST /api/events answered to the first IDENTITY_SCORED
                  webhook for that identity
  2. capacity     closed-loop plain POST /api/events, short (as bench/decide_latency.py)
  3. half load    the same probes while bench/loadgen.py --rate sends plain events open loop at half
                  the measured capacity over --identities identities (their webhooks arrive too;
                  --traffic as bench/decide_latency.py)
  4. bursts       --burst-events events sent back to back on each of --bursts identities; once
                  deliveries stop, the distinct cycles (data.cycleId) each identity was scored in

Goal of issue 12: p50 <= 300 ms and p99 <= 1 s for a new identity's first event (PASS/FAIL printed),
bursts coalesced into few cycles. Exit 1 only when something is broken: a probe never heard about
(--wait seconds), a delivery whose signature does not verify, an acknowledged event missing.

Needs the channels API (POST /api/channels) and the delivery worker (`dregs run worker`): it stops
with a message naming what is missing otherwise.

Example (~2 minutes):
    .venv/bin/python bench/webhook_latency.py
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import ingest
from layout import (
    background_load,
    layout_parser,
    loaded_rate,
    measure_capacity,
    parse_layout_args,
    pct,
    running_layout,
    settle,
)

GOAL_P50_MS, GOAL_P99_MS = 300.0, 1000.0


# --- the receiver ---------------------------------------------------------------------------


@dataclass
class Arrival:
    at: float  # time.monotonic() when the body had been read
    event: str
    webhook_id: str
    cycle_id: int | None


@dataclass
class Receiver:
    secret: str | None = None
    arrivals: dict[str, list[Arrival]] = field(default_factory=lambda: defaultdict(list))
    bad_signatures: int = 0
    unreadable: int = 0
    total: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    def start(self) -> str:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                at = time.monotonic()
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()
                receiver.record(at, body, dict(self.headers))

            def log_message(self, *_: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, name="webhook-receiver", daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def record(self, at: float, body: bytes, headers: dict[str, str]) -> None:
        lowered = {k.lower(): v for k, v in headers.items()}
        try:
            payload = json.loads(body)
            identity = payload["data"]["identityId"]
        except (ValueError, KeyError, TypeError):
            with self.lock:
                self.unreadable += 1
            return
        verified = True
        if self.secret is not None:
            from standardwebhooks import Webhook  # noqa: PLC0415 - a dependency of the server

            try:
                Webhook(self.secret).verify(body, lowered)
            except Exception:
                verified = False
        with self.lock:
            self.total += 1
            self.bad_signatures += not verified
            self.arrivals[identity].append(
                Arrival(at, payload.get("event", ""), lowered.get("webhook-id", ""), payload["data"].get("cycleId"))
            )

    def first_scored(self, identity: str) -> float | None:
        with self.lock:
            times = [a.at for a in self.arrivals.get(identity, []) if a.event == "IDENTITY_SCORED"]
        return min(times) if times else None

    def cycles(self, identity: str) -> set[int]:
        with self.lock:
            return {a.cycle_id for a in self.arrivals.get(identity, []) if a.cycle_id is not None}

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()


# --- what must exist ------------------------------------------------------------------------


def require_worker_command() -> None:
    dregs = Path(ingest.PYTHON).with_name("dregs")
    usage = subprocess.run([str(dregs), "run", "--help"], capture_output=True, text=True, check=False).stdout
    if "worker" not in usage:
        sys.exit(
            "`dregs run worker` is missing (the delivery worker comes with the webhook-sending branch): "
            f"`dregs run --help` offers only:\n{usage}"
        )


def create_channel(base: str, token: str, url: str) -> str:
    """A WEBHOOK channel for IDENTITY_SCORED pointing at the receiver; returns its signing secret."""
    body = {"name": "Bench receiver", "type": "WEBHOOK", "config": {"url": url}, "events": ["IDENTITY_SCORED"]}
    r = httpx.post(f"{base}/api/channels", json=body, headers={"Authorization": f"Bearer {token}"}, timeout=30)
    if r.status_code in (404, 405):
        sys.exit(f"POST /api/channels answered {r.status_code}: the channels API is not in this server yet")
    if r.status_code != 201 or "signingSecret" not in r.json():
        sys.exit(f"POST /api/channels answered {r.status_code} {r.text[:500]}: expected 201 with a signingSecret")
    return r.json()["signingSecret"]


# --- probes ---------------------------------------------------------------------------------


@dataclass
class Probes:
    accepted: dict[str, float] = field(default_factory=dict)  # identity → when its event was answered 200
    acked: set[str] = field(default_factory=set)
    failed: dict[str, int] = field(default_factory=dict)


async def send_probes(base: str, key: str, prefix: str, rate: float, start: float, end: float) -> Probes:
    """Open loop: one event on a new identity every 1/rate s from `start` to `end`."""
    out = Probes()

    async def one(http: httpx.AsyncClient, n: int) -> None:
        identity = f"{prefix}-id{n}"
        body = {
            "id": f"{prefix}-{n}",
            "type": "signup",
            "identity": {"id": identity, "data": {"email": f"person.{n}@example.org", "name": f"Person {n}"}},
            "source": "bench",
        }
        try:
            r = await http.post("/api/events", json=body)
        except httpx.HTTPError as exc:
            out.failed[type(exc).__name__] = out.failed.get(type(exc).__name__, 0) + 1
            return
        if r.status_code == 200 and r.json().get("id") == body["id"]:
            out.accepted[identity] = time.monotonic()
            out.acked.add(body["id"])
        else:
            out.failed[str(r.status_code)] = out.failed.get(str(r.status_code), 0) + 1

    async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=30) as http:
        tasks: set[asyncio.Task] = set()
        scheduled, n = start, 0
        while scheduled < end:
            await asyncio.sleep(max(0.0, scheduled - time.monotonic()))
            task = asyncio.create_task(one(http, n))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
            n += 1
            scheduled += 1 / rate
        if tasks:
            await asyncio.wait(set(tasks))
    return out


def heard(receiver: Receiver, probes: Probes, wait: float) -> tuple[list[float], int]:
    """Latencies (ms) from acceptance to the first IDENTITY_SCORED webhook; how many never came in `wait` s."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if all(receiver.first_scored(i) is not None for i in probes.accepted):
            break
        time.sleep(0.2)
    latencies = []
    for identity, accepted in probes.accepted.items():
        first = receiver.first_scored(identity)
        if first is not None:
            latencies.append((first - accepted) * 1000)
    return latencies, len(probes.accepted) - len(latencies)


def line(label: str, latencies: list[float], missing: int) -> str:
    return (
        f"  {label:<12}{len(latencies):>6}{pct(latencies, 0.5):>9.1f}{pct(latencies, 0.9):>9.1f}"
        f"{pct(latencies, 0.99):>9.1f}{max(latencies, default=float('nan')):>9.1f}{missing:>9}"
    )


# --- bursts ---------------------------------------------------------------------------------


async def send_bursts(base: str, key: str, prefix: str, bursts: int, events: int) -> set[str]:
    """`events` events back to back (each after the previous answer) on each of `bursts` identities at once."""
    acked: set[str] = set()

    async def burst(http: httpx.AsyncClient, b: int) -> None:
        identity = f"{prefix}-id{b}"
        for n in range(events):
            body = {
                "id": f"{prefix}-{b}-{n}",
                "type": "signup" if n == 0 else "page_view",
                "identity": {"id": identity, "data": {"email": f"burst.{b}@example.org"}},
                "source": "bench",
            }
            r = await http.post("/api/events", json=body)
            if r.status_code == 200 and r.json().get("id") == body["id"]:
                acked.add(body["id"])

    async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=30) as http:
        await asyncio.gather(*(burst(http, b) for b in range(bursts)))
    return acked


def wait_until_quiet(receiver: Receiver, identities: list[str], quiet: float, limit: float) -> None:
    """Until no delivery for these identities arrived for `quiet` s (bounded by `limit`)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        with receiver.lock:
            last = max((a.at for i in identities for a in receiver.arrivals.get(i, [])), default=None)
        if last is not None and time.monotonic() - last >= quiet:
            return
        time.sleep(0.2)


# --- main -----------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = layout_parser(
        __doc__,
        duration_help="seconds of probes in each phase (default 20)",
        identities_help="identities of the background load (2000)",
    )
    p.add_argument("--probe-rate", type=float, default=4.0, help="new identities per second (default 4)")
    p.add_argument("--bursts", type=int, default=10, help="identities each sent a burst (default 10)")
    p.add_argument("--burst-events", type=int, default=20, help="events per burst (default 20)")
    p.add_argument("--wait", type=float, default=60.0, help="seconds a probe's webhook may take before it is missing")
    p.set_defaults(decide_timeout_ms=500)  # layout.dregs_env sets it; no decisions are asked for here
    args = parse_layout_args(p, argv)
    if not 0 < args.probe_rate <= 100:
        p.error("probe-rate in (0, 100]")
    return args


def main(argv: list[str] | None = None) -> int:  # noqa: PLR0915 - one benchmark, step by step
    args = parse_args(argv)
    require_worker_command()
    tag = "wh" + secrets.token_hex(3)
    broken: list[str] = []
    receiver = Receiver()
    url = receiver.start()
    t_begin = time.monotonic()
    layout_env = {
        "DREGS_WEBHOOKS_ALLOW_PRIVATE_NETWORKS": "true",
        # One channel hears every cycle here: the per-channel limit (100/s by default) would measure itself.
        "DREGS_RATE_LIMIT_CHANNEL_DELIVERIES": "off",
    }
    with running_layout(args, "webhook", ("scoring", "worker"), layout_env) as layout:
        db_url, server = layout.db_url, layout.server
        acked: set[str] = set()
        try:
            token, key = ingest.sign_up_with_session(server.base)
            receiver.secret = create_channel(server.base, token, url)
            layout.check_alive()

            # 1. A new identity's first event, nothing else going on.
            start = time.monotonic() + 0.5
            idle = asyncio.run(send_probes(server.base, key, f"{tag}-i", args.probe_rate, start, start + args.duration))
            acked |= idle.acked
            idle_ms, idle_missing = heard(receiver, idle, args.wait)
            layout.check_alive()

            # 2. Capacity.
            capacity = measure_capacity(layout, args, key, f"{tag}-cap")
            acked |= capacity.acked
            settle(db_url, args)

            # 3. The same probes at half load.
            rate, load_label = loaded_rate(capacity.eps, args)
            launch = time.monotonic() + 0.5
            end = launch + args.duration
            received_before = receiver.total
            load = background_load(layout, key, f"{tag}-bg", rate, args, launch, launch, end)
            loaded = asyncio.run(send_probes(server.base, key, f"{tag}-h", args.probe_rate, launch, end))
            background = load.result()
            acked |= loaded.acked | set(background["acked"])
            loaded_ms, loaded_missing = heard(receiver, loaded, args.wait)
            deliveries_per_s = (receiver.total - received_before) / (time.monotonic() - launch)
            layout.check_alive()
            settle(db_url, args)

            # 4. Bursts on one identity each.
            acked |= asyncio.run(send_bursts(server.base, key, f"{tag}-b", args.bursts, args.burst_events))
            burst_ids = [f"{tag}-b-id{b}" for b in range(args.bursts)]
            wait_until_quiet(receiver, burst_ids, quiet=5.0, limit=args.wait)
            cycles = [len(receiver.cycles(i)) for i in burst_ids]
            layout.check_alive()
        finally:
            server.stop()
            receiver.stop()

        ingest.wait_for_projection(db_url, 30)
        good, detail = ingest.check_exactly_once(db_url, acked, tag)
        if not good:
            broken.append("acknowledged events missing or duplicated: " + detail)
        if idle_missing or loaded_missing:
            broken.append(
                f"probes never heard about within {args.wait:g} s: {idle_missing} idle, {loaded_missing} loaded"
            )
        if receiver.bad_signatures or receiver.unreadable:
            broken.append(f"{receiver.bad_signatures} deliveries failed verification, {receiver.unreadable} unreadable")
        for label, probes in (("idle", idle), ("loaded", loaded)):
            if probes.failed:
                broken.append(f"{label} probes refused: {probes.failed}")

        print()
        print(
            f"{os.cpu_count()} CPUs; web workers {args.workers} + projections + scoring + worker; "
            f"{args.probe_rate:g} new identities/s for {args.duration:g} s per phase"
        )
        bg_ok = background["ok"] / args.duration
        print(
            f"{load_label}: {rate:.0f} events/s asked, {bg_ok:.0f}/s answered over {args.identities} identities "
            f"({args.traffic} traffic); "
            f"{deliveries_per_s:.0f} webhooks/s received meanwhile"
        )
        print()
        print(f"  {'accepted → webhook':<12}{'n':>6}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'max ms':>9}{'missing':>9}")
        print(line("first event", idle_ms, idle_missing))
        print(line(load_label, loaded_ms, loaded_missing))
        p50, p99 = pct(idle_ms, 0.5), pct(idle_ms, 0.99)
        verdict = "PASS" if p50 <= GOAL_P50_MS and p99 <= GOAL_P99_MS else "FAIL"
        print(
            f"\ngoal for a new identity's first event, p50 <= {GOAL_P50_MS:.0f} ms and p99 <= {GOAL_P99_MS:.0f} ms: "
            f"{verdict} (p50 {p50:.1f} ms, p99 {p99:.1f} ms)"
        )
        print(
            f"bursts: {args.burst_events} events on each of {args.bursts} identities → cycles per identity: "
            f"mean {sum(cycles) / len(cycles):.1f}, max {max(cycles)} ({sorted(cycles)})"
        )
        print(f"exactly-once check of every acknowledged event: {'PASS' if good else 'FAIL'}  {detail}")
    for b in broken:
        print("BROKEN:", b)
    print(f"total time {time.monotonic() - t_begin:.0f} s")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
