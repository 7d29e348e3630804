"""The tamper-evident export of an identity's record: every stored event of it (application/audit/record.py),
oldest first, as hash-chained JSON lines (domain/audit/chain.py). The same lines whether GET
/api/audit/identities/{id}/export streams them or `dregs audit export` writes them.

Each record's `data` is the stored event as its application's mapper decodes it, every field but the two the
line already names (aggregateId, version): the client's payloads as it sent them (after the redaction made at
ingestion), times in ISO 8601, ids as text. It is the identity's own record, personal data included: for
auditors."""

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import msgspec

from application.audit.record import IdentityRecord
from domain.audit.chain import Chain
from domain.times import from_micros, to_micros
from domain.tracking.client_data import ClientData

_NAMED_BY_THE_LINE = frozenset({"originator_id", "originator_version"})


def instant(micros: int) -> str:
    """`2026-09-21T14:22:09.123456Z`: to the microsecond, as the stores keep time."""
    return from_micros(micros).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _builtin(value: Any) -> Any:
    if isinstance(value, ClientData):
        return value.to_dict()
    raise NotImplementedError(f"no export form for {type(value).__name__}")


def event_data(event: Any) -> dict[str, Any]:
    fields = {k: v for k, v in vars(event).items() if k not in _NAMED_BY_THE_LINE}
    return msgspec.to_builtins(fields, enc_hook=_builtin, str_keys=True)


def export_lines(record: IdentityRecord, now: datetime | None = None) -> Iterator[bytes]:
    """The export's lines, each with its line break; the stores are read as the lines are taken."""
    moment = now or datetime.now(UTC)
    chain = Chain()
    yield chain.header(str(record.customer_id), record.identity, instant(to_micros(moment)))
    for at, r in record.stored(until=to_micros(moment)):
        yield chain.record(instant(at), r.store, str(r.aggregate_id), r.version, r.topic, event_data(r.event))
    yield chain.end()
