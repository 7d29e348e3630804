"""The export's hash chain (domain/audit/chain.py): a chain as written verifies; any single byte changed in any
line, any line deleted, duplicated or added after the end, and any reordering of lines is caught, and the
verdict names the first line that breaks."""

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from domain.audit.chain import FORMAT, GENESIS, Chain, canonical, digest, verify

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
RECORD = st.fixed_dictionaries(
    {
        "at": st.text(min_size=1, max_size=30),
        "store": st.sampled_from(["tracking", "scoring", "alerting", "accounts"]),
        "aggregate_id": st.uuids().map(str),
        "version": st.integers(min_value=1, max_value=10**6),
        "topic": st.text(min_size=1, max_size=40),
        "data": st.dictionaries(st.text(max_size=10), JSON, max_size=5),
    }
)
RECORDS = st.lists(RECORD, max_size=8)


def export(records: list[dict[str, Any]], identity: str = "user/1") -> list[bytes]:
    chain = Chain()
    lines = [chain.header("6d1f1f0e-0000-4000-8000-000000000001", identity, "2026-12-01T00:00:00.000000Z")]
    lines += [chain.record(**r) for r in records]
    lines.append(chain.end())
    return lines


@given(RECORDS, st.text())
def test_a_chain_as_written_verifies(records: list[dict[str, Any]], identity: str) -> None:
    lines = export(records, identity)
    verdict = verify(lines)
    assert verdict.ok, verdict
    assert (verdict.lines, verdict.records) == (len(records) + 2, len(records))
    assert verdict.last_hash == json.loads(lines[-1])["hash"]
    assert str(verdict).startswith(f"{len(records) + 2} lines verified")
    header = json.loads(lines[0])
    assert header["format"] == FORMAT and header["prev"] == GENESIS and header["identity"] == identity
    for raw in lines:
        line = json.loads(raw)
        assert raw == canonical(line) + b"\n" and line["hash"] == digest(line)


@given(RECORDS, st.data())
def test_any_single_byte_changed_is_caught_at_its_line(records: list[dict[str, Any]], data: st.DataObject) -> None:
    lines = export(records)
    index = data.draw(st.integers(0, len(lines) - 1), label="line")
    line = bytearray(lines[index])
    at = data.draw(st.integers(0, len(line) - 1), label="byte")
    line[at] = data.draw(st.integers(0, 255).filter(lambda b: b != line[at]), label="new byte")
    changed = [*lines[:index], bytes(line), *lines[index + 1 :]]
    verdict = verify(changed)
    assert not verdict.ok and verdict.broken_line == index + 1, (verdict, bytes(line))
    # However the file is cut into pieces as it is read.
    whole = b"".join(changed)
    cut = data.draw(st.integers(1, 64), label="piece size")
    assert verify(whole[i : i + cut] for i in range(0, len(whole), cut)) == verdict


@given(RECORDS, st.data())
def test_a_deleted_line_is_caught_where_it_was(records: list[dict[str, Any]], data: st.DataObject) -> None:
    lines = export(records)
    index = data.draw(st.integers(0, len(lines) - 1))
    verdict = verify([*lines[:index], *lines[index + 1 :]])
    assert not verdict.ok and verdict.broken_line == index + 1, verdict
    if index == len(lines) - 1:
        assert verdict.reason == "truncated: the end line is missing"


@given(RECORDS.filter(lambda r: len(r) >= 1), st.data())
def test_reordered_lines_are_caught_at_the_first_moved_one(records: list[dict[str, Any]], data: st.DataObject) -> None:
    lines = export(records)
    order = data.draw(st.permutations(range(len(lines))).filter(lambda p: list(p) != sorted(p)))
    verdict = verify([lines[i] for i in order])
    first_moved = next(n for n, i in enumerate(order) if n != i)
    assert not verdict.ok and verdict.broken_line == first_moved + 1, verdict


@given(RECORDS, st.data())
def test_a_line_added_is_caught(records: list[dict[str, Any]], data: st.DataObject) -> None:
    lines = export(records)
    index = data.draw(st.integers(0, len(lines) - 1))
    duplicated = [*lines[: index + 1], lines[index], *lines[index + 1 :]]
    verdict = verify(duplicated)
    assert not verdict.ok and verdict.broken_line == index + 2, verdict
    after_the_end = verify([*lines, export([])[1]])
    assert after_the_end.broken_line == len(lines) + 1 and after_the_end.reason == "a line after the end line"


def test_each_break_is_named() -> None:
    first = {"at": "t", "store": "scoring", "aggregate_id": "a", "version": 1, "topic": "x", "data": {"é": 1}}
    lines = export([first])
    record = json.loads(lines[1])

    def reason(changed: list[bytes]) -> str:
        verdict = verify(changed)
        assert verdict.broken_line is not None
        return f"line {verdict.broken_line}: {verdict.reason}"

    assert reason([lines[0], b"{not json\n", *lines[2:]]) == "line 2: bad JSON"
    assert reason([lines[0], b"\xff\n", *lines[2:]]) == "line 2: bad JSON: not UTF-8"
    spaced = json.dumps(record, sort_keys=True).encode() + b"\n"
    assert reason([lines[0], spaced, *lines[2:]]).startswith("line 2: not in canonical form")
    escaped = json.dumps(record, sort_keys=True, separators=(",", ":")).encode() + b"\n"  # \u00e9, not é
    assert reason([lines[0], escaped, *lines[2:]]).startswith("line 2: not in canonical form")
    # One byte changed, the same value spelt another way: caught because a line must be in canonical form.
    same = export([{**first, "data": {"control": "\x1f", "big": 1e16}}])
    assert b"\\u001f" in same[1] and b"1e+16" in same[1] and verify(same).ok
    for old, new in ((b"\\u001f", b"\\u001F"), (b"1e+16", b"1e016")):
        respelt = same[1].replace(old, new)
        assert json.loads(respelt) == json.loads(same[1]) and len(respelt) == len(same[1])
        assert reason([same[0], respelt, same[2]]).startswith("line 2: not in canonical form")
    forged = canonical({**record, "version": 2}) + b"\n"
    assert (
        reason([lines[0], forged, *lines[2:]]) == "line 2: hash mismatch: the line is not what its hash was made from"
    )
    rehashed = {**record, "version": 2}
    rehashed["hash"] = digest(rehashed)
    assert reason([lines[0], canonical(rehashed) + b"\n", *lines[2:]]) == (
        "line 3: prev mismatch: it does not chain to the line before it"
    )
    assert reason([*lines[:-1], lines[-1][:-1]]) == "line 3: truncated: the file ends inside this line"
    assert reason([]) == "line 1: truncated: the file is empty"
    assert reason(lines[1:]).startswith("line 1: prev mismatch")
    other = export([], identity="someone else")
    assert reason([lines[0], other[1]]).startswith("line 2: prev mismatch")
