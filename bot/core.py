"""The bot's resources and services, built once by the entry point and handed to the bot."""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from pathlib import Path

from bot.clock import Clock, SystemClock
from bot.config import Config
from bot.db import Database
from bot.repositories.daily import DailyRepository
from bot.repositories.history import HistoryRepository
from bot.repositories.items import ItemRepository
from bot.repositories.moderation import ModerationRepository
from bot.repositories.settings import MetaRepository, SettingsRepository
from bot.repositories.votes import VoteRepository
from bot.services.catalog import CatalogService
from bot.services.daily import DailyService
from bot.services.library import LibraryService
from bot.services.moderation import ModerationService
from bot.services.mood import MoodReader
from bot.services.packs import BUILTIN_CONTENT, Library, load_library
from bot.services.picker import PickService
from bot.services.votes import VoteService
from bot.storage.sqlite import SqliteStorage

log = logging.getLogger(__name__)


def content_folders(config: Config) -> list[Path]:
    folders = [BUILTIN_CONTENT] if config.content_builtin else []
    return folders + list(config.content_paths)


@dataclass
class Core:
    config: Config
    storage: SqliteStorage
    db: Database
    clock: Clock
    library: Library
    items: ItemRepository
    history: HistoryRepository
    settings: SettingsRepository
    meta: MetaRepository
    votes: VoteRepository
    content: LibraryService
    picker: PickService
    voting: VoteService
    moods: MoodReader
    daily_posts: DailyRepository
    daily: DailyService
    moderation_repo: ModerationRepository
    moderation: ModerationService
    catalog: CatalogService

    @classmethod
    async def open(cls, config: Config, *, clock: Clock | None = None, rng: random.Random | None = None) -> Core:
        """Validate the content packs, open the database and import the packs.

        Content is validated before the database is touched, so a bad pack changes nothing.
        """
        clock = clock or SystemClock()
        library = load_library(content_folders(config))
        storage = await SqliteStorage.open(config.database_path, clock=clock, rng=rng)
        db = storage.db
        try:
            items, history, settings, votes = storage.items, storage.history, storage.settings, storage.votes
            picker = PickService(storage, clock, rng)
            daily_posts = DailyRepository(db)
            moderation_repo = ModerationRepository(db)
            core = cls(
                config=config, storage=storage, db=db, clock=clock, library=library, items=items, history=history,
                settings=settings, meta=storage.meta, votes=votes,
                content=LibraryService(storage, clock),
                picker=picker,
                voting=VoteService(storage, clock),
                moods=MoodReader(library.moods),
                daily_posts=daily_posts,
                daily=DailyService(db, daily_posts, settings, picker, items, clock,
                                   catch_up_minutes=config.daily_catch_up_minutes),
                moderation_repo=moderation_repo,
                moderation=ModerationService(db, moderation_repo, items, settings, history, votes, clock,
                                             hide_after=config.reports_hide_after,
                                             daily_limit=config.suggestions_daily_limit),
                catalog=CatalogService(storage.catalog, picker, library.moods, clock, rng,
                                       allow_flags=config.web.allow_flags, public_url=config.web.public_url,
                                       version=lambda: db.writes),
            )
            await core.content.import_library(library)
        except BaseException:
            await storage.close()
            raise
        return core

    async def close(self) -> None:
        await self.storage.close()
