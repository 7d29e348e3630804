"""The embedded mode's data folder holds password hashes, key hashes and people's data:
only the account Dregs runs as may read it, whatever the process's umask."""

import contextlib
import logging
import os
import stat
from pathlib import Path

log = logging.getLogger(__name__)

FOLDER_MODE = 0o700
FILE_MODE = 0o600
# SQLite creates these next to a database, with the database file's permissions.
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def private_folder(path: Path) -> Path:
    """Create the folder readable by its owner only, or close an existing one to everybody else."""
    path.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        path.chmod(FOLDER_MODE)
        log.warning("%s was open to other users (mode %o): now %o", path, mode, FOLDER_MODE)
    return path


def private_file(path: Path) -> Path:
    """Make the file exist readable and writable by its owner only.

    Creating an empty SQLite database first is what gives it its mode: SQLite opens a new
    one with 0644 less the umask, and copies that mode to its -wal and -shm files."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    for candidate in (path, *(path.with_name(path.name + suffix) for suffix in SQLITE_COMPANIONS)):
        try:
            mode = stat.S_IMODE(candidate.stat().st_mode)
        except FileNotFoundError:
            continue
        if mode & 0o077:
            candidate.chmod(FILE_MODE)
            log.warning("%s was readable by other users (mode %o): now %o", candidate, mode, FILE_MODE)
    return path
