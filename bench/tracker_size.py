"""Size of the browser tracker: api/tracker/dregs.js raw, minified as GET /dregs.js serves it (rjsmin, the
server's own code), and minified + gzip level 9. Goal: under 10 KB minified and gzipped. Exits 0 either way.

    /work/main/.venv/bin/python bench/tracker_size.py
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api.tracking.tracker_asset import SOURCE_PATH, VERSION, minify  # noqa: E402

GOAL_BYTES = 10 * 1024


def sizes(source: str) -> tuple[int, int, int]:
    raw = source.encode("utf-8")
    minified = minify(source)
    return len(raw), len(minified), len(gzip.compress(minified, compresslevel=9, mtime=0))


def main() -> int:
    raw, minified, gzipped = sizes(SOURCE_PATH.read_text(encoding="utf-8"))
    print(f"dregs.js {VERSION} ({SOURCE_PATH})")
    for label, n in (("raw", raw), ("minified", minified), ("minified+gzip -9", gzipped)):
        print(f"  {label:<17} {n:>7,} bytes  {n / 1024:6.2f} KB")
    verdict = "met" if gzipped < GOAL_BYTES else "NOT met"
    print(f"goal: under {GOAL_BYTES / 1024:.0f} KB minified+gzipped: {verdict} ({gzipped / GOAL_BYTES:.0%} of it)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
