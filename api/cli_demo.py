"""`dregs demo`: a demo team with a month of a shop's labelled traffic on a running Dregs, and how to sign in."""

import argparse
import logging
import sys
from typing import Any

import httpx

from adapters.settings import load_settings
from api.demo.seed import CATEGORIES, DemoError, Seeded, seed
from api.demo.traffic import KINDS

FAILED = 1


def add_commands(commands: Any) -> None:
    demo = commands.add_parser(
        "demo", help="make a demo team with a month of labelled traffic on a running Dregs (`dregs serve`)"
    )
    demo.add_argument("--url", help="the running Dregs (default: this machine's `dregs serve`)")
    demo.add_argument("--email", default="demo@example.com", help="the demo admin's address (default: %(default)s)")
    demo.add_argument("--password", help="the demo admin's password (default: a new one, printed)")
    demo.add_argument("--team", default="Demo shop")
    demo.add_argument("--people", type=int, default=90, help="genuine users; each kind of fraud in proportion")
    demo.add_argument("--seed", type=int, default=1, help="the same seed makes the same traffic")
    demo.set_defaults(func=_demo)


def _url(args: argparse.Namespace) -> str:
    if args.url:
        return args.url.rstrip("/")
    settings = load_settings()
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host  # noqa: S104 - read, not bound
    return f"http://{host}:{settings.port}"


def _progress(done: int, total: int) -> None:
    if done == total or done % 100 == 0:
        print(f"\r  events sent: {done}/{total}", end="\n" if done == total else "", flush=True)


def _demo(args: argparse.Namespace) -> None:
    logging.getLogger("httpx").setLevel(logging.WARNING)  # thousands of requests: the progress line tells enough
    url = _url(args)
    print(f"Making the demo team {args.team!r} on {url} …")
    try:
        made = seed(url, args.email, args.password, args.team, args.seed, args.people, _progress)
    except DemoError as exc:
        print(f"dregs demo: {exc}", file=sys.stderr)
        sys.exit(FAILED)
    except httpx.TransportError as exc:
        print(f"dregs demo: cannot reach {url} ({exc}); start Dregs first (`make run`)", file=sys.stderr)
        sys.exit(FAILED)
    _report(url, made)


def _report(url: str, made: Seeded) -> None:
    print(f"  {len(made.identities)} identities and {made.events} events, scored in {made.seconds:.0f} s\n")
    print("What Dregs made of each kind (mean scores; higher is better):")
    print(f"  {'kind':<20}{'count':>6}" + "".join(f"{c.title():>14}" for c in CATEGORIES) + "   e.g.")
    for kind in KINDS:
        members = [who.id for who in made.identities if who.kind == kind]
        means = made.scores.get(kind) or {}
        cells = "".join(f"{means[c]:>14.0f}" if c in means else f"{'—':>14}" for c in CATEGORIES)
        print(f"  {kind:<20}{len(members):>6}{cells}   {members[0] if members else ''}")
    print(f"\nSign in at {url}/login as {made.email} with the password {made.password}")
