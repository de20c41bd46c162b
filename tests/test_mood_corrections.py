"""The mood corrections repository on each backend, and the service over it: a server's
reader learns its corrections, and only that server's."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import yaml

from bot.clock import ManualClock
from bot.config import Config
from bot.core import Core
from bot.services.moderation.access import Access, Actor
from bot.services.mood import MoodReader
from bot.services.mood.corrections import MoodCorrections
from bot.services.packs import load_moods
from bot.storage import Storage
from bot.storage.backends import open_storage


async def test_the_repository_keeps_a_members_latest_choice_per_server(storage: Storage, config: Config,
                                                                       clock: ManualClock) -> None:
    repo = storage.mood_corrections
    await repo.add(guild_id=1, user_id=10, text="meh", read_as="bored", chosen="tired", now="2026-01-01T00:00:00")
    await repo.add(guild_id=1, user_id=10, text="meh", read_as="bored", chosen="sad", now="2026-01-02T00:00:00")
    await repo.add(guild_id=1, user_id=12, text="meh", read_as="bored", chosen="tired", now="2026-01-02T00:00:00")
    await repo.add(guild_id=2, user_id=11, text="yay", read_as="happy", chosen="bored", now="2026-01-02T00:00:00")
    assert [(r.user_id, r.chosen) for r in await repo.for_guild(1)] == [(12, "tired"), (10, "sad")]
    assert [r.chosen for r in await repo.for_guild(1, limit=1)] == ["tired"]
    assert await repo.guilds() == [1, 2]
    assert await repo.clear(1, 999) == []
    assert await repo.clear(2, (await repo.for_guild(1))[0].id) == []  # not that server's
    assert [r.chosen for r in await repo.clear(2)] == ["bored"]
    assert await repo.for_guild(2) == []
    # What was stored survives a reopen of the database.
    reopened = await open_storage(config, clock=clock)
    try:
        assert len(await reopened.mood_corrections.for_guild(1)) == 2
    finally:
        await reopened.close()


async def test_the_service_teaches_one_server_and_exports_in_the_examples_shape(storage: Storage,
                                                                           tmp_path: Path) -> None:
    reader = MoodReader(load_moods())
    clock = ManualClock(datetime(2026, 12, 1, tzinfo=UTC))
    service = MoodCorrections(Access(storage, clock, hide_after=3, daily_limit=5), reader)
    text = "the quarterly report"
    assert (await service.reader_for(1)).read(text).label == "none"
    await service.correct(1, 10, text, "none", "bored")
    assert (await service.reader_for(1)).read(text).label == "bored"
    assert (await service.reader_for(1)).read("The  Quarterly report").label == "bored"
    assert (await service.reader_for(2)).read(text).label == "none"
    assert reader.read(text).label == "none"  # the shared reader is unchanged
    # A text that may be gentle stays gentle when corrected to a mood that is not.
    await service.correct(1, 10, "my dog died this morning", "sad", "happy")
    corrected = (await service.reader_for(1)).read("my dog died this morning")
    assert corrected.label == "happy" and corrected.gentle
    await service.clear(1, Actor(99, manage_guild=True), (await storage.mood_corrections.for_guild(1))[0].id)
    # A crisis is a crisis whatever a correction says.
    await service.correct(1, 10, "i want to end it all", "crisis", "happy")
    assert (await service.reader_for(1)).read("i want to end it all").label == "crisis"
    path = await service.export(tmp_path / "out")
    data = yaml.safe_load(path.read_text())
    assert data == {"servers": {1: {"examples": {"bored": [text], "happy": ["i want to end it all"]}}}}
    record = await service.clear(1, Actor(99, manage_guild=True))
    assert record.entry.details == {"count": 2, "all": True}
    assert (await service.reader_for(1)).read(text).label == "none"


async def test_export_writes_the_corrections_beside_the_packs(core: Core, tmp_path: Path) -> None:
    from bot.__main__ import _export

    await core.mood_corrections.correct(1, 10, "meh, monday", "bored", "tired")
    out = tmp_path / "out"
    printed = await _export(core.config, out)
    assert "mood corrections" in printed
    data = yaml.safe_load((out / "mood_corrections.yaml").read_text(encoding="utf-8"))
    assert data == {"servers": {1: {"examples": {"tired": ["meh, monday"]}}}}
    assert (out / "jokes").is_dir()
