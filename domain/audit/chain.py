"""The tamper-evident export's hash chain (`dregs audit export`, GET /api/audit/identities/{id}/export), and
its check (`dregs audit verify`). Pure: lines in, lines or a verdict out.

An export is JSON lines. The first, the header, names the format, the team, the identity, when it was
exported and how the hashes are made; then one line per stored event, oldest first; then an end line that
counts them, so a file cut short (its last lines deleted) is told from a whole one. Every line carries
`prev`, the hash of the line before it (the header's: 64 zeros), and `hash`, the SHA-256 of the line's
canonical JSON without `hash`. A line is written in that canonical form itself (keys sorted, no spaces,
UTF-8, characters as themselves), and a verifier refuses any line that is not: JSON has more than one
spelling of a value (`\\u001f` and `\\u001F`), and one byte changed must never go unnoticed because it
spelt the same value another way.

What a chain proves: no line was changed, removed, added or moved since the export, up to its last hash.
Whoever could rewrite a whole file could rewrite a whole chain too, so an auditor keeps (or is given
separately) the last hash that the export and the verification both print."""

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

FORMAT = "dregs-audit-export/1"
GENESIS = "0" * 64
CANONICAL = (
    'hash: SHA-256 (hex) of the line\'s JSON without its "hash" key, written with keys sorted, no spaces '
    '(separators "," and ":"), in UTF-8 with every character as itself, no NaN or Infinity; each line is '
    "written in that form with its hash, and prev is the previous line's hash (64 zeros for this header)"
)
HEADER_KEYS = frozenset({"seq", "format", "team", "identity", "exportedAt", "canonical", "prev", "hash"})
RECORD_KEYS = frozenset({"seq", "at", "store", "aggregateId", "version", "topic", "data", "prev", "hash"})
END_KEYS = frozenset({"seq", "end", "records", "prev", "hash"})


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def digest(fields: dict[str, Any]) -> str:
    """The hash of a line: of its canonical JSON without the "hash" key."""
    return hashlib.sha256(canonical({k: v for k, v in fields.items() if k != "hash"})).hexdigest()


class Chain:
    """Writes one export's lines in order: header(), record() for each stored event, end()."""

    def __init__(self) -> None:
        self.prev = GENESIS
        self.seq = 0
        self.records = 0

    def _line(self, fields: dict[str, Any]) -> bytes:
        sealed = {**fields, "seq": self.seq, "prev": self.prev}
        sealed["hash"] = digest(sealed)
        self.prev = sealed["hash"]
        self.seq += 1
        return canonical(sealed) + b"\n"

    def header(self, team: str, identity: str, exported_at: str) -> bytes:
        assert self.seq == 0, "the header comes first"
        fields = {"format": FORMAT, "team": team, "identity": identity, "exportedAt": exported_at}
        return self._line({**fields, "canonical": CANONICAL})

    def record(  # noqa: PLR0913 - one stored event, as the format names its parts
        self, at: str, store: str, aggregate_id: str, version: int, topic: str, data: dict[str, Any]
    ) -> bytes:
        assert self.seq > 0, "after the header"
        self.records += 1
        return self._line(
            {"at": at, "store": store, "aggregateId": aggregate_id, "version": version, "topic": topic, "data": data}
        )

    def end(self) -> bytes:
        return self._line({"end": True, "records": self.records})

    @property
    def last_hash(self) -> str:
        return self.prev


@dataclass(frozen=True)
class Verdict:
    lines: int  # lines read and found sound
    records: int
    broken_line: int | None = None  # 1-based: the first line that is not what the chain says it must be
    reason: str | None = None
    last_hash: str | None = None  # of the end line, when the whole chain holds

    @property
    def ok(self) -> bool:
        return self.broken_line is None

    def __str__(self) -> str:
        if self.ok:
            parts = f"the header, {self.records} records and the end line"
            return f"{self.lines} lines verified ({parts}); last hash {self.last_hash}"
        return f"line {self.broken_line}: {self.reason}"


class _Broken(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _parsed(raw: bytes) -> dict[str, Any]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _Broken("bad JSON: not UTF-8") from None
    try:
        found = json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        raise _Broken("bad JSON") from None
    if not isinstance(found, dict) or not isinstance(found.get("hash"), str):
        raise _Broken("bad JSON: not an object with a hash")
    try:
        spelt = canonical(found)
    except ValueError:
        raise _Broken("bad JSON") from None
    if spelt != raw:
        raise _Broken("not in canonical form (keys sorted, no spaces, characters as themselves)")
    return found


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _check_shape(line: dict[str, Any], expected_seq: int, records: int) -> str:
    """Which kind of line this is ("header", "record", "end"), or _Broken."""
    if line.get("seq") != expected_seq or type(line.get("seq")) is not int:
        raise _Broken(f"seq is {line.get('seq')!r} where {expected_seq} belongs: a line is missing, added or moved")
    keys = frozenset(line)
    if expected_seq == 0:
        if keys != HEADER_KEYS or line["format"] != FORMAT:
            raise _Broken(f"not a header of {FORMAT}")
        return "header"
    if keys == END_KEYS and line["end"] is True:
        if line["records"] != records:
            raise _Broken(f"the end line counts {line['records']!r} records where {records} came before it")
        return "end"
    if keys != RECORD_KEYS:
        raise _Broken("not a record line: " + ", ".join(sorted(keys)))
    return "record"


def verify(lines: Iterable[bytes]) -> Verdict:
    """Checks an export read as lines, each with its line break (a file opened in binary mode iterates so),
    and names the first broken line: bad JSON, not canonical, hash mismatch, prev mismatch, a line missing,
    added or moved (seq), or truncated (no end line, or a last line without its line break)."""
    prev = GENESIS
    records = 0
    count = 0
    ended = False
    for raw in _lines(lines):
        count += 1
        try:
            if ended:
                raise _Broken("a line after the end line")
            if not raw.endswith(b"\n"):
                raise _Broken("truncated: the file ends inside this line")
            line = _parsed(raw[:-1])
            if digest(line) != line["hash"]:
                raise _Broken("hash mismatch: the line is not what its hash was made from")
            if line.get("prev") != prev:
                raise _Broken("prev mismatch: it does not chain to the line before it")
            kind = _check_shape(line, count - 1, records)
        except _Broken as broken:
            return Verdict(count - 1, records, count, broken.reason)
        records += kind == "record"
        ended = kind == "end"
        prev = line["hash"]
    if count == 0:
        return Verdict(0, 0, 1, "truncated: the file is empty")
    if not ended:
        return Verdict(count, records, count + 1, "truncated: the end line is missing")
    return Verdict(count, records, last_hash=prev)


def _lines(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Whatever the iterable's pieces, lines split at b"\\n" only (never at \\r or other separators)."""
    pending = b""
    for chunk in chunks:
        pending += chunk
        *whole, pending = pending.split(b"\n")
        for line in whole:
            yield line + b"\n"
    if pending:
        yield pending
