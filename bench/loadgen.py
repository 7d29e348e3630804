"""Closed-loop HTTP/1.1 keep-alive load generator for ``POST /api/events``.

Raw asyncio streams (no HTTP library) to keep the generator's CPU cost per
request low: on a 2-core machine it shares the CPU with the server under test.
bench/ingest.py starts one or more of these as separate processes; each runs
``--clients`` connections against 127.0.0.1 only, from ``--start`` until
``--end`` (CLOCK_MONOTONIC, shared by all processes on the machine), then lets
every in-flight request finish (bounded by ``--drain``) and writes a JSON
result file:

    ok / statuses / errors         counted for responses completed inside the
                                   measured window [--measure-from, --end]
    latencies_us                   of those responses
    acked                          every event id answered 200 with a non-null
                                   id, over the whole run (warm-up included)
    sent_unique, replays, mismatched_ids

About ``--replay`` of the requests reuse an event id this process already sent
(with the same body): idempotent replays.

With ``--rate R`` it is an open-loop generator instead (bench/decide_latency.py): R requests
per second on a fixed schedule, no replays, latency counted from each request's scheduled time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import time

HOST = "127.0.0.1"
MAX_RECONNECTS = 200


# Traffic shapes (--traffic). "ring": each event gives its identity a new address, all on one mailbox stem
# (u1@, u2@, ...), so every event links its identity to all the others and makes them due again: a stress
# pattern, the shape bench/ingest.py has always measured. "population": each identity keeps one address
# with a mailbox of its own, as an app's existing users do when they log in.
TRAFFIC = ("ring", "population")
_CONSONANTS = "bdfgklmnprstvz"
_VOWELS = "aeiou"


def mailbox(k: int) -> str:
    """A letters-only mailbox of three to four syllables, one per k (no trailing digits: no shared stem)."""
    syllables = []
    k += len(_CONSONANTS) * len(_VOWELS) * 70  # at least three syllables
    while k:
        k, s = divmod(k, len(_CONSONANTS) * len(_VOWELS))
        syllables.append(_CONSONANTS[s // len(_VOWELS)] + _VOWELS[s % len(_VOWELS)])
    return "".join(syllables)


def body_for(prefix: str, n: int, identities: int = 2000, traffic: str = "ring") -> bytes:
    k = n % identities
    email = f"u{n}@example.com" if traffic == "ring" else f"{mailbox(k)}@example.com"
    return (
        '{"id":"%s-%d","type":"user.login","data":{"plan":"pro"},'
        '"identity":{"id":"user_%d","data":{"email":"%s"}},"source":"bench"}' % (prefix, n, k, email)
    ).encode()


class Stats:
    def __init__(self) -> None:
        self.ok = 0
        self.statuses: dict[int, int] = {}
        self.errors: dict[str, int] = {}
        self.latencies_us: list[int] = []
        self.acked: set[str] = set()
        self.sent: list[int] = []  # n of every unique event sent, for replays
        self.replays = 0
        self.mismatched = 0
        self.reconnects = 0


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    lower = head.lower()
    keep_alive = b"connection: close" not in lower
    i = lower.find(b"content-length:")
    if i >= 0:
        j = lower.index(b"\r\n", i)
        body = await reader.readexactly(int(lower[i + 15 : j]))
        return status, body, keep_alive
    if b"transfer-encoding: chunked" in lower:
        parts = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            chunk = await reader.readexactly(size + 2)
            if size == 0:
                break
            parts.append(chunk[:-2])
        return status, b"".join(parts), keep_alive
    return status, b"", False


def record(args: argparse.Namespace, stats: Stats, n: int, status: int, payload: bytes, t0: float, t1: float) -> None:
    if status == 200:
        answered = json.loads(payload).get("id")
        if answered is not None:
            expected = f"{args.prefix}-{n}"
            if answered == expected:
                stats.acked.add(answered)
            else:
                stats.mismatched += 1
    if args.measure_from <= t1 <= args.end:
        stats.statuses[status] = stats.statuses.get(status, 0) + 1
        if status == 200:
            stats.ok += 1
        stats.latencies_us.append(int((t1 - t0) * 1e6))


def request_head(args: argparse.Namespace) -> str:
    return (
        f"POST /api/events HTTP/1.1\r\nHost: {HOST}:{args.port}\r\nContent-Type: application/json\r\n"
        + (f"Authorization: Bearer {args.auth}\r\n" if args.auth else "")
        + "Content-Length: %d\r\n\r\n"
    )


async def client(args: argparse.Namespace, stats: Stats, rng: random.Random, counter: list[int]) -> None:
    head = request_head(args)
    reader = writer = None
    try:
        while time.monotonic() < args.end:
            if writer is None:
                reader, writer = await asyncio.open_connection(HOST, args.port)
            if stats.sent and rng.random() < args.replay:
                n = rng.choice(stats.sent)
                stats.replays += 1
            else:
                n = counter[0]
                counter[0] += 1
                stats.sent.append(n)
            body = body_for(args.prefix, n, args.identities, args.traffic)
            t0 = time.monotonic()
            try:
                writer.write((head % len(body)).encode() + body)
                status, payload, keep_alive = await read_response(reader)
            except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                name = type(exc).__name__
                stats.errors[name] = stats.errors.get(name, 0) + 1
                writer.close()
                writer = None
                stats.reconnects += 1
                if stats.reconnects > MAX_RECONNECTS:
                    raise RuntimeError("too many connection errors") from exc
                await asyncio.sleep(0.01)
                continue
            record(args, stats, n, status, payload, t0, time.monotonic())
            if not keep_alive:
                writer.close()
                writer = None
    finally:
        if writer is not None:
            writer.close()


async def open_loop(args: argparse.Namespace, stats: Stats, counter: list[int]) -> None:
    """--rate requests per second on a fixed schedule, however long the answers take. A request's
    latency counts from its scheduled time, so a server that falls behind is not hidden by the
    generator waiting for it (coordinated omission). At most --clients connections are open; a
    request waits for a free one, and that wait counts too."""
    head = request_head(args)
    idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
    slots = asyncio.Semaphore(args.clients)
    in_flight: set[asyncio.Task] = set()

    async def one(n: int, scheduled: float) -> None:
        async with slots:
            body = body_for(args.prefix, n, args.identities, args.traffic)
            while True:
                conn = idle.pop() if idle else None
                reused = conn is not None
                try:
                    if conn is None:
                        conn = await asyncio.open_connection(HOST, args.port)
                    conn[1].write((head % len(body)).encode() + body)
                    status, payload, keep_alive = await read_response(conn[0])
                    break
                except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                    if conn is not None:
                        conn[1].close()
                    if reused and not isinstance(exc, ValueError):
                        # The server closed a connection that sat idle past its keep-alive timeout
                        # (uvicorn: 5 s) before reading the request: send it again on another.
                        stats.reconnects += 1
                        continue
                    name = type(exc).__name__
                    stats.errors[name] = stats.errors.get(name, 0) + 1
                    return
            record(args, stats, n, status, payload, scheduled, time.monotonic())
            if keep_alive:
                idle.append(conn)
            else:
                conn[1].close()

    interval = 1.0 / args.rate
    scheduled = args.start
    try:
        while scheduled < args.end:
            delay = scheduled - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            n = counter[0]
            counter[0] += 1
            stats.sent.append(n)
            task = asyncio.create_task(one(n, scheduled))
            in_flight.add(task)
            task.add_done_callback(in_flight.discard)
            scheduled += interval
        if in_flight:
            await asyncio.wait(set(in_flight))
    finally:
        for _, writer in idle:
            writer.close()


async def main_async(args: argparse.Namespace) -> Stats:
    stats = Stats()
    rng = random.Random(args.seed)
    counter = [0]
    delay = args.start - time.monotonic()
    if delay > 0:
        await asyncio.sleep(delay)
    if args.rate:
        tasks = [asyncio.create_task(open_loop(args, stats, counter))]
    else:
        tasks = [asyncio.create_task(client(args, stats, rng, counter)) for _ in range(args.clients)]
    # Bounded: clients stop issuing at --end; whatever is still in flight gets --drain seconds.
    timeout = max(0.0, args.end - time.monotonic()) + args.drain
    done, pending = await asyncio.wait(tasks, timeout=timeout)
    for task in pending:
        task.cancel()
        stats.errors["drain_timeout"] = stats.errors.get("drain_timeout", 0) + 1
    for task in done:
        if task.exception() is not None:
            name = type(task.exception()).__name__
            stats.errors[name] = stats.errors.get(name, 0) + 1
    return stats


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--clients", type=int, default=16)
    p.add_argument("--start", type=float, required=True, help="time.monotonic() to start sending")
    p.add_argument("--measure-from", type=float, required=True, help="time.monotonic() the measured window opens")
    p.add_argument("--end", type=float, required=True, help="time.monotonic() to stop sending")
    p.add_argument("--drain", type=float, default=15.0)
    p.add_argument("--auth", default=os.environ.get("BENCH_AUTH", ""), help="bearer token (default: $BENCH_AUTH)")
    p.add_argument("--prefix", required=True, help="event id prefix, unique per process and run")
    p.add_argument("--replay", type=float, default=0.1)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--identities", type=int, default=2000, help="events spread over this many identities")
    p.add_argument("--traffic", choices=TRAFFIC, default="ring", help="the events' shape (see TRAFFIC; default ring)")
    p.add_argument(
        "--rate",
        type=float,
        default=0.0,
        help="open loop: this many requests/s (no replays), --clients connections at most",
    )
    p.add_argument("--out", required=True)
    args = p.parse_args()
    if args.end - args.start > 600:
        sys.exit("refusing to run for more than 10 minutes")
    stats = asyncio.run(main_async(args))
    with open(args.out, "w") as f:
        json.dump(
            {
                "ok": stats.ok,
                "statuses": stats.statuses,
                "errors": stats.errors,
                "latencies_us": stats.latencies_us,
                "acked": sorted(stats.acked),
                "sent_unique": len(stats.sent),
                "replays": stats.replays,
                "mismatched_ids": stats.mismatched,
            },
            f,
        )


if __name__ == "__main__":
    main()
