"""The bot's resources and services, built once by the entry point and handed to the bot."""

from __future__ import annotations

import logging
import os
import random
from pathlib import Path

from msgspec import Struct

from bot.clock import Clock, SystemClock
from bot.config import Config
from bot.services.bot_link import BotLink
from bot.services.catalog import CatalogService
from bot.services.cooldowns import CooldownService
from bot.services.daily import DailyService
from bot.services.favorites import FavoriteService
from bot.services.guide import GuideService
from bot.services.library import LibraryService
from bot.services.moderation import ModerationService
from bot.services.mood import MoodReader
from bot.services.mood.corrections import MoodCorrections
from bot.services.pack_cache import cached_library
from bot.services.packs import BUILTIN_CONTENT, Library
from bot.services.picker import PickService
from bot.services.privacy import PrivacyService
from bot.services.votes import VoteService
from bot.storage import Storage
from bot.storage.backends import open_storage

log = logging.getLogger(__name__)


def content_folders(config: Config) -> list[Path]:
    folders = [BUILTIN_CONTENT] if config.content_builtin else []
    return folders + list(config.content_paths)


def start_up_cache(config: Config, name: str) -> Path:
    """Where start-up work is kept for the next start (``name``: ``mood-model``, the trained mood
    reader, or ``packs``, the validated content packs; :mod:`bot.cache_file`): beside the SQLite
    file; when the database is PostgreSQL, in systemd's ``CacheDirectory=`` (deploy/banter.service)
    or else the user's cache folder."""
    if config.database_url is None:
        return config.database_path.with_name(f"{config.database_path.name}.{name}.json")
    systemd = os.environ.get("CACHE_DIRECTORY")  # the unit's own folder, when it has one
    if systemd:
        return Path(systemd.split(":")[0]) / f"{name}.json"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "banter" / f"{name}.json"


class Core(Struct):
    """The services, built once by the entry point and handed to the bot, the site and the
    command line. The edges (cogs, web pages, commands) call these and nothing else; ``storage``
    is here for the entry points and the tests, which open and close it."""

    config: Config
    clock: Clock
    storage: Storage
    packs: Library  # the content packs as loaded and validated at start-up
    library: LibraryService  # imports and exports
    picks: PickService
    votes: VoteService
    moods: MoodReader
    daily: DailyService
    moderation: ModerationService
    catalog: CatalogService
    mood_corrections: MoodCorrections  # members' "not my mood", and each server's reader
    favorites: FavoriteService  # members' saved items (⭐)
    privacy: PrivacyService  # what is stored about a member, its deletion, and ageing old data out
    cooldowns: CooldownService  # per-member waits between two /joke or /mood
    guide: GuideService  # how the bot is set up in a server, as /help tells members
    bot_link: BotLink  # the bot as the web site reaches it (attached by cogs.dashboard)

    @classmethod
    async def open(cls, config: Config, *, clock: Clock | None = None, rng: random.Random | None = None) -> Core:
        """Validate the content packs, open the database and import the packs.

        Content is validated before the database is touched, so a bad pack changes nothing.
        """
        clock = clock or SystemClock()
        packs = cached_library(content_folders(config), start_up_cache(config, "packs"))
        storage = await open_storage(config, clock=clock, rng=rng)
        try:
            picks = PickService(storage, clock, rng)
            # Trained (or read from its file) once the bot is in its servers: cogs/mood.py.
            moods = MoodReader(packs.moods, cache=start_up_cache(config, "mood-model"), train_now=False)
            moderation = ModerationService(storage, clock, hide_after=config.reports_hide_after,
                                           daily_limit=config.suggestions_daily_limit)
            cooldowns = CooldownService(storage, clock, moderation.access, joke_seconds=config.joke_cooldown,
                                        mood_seconds=config.mood_cooldown,
                                        exempt_moderators=config.cooldown_exempt_moderators)
            daily = DailyService(storage, picks, clock, catch_up_minutes=config.daily_catch_up_minutes,
                                 remind_after_hours=config.review_remind_after_hours, shards=config.shards)
            core = cls(
                config=config, clock=clock, storage=storage, packs=packs,
                library=LibraryService(storage, clock),
                picks=picks,
                votes=VoteService(storage, clock),
                moods=moods,
                daily=daily,
                moderation=moderation,
                mood_corrections=MoodCorrections(moderation.access, moods),
                bot_link=BotLink(moderation.access),
                catalog=CatalogService(storage, picks, packs.moods, clock, rng,
                                       allow_flags=config.web.allow_flags, public_url=config.web.public_url,
                                       version=storage.version),
                favorites=FavoriteService(storage, clock),
                privacy=PrivacyService(storage, clock, history_days=config.history_days,
                                       reports_days=config.reports_days),
                cooldowns=cooldowns,
                guide=GuideService(storage, cooldowns, daily.setup),
            )
            await core.library.import_library(packs)
        except BaseException:
            await storage.close()
            raise
        return core

    async def close(self) -> None:
        await self.storage.close()
