"""The signal that a bot is running on a database: an exclusive lock on ``<database>.lock``.

``python -m bot run`` takes the lock at start-up and holds it until the process ends; the kernel
drops it when the process dies, however it dies, so a crash never leaves a stale lock behind
(the file itself stays, empty of meaning, and is reused). ``restore`` takes the same lock, so it
refuses while a bot runs and a bot refuses to start while a restore is under way.

The lock is ``flock(2)``: it is per open file, so two opens in one process also exclude each other
(which lets the tests run a bot and a restore in one process), and it is not shared across
machines (keep the database on a local disk, which SQLite's WAL mode needs anyway).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from bot.errors import BanterError


class DatabaseBusy(BanterError):
    """Another process holds the database's lock; ``holder`` is what it wrote there."""

    def __init__(self, database: Path, holder: str) -> None:
        self.database = database
        self.holder = holder
        super().__init__(f"{database} is in use by another Banter ({holder})")


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".lock")


def _holder(fd: int) -> str:
    os.lseek(fd, 0, os.SEEK_SET)
    words = os.read(fd, 200).decode("utf-8", "replace").split()
    return f"pid {words[0]}, {' '.join(words[1:])}" if words else "pid unknown"


@contextlib.contextmanager
def hold_database(database: Path, purpose: str) -> Iterator[None]:
    """Hold ``database``'s lock for the block; raise :class:`DatabaseBusy` at once if it is held.

    ``purpose`` (``run``, ``restore``) is written into the lock file with this process's id, so
    the refusal can say who holds it. The database's folder is created here if it is missing
    (the config has already checked that the folder above it exists).
    """
    path = lock_path(database)
    path.parent.mkdir(exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DatabaseBusy(database, _holder(fd)) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {purpose}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock
