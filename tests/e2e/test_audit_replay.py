"""`dregs audit replay` (issue 16) on a live server's store, SQLite and PostgreSQL: decisions made by real scoring
(events sent through the official SDK, a team dataset entry put between two cycles of one identity) all replay
verified; a decision whose stored score is changed in the database replays diverged, printed as a diff naming its
identity, cycle and score, and the command exits 1; one whose stored rules version is another is not replayable,
never verified (exit 3, or 0 with --allow-unreplayable); --team, --since and --limit choose what is replayed.

The command runs as an operator runs it: its own process (so another hash seed than the server's), beside the
running server, on the same database. Each DB gets a fresh server: these tests change stored events."""

import contextlib
import os
import re
import secrets
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import psycopg
import pytest

from domain.scoring.fraud_decision import FraudDecision
from tests.support import PASSWORD, LiveServer, Team, fresh_postgres_database, live_server, sign_up, wait_until

TIMEOUT = 60
DISPOSABLE = "/api/datasets/CUSTOMER/disposable_email_domains/entries"
OLD_RULES = "2020.01.01-1"


@dataclass
class Scored:
    server: LiveServer
    first: Team  # two identities; one scored before and after the team's dataset entry for its domain
    first_name: str
    first_id: str
    second: Team
    second_id: str
    ada: str


def decisions(server: LiveServer) -> list[tuple[int, FraudDecision.Decided]]:
    """(position, event) of every decision in the store, in log order."""
    scoring = server.container.scoring
    found, start = [], 0
    while page := scoring.recorder.select_notifications(start + 1, 500):
        for n in page:
            e = scoring.mapper.to_domain_event(n)
            if isinstance(e, FraudDecision.Decided):
                found.append((n.id, e))
        start = page[-1].id
    return found


def of_identity(server: LiveServer, identity: str) -> list[FraudDecision.Decided]:
    return [e for _, e in decisions(server) if e.identity == identity]


def customer_id(team: Team) -> str:
    return str(team.server.container.accounts.log_in(team.email, PASSWORD).customer_id)


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def scored(request: pytest.FixtureRequest) -> Iterator[Scored]:
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(fresh_postgres_database()) if request.param == "postgres" else None
        server = stack.enter_context(live_server(url))
        tag = secrets.token_hex(4)
        first_name = f"Replay first {tag}"
        first, second = sign_up(server, first_name), sign_up(server, f"Replay second {tag}")
        ada, domain = f"ada-{tag}", f"burner-{tag}.example"
        first.sdk().track("signup", identity=ada, event_id=f"{tag}-1",
                          identity_data={"email": f"ada.lovelace@{domain}", "name": "Ada Lovelace"})  # fmt: skip
        before = wait_until(lambda: of_identity(server, ada), TIMEOUT, "ada's first decision")[0]
        r = first.dashboard.put(DISPOSABLE, json={"key": domain})
        assert r.status_code == 200, r.text
        # Scored only once the read models hold the entry: the next cycle reads its team version there.
        wait_until(lambda: domain in first.dashboard.get(DISPOSABLE).text, TIMEOUT, "the entry to be listed")
        first.sdk().track("login", identity=ada, event_id=f"{tag}-2")

        def rescored() -> FraudDecision.Decided | None:
            return next((e for e in of_identity(server, ada) if e.cycle_id > before.cycle_id), None)

        after = wait_until(rescored, TIMEOUT, "ada's decision after the entry")
        # The entry made a difference, so a replay against the wrong entries would diverge.
        assert before.datasets_version.endswith("+c0") and not after.datasets_version.endswith("+c0")
        assert after.scores["AUTHENTICITY"] < before.scores["AUTHENTICITY"]
        first.sdk().track("signup", identity=f"bob-{tag}", event_id=f"{tag}-3", identity_data={"email": "b@gmail.com"})
        second.sdk().track("signup", identity=f"cy-{tag}", event_id=f"{tag}-4", identity_data={"email": "c@gmx.de"})
        wait_until(lambda: of_identity(server, f"bob-{tag}") and of_identity(server, f"cy-{tag}"), TIMEOUT,
                   "the other identities' decisions")  # fmt: skip
        yield Scored(server, first, first_name, customer_id(first), second, customer_id(second), ada)


@dataclass
class Run:
    code: int
    out: str
    err: str
    head: int  # the log position the run read up to

    def counts(self) -> tuple[int, int, int, int]:
        found = re.search(r"([\d,]+) decisions replayed: ([\d,]+) verified, ([\d,]+) diverged, ([\d,]+) not replayable",
                          self.out)  # fmt: skip
        assert found, self.out + self.err
        replayed, verified, diverged, unreplayable = (int(g.replace(",", "")) for g in found.groups())
        return replayed, verified, diverged, unreplayable


def replay(server: LiveServer, *argv: str) -> Run:
    settings = server.settings
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(DREGS_DATA_DIR=str(settings.data_dir), DREGS_JWT_SECRET=settings.jwt_secret,
               DREGS_KEY_HASH_SECRET=settings.key_hash_secret)  # fmt: skip
    if settings.database_url:
        env["DATABASE_URL"] = settings.database_url
    done = subprocess.run([sys.executable, "-m", "api.cli", "audit", "replay", *argv],
                          env=env, capture_output=True, text=True, timeout=180)  # fmt: skip
    head = re.search(r"up to position ([\d,]+)", done.stdout)
    return Run(done.returncode, done.stdout, done.stderr, int(head.group(1).replace(",", "")) if head else 0)


def expected(server: LiveServer, run: Run, keep: Callable[[FraudDecision.Decided], bool] = lambda _: True) -> int:
    return sum(1 for position, e in decisions(server) if position <= run.head and keep(e))


def test_every_decision_of_real_scoring_replays_verified(scored: Scored) -> None:
    run = replay(scored.server)
    assert run.code == 0, run.out + run.err
    total = expected(scored.server, run)
    assert total >= 4
    assert run.counts() == (total, total, 0, 0)
    assert "DIVERGED" not in run.out and "NOT REPLAYABLE" not in run.out
    assert re.search(r"events read \([\d,]+ decoded\) up to position [\d,]+ of [\d,]+ in [\d.]+ s: [\d,]+ events/s",
                     run.out)  # fmt: skip


def test_team_and_limit_choose_the_decisions(scored: Scored) -> None:
    by_name = replay(scored.server, "--team", scored.first_name)
    assert by_name.code == 0, by_name.out + by_name.err
    mine = expected(scored.server, by_name, lambda e: str(e.customer_id) == scored.first_id)
    assert mine >= 3 and by_name.counts() == (mine, mine, 0, 0)
    by_id = replay(scored.server, "--team", scored.second_id)
    theirs = expected(scored.server, by_id, lambda e: str(e.customer_id) == scored.second_id)
    assert by_id.code == 0 and theirs >= 1 and by_id.counts() == (theirs, theirs, 0, 0)
    assert replay(scored.server, "--limit", "2").counts() == (2, 2, 0, 0)
    unknown = replay(scored.server, "--team", "no such team")
    assert unknown.code == 2 and "no team 'no such team'" in unknown.err


def test_since_chooses_the_decisions_finished_at_or_after_it(scored: Scored) -> None:
    ada = of_identity(scored.server, scored.ada)
    at = ada[-1].finished_at
    run = replay(scored.server, "--since", at.isoformat())
    later = expected(scored.server, run, lambda e: e.finished_at >= at)
    assert run.code == 0 and later >= 1 and run.counts() == (later, later, 0, 0)
    just_after = at + timedelta(microseconds=1)
    run = replay(scored.server, "--since", just_after.isoformat())
    assert run.counts()[0] == expected(scored.server, run, lambda e: e.finished_at >= just_after) == later - 1
    bad = replay(scored.server, "--since", "yesterday")
    assert bad.code == 2 and "is not an ISO 8601 instant" in bad.err


@contextlib.contextmanager
def tampered(
    server: LiveServer, decision: FraudDecision.Decided, change: Callable[[dict[str, Any]], None] | bytes
) -> Iterator[None]:
    """The decision's stored event changed in the database (as someone with access to it could), then restored."""
    scoring = server.container.scoring
    table, transcoder = scoring.recorder.events_table_name, scoring.mapper.transcoder
    if server.settings.database_url:
        conn: Any = psycopg.connect(server.settings.database_url, autocommit=True)
        key, mark = decision.originator_id, "%s"
    else:
        conn = sqlite3.connect(server.settings.data_dir / "scoring-events.sqlite", isolation_level=None)
        key, mark = decision.originator_id.hex, "?"
    where = f"WHERE originator_id = {mark} AND originator_version = 1"  # noqa: S608 - the recorder's own table name

    def write(state: bytes) -> None:
        assert conn.execute(f"UPDATE {table} SET state = {mark} {where}", (state, key)).rowcount == 1  # noqa: S608

    with contextlib.closing(conn):
        (original,) = conn.execute(f"SELECT state FROM {table} {where}", (key,)).fetchone()  # noqa: S608
        original = bytes(original)
        if isinstance(change, bytes):
            write(change)
        else:
            state = transcoder.decode(original)
            change(state)
            write(transcoder.encode(state))
        try:
            yield
        finally:
            write(original)


def test_a_tampered_score_is_printed_as_a_diff_and_fails_the_replay(scored: Scored) -> None:
    first = of_identity(scored.server, scored.ada)[0]
    true_score = first.scores["AUTHENTICITY"]
    with tampered(scored.server, first, lambda state: state["scores"].update(AUTHENTICITY=true_score - 7)):
        run = replay(scored.server, "--team", scored.first_id)
    assert run.code == 1, run.out + run.err
    mine = expected(scored.server, run, lambda e: str(e.customer_id) == scored.first_id)
    assert run.counts() == (mine, mine - 1, 1, 0)
    diff = run.out[run.out.index("DIVERGED") :].splitlines()
    assert diff[0].startswith(f"DIVERGED team {scored.first_id} identity {scored.ada!r} cycle {first.cycle_id} ")
    assert diff[1] == f"  score AUTHENTICITY: recorded {true_score - 7}, replayed {true_score}"
    assert not diff[2].startswith("  ")  # that score was all that differed
    assert replay(scored.server, "--team", scored.first_id).code == 0  # restored: verified again


def test_a_decision_of_another_rules_version_is_not_replayable_and_never_verified(scored: Scored) -> None:
    (theirs,) = [e for _, e in decisions(scored.server) if str(e.customer_id) == scored.second_id]
    with tampered(scored.server, theirs, lambda state: state.update(rules_version=OLD_RULES)):
        run = replay(scored.server, "--team", scored.second_id)
        allowed = replay(scored.server, "--team", scored.second_id, "--allow-unreplayable")
        everything = replay(scored.server)
    assert run.code == 3, run.out + run.err
    assert run.counts() == (1, 0, 0, 1)
    lines = run.out[run.out.index("NOT REPLAYABLE") :].splitlines()
    assert lines[0].startswith(f"NOT REPLAYABLE team {scored.second_id} identity {theirs.identity!r} cycle 1 ")
    assert lines[1].startswith(f"  recorded under rules '{OLD_RULES}', which this code does not keep (it keeps '")
    assert allowed.code == 0 and allowed.counts() == (1, 0, 0, 1) and "NOT REPLAYABLE" in allowed.out
    total = expected(scored.server, everything)
    assert everything.code == 3 and everything.counts() == (total, total - 1, 0, 1)


def test_a_decision_that_cannot_be_decoded_is_not_replayable(scored: Scored) -> None:
    (theirs,) = [(p, e) for p, e in decisions(scored.server) if str(e.customer_id) == scored.second_id]
    position, decision = theirs
    with tampered(scored.server, decision, b'{"cut short'):
        run = replay(scored.server, "--team", scored.first_id)  # whose it is cannot be told: listed whatever the team
    assert run.code == 3, run.out + run.err
    mine = expected(scored.server, run, lambda e: str(e.customer_id) == scored.first_id)
    assert run.counts() == (mine + 1, mine, 0, 1)
    assert f"NOT REPLAYABLE notification {position} (domain.scoring.fraud_decision:FraudDecision.Decided) " in run.out
    assert "cannot be decoded" in run.out
