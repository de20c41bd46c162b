"""One database with the built-in packs imported, made once per test session, for the tests that
start from that state. Importing the packs into an empty file takes a third of a second; copying
the file takes a few milliseconds. The copy is a real SQLite file, and opening it migrates and
re-checks it like any database."""

from __future__ import annotations

import atexit
import random
import shutil
import tempfile
from pathlib import Path

import msgspec

from bot.config import Config, load_config
from bot.core import Core

_template: Path | None = None


async def library_template() -> Path:
    """The session's template database, made on first use."""
    global _template
    if _template is None:
        folder = Path(tempfile.mkdtemp(prefix="banter-template-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        config = msgspec.structs.replace(load_config(None, environ={}), database_path=folder / "template.db")
        # A fixed seed: every session's items get the same random positions, as a fresh
        # import in a seeded test did before.
        core = await Core.open(config, rng=random.Random(7))
        await core.close()
        _template = config.database_path
    return _template


async def seeded(config: Config) -> Config:
    """``config``, with its database now a copy of the template (on PostgreSQL, a new database
    made from its template: see ``tests.pg_databases``)."""
    if config.database_url is not None:
        from tests import pg_databases

        return await pg_databases.seeded(config)
    shutil.copyfile(await library_template(), config.database_path)
    return config
