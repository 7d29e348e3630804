"""`dregs audit …`: what an auditor runs beside the deployment (same DATABASE_URL, or the same DREGS_DATA_DIR).

`dregs audit export --team T IDENTITY [-o FILE]` writes an identity's record as hash-chained JSON lines, the
lines GET /api/audit/identities/{id}/export streams; `dregs audit verify FILE` checks such a file and names
its first broken line. `dregs audit replay [--team T] [--since INSTANT] [--limit N]` runs every recorded decision
again from its recorded inputs and exits non-zero on any that does not give what it recorded."""

import argparse
import dataclasses
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import IO, Any

from adapters.audit.notification_log import notification_log
from adapters.bootstrap import Container, start_container
from adapters.scoring.datasets import global_datasets
from adapters.settings import MIN_DB_POOL_SIZE, load_settings
from api.audit.identities import open_record
from api.cli_teams import team_named
from application.audit.export import export_lines
from application.audit.record import UnknownIdentity
from application.audit.replay import DecisionReplayer, Summary, Unreadable
from domain.audit.chain import verify
from domain.audit.replay import Outcome, Replay

BROKEN = 1  # `dregs audit verify`: the chain does not hold
USAGE = 2


def add_commands(commands: Any) -> None:
    audit = commands.add_parser(
        "audit", help="auditors' tools: an identity's record, exported and verified; decisions replayed"
    )
    actions = audit.add_subparsers(dest="action", required=True)
    export = actions.add_parser(
        "export", help="an identity's record as hash-chained JSON lines (it holds the identity's personal data)"
    )
    export.add_argument("--team", required=True, help="the team's id, or its name if no other team has it")
    export.add_argument("identity", help="the identity's id, as the team's app names it")
    export.add_argument("-o", "--output", help="the file to write (default: standard output)")
    export.set_defaults(func=_export)
    check = actions.add_parser("verify", help="check an export's hash chain; names the first broken line")
    check.add_argument("file", help="the export to check ('-': standard input)")
    check.set_defaults(func=_verify)
    _add_replay(actions)


def _container() -> Container:
    # Next to the deployment's processes: the smallest pools leave the connections to them.
    return start_container(dataclasses.replace(load_settings(), db_pool_size=MIN_DB_POOL_SIZE))


@contextmanager
def _output(path: str | None) -> Iterator[IO[bytes]]:
    if path is None or path == "-":
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    with open(path, "wb") as file:
        yield file


def _export(args: argparse.Namespace) -> None:
    container = _container()
    try:
        with container.views.connect() as conn:
            customer_id = team_named(conn, args.team)
        record = open_record(container, container.read_models, customer_id, args.identity)
        lines, last = 0, b""
        with _output(args.output) as out:
            for line in export_lines(record):
                out.write(line)
                lines, last = lines + 1, line
    except (LookupError, UnknownIdentity) as exc:
        message = f"team {args.team!r} has no identity {args.identity!r}" if isinstance(exc, UnknownIdentity) else exc
        print(f"dregs: {message}", file=sys.stderr)
        sys.exit(USAGE)
    finally:
        container.close()
    where = f" to {args.output}" if args.output and args.output != "-" else ""
    # The last hash, kept apart from the file, is what proves later that the whole chain is the one exported.
    print(f"{lines} lines exported{where} ({lines - 2} records); last hash {json.loads(last)['hash']}", file=sys.stderr)


def _verify(args: argparse.Namespace) -> None:
    try:
        with open(args.file, "rb") if args.file != "-" else _stdin() as file:
            verdict = verify(file)
    except OSError as exc:
        print(f"dregs: cannot read {args.file}: {exc.strerror or exc}", file=sys.stderr)
        sys.exit(USAGE)
    if not verdict.ok:
        print(f"{args.file}: {verdict}", file=sys.stderr)
        sys.exit(BROKEN)
    print(verdict)


@contextmanager
def _stdin() -> Iterator[IO[bytes]]:
    yield sys.stdin.buffer


# `dregs audit replay`: every recorded decision run again from its recorded inputs.
DIVERGED = 1  # a decision replayed to other scores, observations or badges than it recorded
UNREPLAYABLE = 3  # none diverged, but some could not be replayed (and --allow-unreplayable was not given)


def _add_replay(actions: Any) -> None:
    replay = actions.add_parser(
        "replay",
        help="re-run every recorded decision from its recorded inputs and prove it gives the same result",
        description="Re-runs every FraudDecision of the Scoring log from the inputs it recorded (its profile, and "
        "the datasets as they stood: the GLOBAL lists this installation ships plus the team's own entries as of "
        "the decision's team datasets version) under the rules of its own version, and compares the scores, "
        "observations and analyzer badges with those recorded. A decision is NOT REPLAYABLE when this code cannot "
        "run it as it was run: its rules version is not one this code keeps, its GLOBAL datasets version is not "
        "the one installed, its team datasets version names no change of the team's in the log, or its "
        "recorded profile cannot be read; such a decision is never counted as verified. A decision about an "
        "identity erased since (DELETE /api/identities/{id}) is counted as ERASED: its inputs are unreadable by "
        "design, its recorded scores stand, and it fails nothing. "
        f"Exit status: 0 when every decision replayed verified (or erased); {DIVERGED} when any diverged (each "
        f"printed as a diff); {UNREPLAYABLE} when none diverged but some were not replayable (0 with "
        "--allow-unreplayable).",
    )
    replay.add_argument("--team", help="only this team's decisions: its id, or its name if no other team has it")
    replay.add_argument(
        "--since", type=_instant, metavar="INSTANT", help="only decisions finished at or after this ISO 8601 instant"
    )
    replay.add_argument("--limit", type=_positive, metavar="N", help="stop after this many decisions")
    replay.add_argument(
        "--allow-unreplayable",
        action="store_true",
        help="exit 0 even if some decisions were not replayable (they are still listed, with the reason)",
    )
    replay.set_defaults(func=_replay)


def _instant(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not an ISO 8601 instant (e.g. 2026-12-01T00:00:00Z)") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of at least 1")
    return number


def _replay(args: argparse.Namespace) -> None:
    from tqdm import tqdm

    container = _container()
    try:
        team = None
        if args.team is not None:
            with container.views.connect() as conn:
                team = team_named(conn, args.team)
        scoring = container.scoring
        replayer = DecisionReplayer(notification_log(scoring.recorder), scoring.mapper, global_datasets())
        # On standard error, and only on a terminal: the diffs and the summary on standard output stay clean.
        bar = tqdm(total=replayer.head(), unit=" events", unit_scale=True, desc="replaying", file=sys.stderr,
                   disable=None, dynamic_ncols=True)  # fmt: skip
        with bar:

            def progress(summary: Summary) -> None:
                bar.update(summary.position - bar.n)
                bar.set_postfix_str(f"verified {summary.verified:,}, diverged {summary.diverged:,}, "
                                    f"not replayable {summary.not_replayable:,}", refresh=False)  # fmt: skip

            def found(result: Replay | Unreadable) -> None:
                if isinstance(result, Unreadable):
                    bar.write(f"NOT REPLAYABLE {result}", file=sys.stdout)
                elif result.outcome not in (Outcome.VERIFIED, Outcome.ERASED):
                    bar.write(_shown_replay(result), file=sys.stdout)

            summary = replayer.run(team=team, since=args.since, limit=args.limit, found=found, progress=progress)
    except LookupError as exc:
        print(f"dregs: {exc}", file=sys.stderr)
        sys.exit(USAGE)
    finally:
        container.close()
    print(_replay_summary(summary))
    if summary.diverged:
        sys.exit(DIVERGED)
    if summary.not_replayable and not args.allow_unreplayable:
        sys.exit(UNREPLAYABLE)


def _shown_replay(result: Replay) -> str:
    d = result.decision
    head = (f"team {d.customer_id} identity {d.identity!r} cycle {d.cycle_id} (finished {d.finished_at.isoformat()}, "
            f"rules {d.rules_version}, datasets {d.datasets_version})")  # fmt: skip
    if result.outcome is Outcome.NOT_REPLAYABLE:
        return f"NOT REPLAYABLE {head}\n  {result.reason}"
    return "\n".join([f"DIVERGED {head}", *(f"  {difference}" for difference in result.differences)])


def _replay_summary(s: Summary) -> str:
    rate = f"{s.events_per_second:,.0f} events/s" if s.seconds > 0 else "-"
    return (
        f"{s.replayed:,} decisions replayed: {s.verified:,} verified, {s.diverged:,} diverged, "
        f"{s.not_replayable:,} not replayable, {s.erased:,} erased (inputs erased on request: scores kept, "
        "not re-run)\n"
        f"{s.events_read:,} events read ({s.events_decoded:,} decoded) up to position {s.position:,} of "
        f"{s.head:,} in {s.seconds:.2f} s: {rate}"
    )
