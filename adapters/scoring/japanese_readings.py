"""Japanese names in kanji as their owners romanise them (小林 拓也 → kobayashi, takuya), from the kanji
dictionary of pykakasi (GPL-3.0-or-later), without holding that dictionary in memory.

The dictionary is a 10 MB pickle that unpickles to about 100 MB, too much for every process that scores.
So a short-lived subprocess turns it, once per machine and pykakasi version, into a SQLite index in the
cache directory the IP database uses; every process then looks names up in it, read-only. A word is split
greedily into the longest entries the index has; each entry's readings (a name kanji has several:
大翔 is hiroto or yamato) are written in ASCII by anyascii, long vowels both spelled out (tarou) and not
(taro), as addresses have them. Results depend only on pykakasi's version, which every cycle records."""

import contextlib
import functools
import importlib.metadata
import itertools
import logging
import os
import pickle
import sqlite3
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from anyascii import anyascii

from adapters.tracking.geolocation import default_cache_dir

log = logging.getLogger(__name__)
_KANJI = range(0x4E00, 0xA000)  # CJK unified ideographs: what the dictionary's entries begin with
_KANA_OR_KANJI = range(0x3040, 0xA000)
MAX_ENTRY = 8  # characters: the longest dictionary entry a name is matched against
MAX_READINGS = 4  # of one entry, in the dictionary's order
MAX_COMBINATIONS = 16


def index_path(cache_dir: Path | None = None) -> Path:
    version = importlib.metadata.version("pykakasi")
    return (cache_dir or default_cache_dir()) / f"kanwa-{version}.sqlite3"


def build_index(path: Path) -> None:
    """Write the index (run in its own process: the unpickled dictionary is freed when it exits)."""
    import pykakasi  # noqa: PLC0415 - only the building process needs the package's files

    source = Path(pykakasi.__file__).parent / "data" / "kanwadict4.db"
    with source.open("rb") as f:
        table = pickle.load(f)  # noqa: S301 - the package's own data file
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    os.close(fd)
    try:
        with contextlib.closing(sqlite3.connect(tmp)) as db:
            db.execute("CREATE TABLE kanwa (word TEXT NOT NULL, rank INTEGER NOT NULL, reading TEXT NOT NULL)")
            db.executemany(
                "INSERT INTO kanwa VALUES (?, ?, ?)",
                (
                    (word, rank, reading)
                    for entries in table.values()
                    for word, readings in entries.items()
                    for rank, (reading, _) in enumerate(readings[:MAX_READINGS])
                ),
            )
            db.execute("CREATE INDEX kanwa_word ON kanwa (word, rank)")
            db.commit()
        os.replace(tmp, path)  # atomic: a process racing to build it finds a whole index or none
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def _romanised(kana: str) -> set[str]:
    plain = "".join(c for c in anyascii(kana).lower() if c.isascii() and c.isalpha())
    return {plain, plain.replace("ou", "o").replace("uu", "u")} - {""}


class JapaneseReadings:
    """The readings of one word of a name (Datasets.readings): none for a word without kana or kanji."""

    def __init__(self, path: Path | None = None) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._local = threading.local()

    def _db(self) -> sqlite3.Connection | None:
        db = getattr(self._local, "db", None)
        if db is None:
            path = self._index()
            if path is None:
                return None
            db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
            self._local.db = db
        return db

    def _index(self) -> Path | None:
        """The index, built by a subprocess if missing: in the cache directory, or, where that is not
        writable, in the temporary one (as the IP database does); None if neither can hold it."""
        default = index_path()
        fallback = Path(tempfile.gettempdir()) / f"dregs-{os.getuid()}" / default.name
        places = [self._path] if self._path else [default, fallback]
        with self._lock:
            for path in places:
                if path.exists():
                    return path
                with contextlib.suppress(OSError, subprocess.SubprocessError):
                    subprocess.run(
                        [sys.executable, "-m", "adapters.scoring.japanese_readings", str(path)],
                        check=True,
                        timeout=300,
                        capture_output=True,
                    )
                    return path
        log.warning(
            "no Japanese reading index could be built (tried %s): kanji names are read as anyascii reads them", places
        )
        return None

    def __call__(self, word: str) -> tuple[str, ...]:
        if not any(ord(c) in _KANA_OR_KANJI for c in word):
            return ()
        return _readings(self, word)

    def entry(self, text: str) -> list[str]:
        db = self._db()
        if db is None:
            return []
        rows = db.execute("SELECT reading FROM kanwa WHERE word = ? ORDER BY rank", (text,)).fetchall()
        return [r[0] for r in rows]


@functools.lru_cache(maxsize=4096)  # a team's names repeat; the index never changes under a process
def _readings(index: JapaneseReadings, word: str) -> tuple[str, ...]:
    parts: list[set[str]] = []
    i = 0
    while i < len(word):
        found: list[str] = []
        if ord(word[i]) in _KANJI:
            for j in range(min(len(word), i + MAX_ENTRY), i, -1):
                found = index.entry(word[i:j])
                if found:
                    i = j
                    break
            if not found:  # a kanji the dictionary lacks: anyascii's reading, the best there is
                found, i = [word[i]], i + 1
        else:  # a run of kana (or anything else) is written as one
            j = i
            while j < len(word) and ord(word[j]) not in _KANJI:
                j += 1
            found, i = [word[i:j]], j
        parts.append(set().union(*(_romanised(k) for k in found)))
    parts = [p for p in parts if p]
    joined = {"".join(c) for c in itertools.islice(itertools.product(*parts), MAX_COMBINATIONS)}
    return tuple(sorted(set().union(*parts, joined) if parts else set()))


if __name__ == "__main__":
    build_index(Path(sys.argv[1]))
