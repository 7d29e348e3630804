"""Cost of refusing a JSON key given twice (api/http.py decode_body) on POST /api/events bodies: msgspec's
typed decode alone, then with the standard library's pair scan that finds duplicates, per body, for the
body the Python SDK sends and for a larger one (nested data, groups, a device report's size).

    .venv/bin/python bench/body_decoding.py
"""

from __future__ import annotations

import json
import sys
import timeit
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import msgspec  # noqa: E402

from api.http import decode_body  # noqa: E402
from api.tracking.schemas.events import TrackIn  # noqa: E402

SDK = {
    "id": "5e0b032fa5a64cf68aab0233250e5544",
    "type": "user.signup",
    "data": {"plan": "pro"},
    "identity": {"id": "ada@example.com", "data": {"email": "ada@example.com", "name": "Ada Lovelace"}},
    "source": "python-sdk",
    "timestamp": "2026-09-21T14:22:09.123456Z",
}
LARGE = {
    **SDK,
    "data": {f"field_{i}": {"value": i, "tags": ["a", "b", "c"], "note": "x" * 40} for i in range(20)},
    "groups": [{"type": f"kind{i}", "id": f"g{i}", "data": {"name": f"Group {i}", "seats": i}} for i in range(5)],
}


def per_call_us(fn, number: int = 20000) -> float:  # type: ignore[no-untyped-def]
    return min(timeit.repeat(fn, number=number, repeat=5)) / number * 1e6


def main() -> int:
    for label, body in (("SDK event", SDK), ("large event", LARGE)):
        raw = json.dumps(body, separators=(",", ":")).encode()
        alone = per_call_us(lambda raw=raw: msgspec.json.decode(raw, type=TrackIn))
        checked = per_call_us(lambda raw=raw: decode_body(raw, TrackIn))
        print(
            f"{label:<12} {len(raw):>5} bytes: msgspec {alone:6.2f} µs, with the duplicate-key check {checked:6.2f} µs "
            f"(+{checked - alone:.2f} µs per event)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
