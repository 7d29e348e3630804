"""Reads outside any transaction, for the hot paths that read one statement at a time."""

from sqlalchemy import Engine


def single_reads(engine: Engine) -> Engine:
    """`engine` (the same pool) for reads outside any transaction: on PostgreSQL a read then costs no BEGIN
    and no ROLLBACK, two round trips of the four a one-statement read took (the checkout's ping is the
    third). Under READ COMMITTED each statement takes its own snapshot inside a transaction too, so a
    reader loses nothing; writers keep `engine.begin()`."""
    if engine.dialect.name == "postgresql":
        return engine.execution_options(isolation_level="AUTOCOMMIT")
    return engine
