"""How fast the key store makes new identities' keys (adapters/privacy/key_store.py): one by one, as sealing a
batch of events did, against a batch at a time, as the ingestion's group commit now asks
(application/privacy/sealing_mapper.py make_keys). Each new identity's first event needs two keys (its lifelong
key and its day's). PostgreSQL (a fresh database, dropped after) unless --sqlite.

Example (a few seconds):
    .venv/bin/python bench/key_store.py --identities 2000 --batch 50
"""

import argparse
import secrets
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import psycopg

from adapters.privacy.key_store import SqlKeyRing, key_engine, sqlite_key_engine
from domain.privacy.personal_data import LIFELONG

DAY = 20_423


def timed(make: Callable[[list[tuple[uuid.UUID, str, int]]], object], owners: list, batch: int) -> float:
    began = time.perf_counter()
    for start in range(0, len(owners), batch):
        make(owners[start : start + batch])
    return time.perf_counter() - began


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--identities", type=int, default=2000)
    p.add_argument("--batch", type=int, default=50, help="identities a batch (the group commit's batch of new ones)")
    p.add_argument("--sqlite", action="store_true")
    p.add_argument("--pg-admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = p.parse_args()
    name = "dregs_bench_keys_" + secrets.token_hex(4)
    with tempfile.TemporaryDirectory() as folder:
        if args.sqlite:
            engine = sqlite_key_engine(Path(folder))
        else:
            with psycopg.connect(args.pg_admin_url, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            engine = key_engine(args.pg_admin_url.rsplit("/", 1)[0] + "/" + name)
        try:
            ring = SqlKeyRing(engine)
            n = args.identities
            for label, batch in (("one by one", 1), (f"{args.batch} identities a batch", args.batch)):
                customer = uuid.uuid4()
                owners = [(customer, f"u{i}", period) for i in range(n) for period in (LIFELONG, DAY)]
                if batch == 1:
                    seconds = timed(lambda o: [ring.sealing_key(*owner) for owner in o], owners, 1)
                else:
                    seconds = timed(ring.sealing_keys, owners, 2 * batch)
                print(f"{label:>24}: {len(owners):,} new keys in {seconds:.2f} s, {seconds / len(owners) * 1000:.2f} "
                      f"ms a key, {n / seconds:,.0f} new identities/s")  # fmt: skip
        finally:
            engine.dispose()
            if not args.sqlite:
                with psycopg.connect(args.pg_admin_url, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
