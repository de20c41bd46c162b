"""Backup and restore around a real running bot: the backup is taken while members vote, a restore
is refused while the bot runs, and after a restart on the restored file the votes are there."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot.__main__ import main
from tests.e2e.harness import banter

# One backend is enough here: backup is SQLite's own (PostgreSQL: pg_dump).
pytestmark = pytest.mark.backends("sqlite")

MEMBERS = tuple(f"member{n}" for n in range(10))


def counts(path: Path) -> tuple[int, bool]:
    """How many votes a backup file holds, and whether every tally agrees with its votes (the
    tallies are written by the same statement as the vote: a torn copy would disagree). Read from
    the file itself: a backup is a file an admin keeps, and this is what it would restore."""
    conn = sqlite3.connect(path)
    try:
        votes = conn.execute("SELECT count(*) FROM votes").fetchone()[0]
        disagreeing = conn.execute("""
            SELECT count(*) FROM guild_item_stats s
            WHERE s.up != (SELECT count(*) FROM votes v WHERE v.item_id = s.item_id AND v.guild_id = s.guild_id
                           AND v.value = 1)
        """).fetchone()[0]
        return votes, disagreeing == 0
    finally:
        conn.close()


async def test_backup_while_members_vote_then_restore_after_a_restart(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "test-token")
    config = str(tmp_path / "config.yaml")
    async with banter(tmp_path, members=(*MEMBERS, "alice", "bob")) as b:
        poster = b.person(MEMBERS[0])
        jokes = [(await poster.run("joke")).message for _ in range(3)]
        answered = 0

        async def vote() -> None:
            nonlocal answered
            for name in MEMBERS:
                for msg in jokes:
                    await b.person(name).click(msg, "👍")
                    answered += 1

        voting = asyncio.create_task(vote())
        taken: list[tuple[int, int, Path]] = []
        while not voting.done():
            path = tmp_path / f"backup-{len(taken)}.db"
            before = answered
            # In a thread, as a separate command would run: the bot's loop keeps taking clicks.
            assert await asyncio.to_thread(main, ["backup", str(path), "--config", config]) == 0
            taken.append((before, answered, path))
        await voting
        assert any(after > before for before, after, _ in taken), "no backup overlapped the voting"
        for before, after, path in taken:
            held, consistent = counts(path)
            # Every vote answered before the backup began is in it; at most the one click in
            # flight when it ended (committed, not yet answered) is there beyond those answered.
            assert before <= held <= after + 1
            assert consistent
        last_out = capsys.readouterr().out.strip().splitlines()[-1]
        assert last_out.startswith(f"backed up {b.config.database_path} to {taken[-1][2]} ")

        # The final backup holds every vote; then more votes come in that the restore will undo.
        final = tmp_path / "final.db"
        assert await asyncio.to_thread(main, ["backup", str(final), "--config", config]) == 0
        assert counts(final) == (len(MEMBERS) * len(jokes), True)
        for person in (b.alice, b.bob):
            await person.click(jokes[0], "👍")
        assert jokes[0].votes == (len(MEMBERS) + 2, 0)
        capsys.readouterr()

        # While the bot runs, neither a restore nor a second bot may touch the database.
        database = b.config.database_path
        before_bytes = database.read_bytes()
        assert await asyncio.to_thread(main, ["restore", str(final), "--config", config]) == 2
        assert await asyncio.to_thread(main, ["run", "--config", config]) == 2
        err = capsys.readouterr().err.splitlines()
        assert len(err) == 2
        assert err[0].startswith(f"a bot is running on {database} (pid ")
        assert err[0].endswith(", run): stop it before restoring; nothing was changed")
        assert err[1].startswith(f"a bot is already running on {database} (pid ")
        assert database.read_bytes() == before_bytes

        await b.stop()
        assert await asyncio.to_thread(main, ["restore", str(final), "--config", config]) == 0
        assert capsys.readouterr().out.startswith(f"restored {final} to {database} (schema version ")

        await b.start()
        # The two late votes are gone, the backed-up ones are kept: a new click counts on top.
        click = await b.alice.click(jokes[0], "👍")
        assert click.updated
        assert jokes[0].votes == (len(MEMBERS) + 1, 0)
        top = await b.bob.run("top", kind="jokes")
        assert f"#{jokes[0].item_id} · 👍 {len(MEMBERS) + 1} · 👎 0" in top.embed.description
