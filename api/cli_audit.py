"""`dregs audit …`: what an auditor runs beside the deployment (same DATABASE_URL, or the same DREGS_DATA_DIR).

`dregs audit export --team T IDENTITY [-o FILE]` writes an identity's record as hash-chained JSON lines, the
lines GET /api/audit/identities/{id}/export streams; `dregs audit verify FILE` checks such a file and names
its first broken line."""

import argparse
import dataclasses
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any
from uuid import UUID

from adapters.bootstrap import Container, start_container
from adapters.settings import MIN_DB_POOL_SIZE, load_settings
from api.audit.identities import open_record
from application.audit.export import export_lines
from application.audit.record import UnknownIdentity
from domain.audit.chain import verify
from projections.team.queries.limits import all_teams

BROKEN = 1  # `dregs audit verify`: the chain does not hold
USAGE = 2


def add_commands(commands: Any) -> None:
    audit = commands.add_parser("audit", help="auditors' tools: an identity's record, exported and verified")
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


def team_named(conn: Any, wanted: str) -> UUID:
    """A team by its id, or by its name if no other team has it; LookupError otherwise."""
    teams = all_teams(conn)
    try:
        by_id = UUID(wanted)
    except ValueError:
        by_id = None
    found = [t["customer_id"] for t in teams if t["customer_id"] == by_id or t["name"] == wanted]
    if not found:
        raise LookupError(f"no team {wanted!r} (dregs teams list shows them)")
    if len(found) > 1:
        raise LookupError(f"{len(found)} teams are named {wanted!r}: name the team by its id")
    return found[0]


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
